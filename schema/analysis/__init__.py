"""Analysis over GraphQL: statistics, the entity graph, department performance."""
