"""HTTP layer: thin routes over the services, the gateway middleware, error mapping."""
