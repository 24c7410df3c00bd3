"""Files tenants upload (DuckDB, SQLite, CSV, Parquet), kept in each tenant's own area."""
