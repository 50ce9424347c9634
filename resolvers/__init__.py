"""Thin resolvers: a GraphQL call becomes a service call; relations go through DataLoaders."""
