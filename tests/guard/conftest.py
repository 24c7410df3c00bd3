"""Fixtures for the guard tests (defined in guard_support so tests can import its helpers)."""

from .guard_support import duckdb_path, maria_db, pg_schema, sqlite_path

__all__ = ["duckdb_path", "maria_db", "pg_schema", "sqlite_path"]
