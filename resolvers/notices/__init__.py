"""双告知 over GraphQL: notices, the open pool, the push subscription."""
