"""Tenants as the operator sees them: create (with a first admin key), list, plan, suspend,
resume, and delete (export first, then erase every row in one transaction)."""
