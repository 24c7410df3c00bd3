"""Usage: plans and quotas, the metering ledger and its exporter, analytics rollups, billing."""
