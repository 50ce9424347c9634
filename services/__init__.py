"""The domain: every rule of domain.md lives here once."""
