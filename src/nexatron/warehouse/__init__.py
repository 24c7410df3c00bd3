"""One module per database engine, registered by type name (see `registry`)."""
