"""Tenants, users, roles, passwords, access and refresh tokens, API keys."""
