"""The duty catalog over GraphQL: matters and versions."""
