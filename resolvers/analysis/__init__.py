"""Analysis over GraphQL: thin calls into services.analysis."""
