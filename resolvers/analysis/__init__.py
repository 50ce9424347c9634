"""Analysis over GraphQL: statistics."""
