"""双归集 over GraphQL: licenses, penalties, complaints and their batch import."""
