"""Tenant connections: stored config, encrypted secrets, live engines, cached schemas."""
