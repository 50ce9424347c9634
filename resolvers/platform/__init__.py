"""Platform-level resolver parts: request context, DataLoaders, connections, by-name inputs, authentication."""
