"""双告知 over GraphQL."""
