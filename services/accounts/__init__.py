"""Who may sign in or call: admin users (users, passwords) and API tokens (tokens)."""
