"""The semantic layer: metrics, dimensions, relationships; relative dates; the SQL compiler."""
