"""The caller over GraphQL."""
