"""SCIM 2.0 provisioning (RFC 7643 / RFC 7644) served at /scim/v2 with tenant SCIM tokens."""
