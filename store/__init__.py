"""The DuckDB database, the content-addressed file store and the app's settings."""
