"""双归集 over GraphQL: records under the entity, and the batch import."""
