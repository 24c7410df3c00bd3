"""The metadata store: SQLAlchemy Core tables, Alembic migrations, the engine factory."""
