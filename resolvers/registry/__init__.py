"""The registry over GraphQL: entities, persons, regions and departments."""
