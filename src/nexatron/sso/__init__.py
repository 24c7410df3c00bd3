"""Single sign-on with OpenID Connect: per-tenant providers, the authorization code flow."""
