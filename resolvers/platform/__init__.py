"""Platform-level resolver parts: the request context, DataLoaders, connections, the HTTP and websocket doors."""
