"""The duty catalog over GraphQL: supervision matters and published versions."""
