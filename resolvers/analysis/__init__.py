"""Analysis over GraphQL: search, statistics, the entity graph (网图), performance."""
