"""What every domain of the API shares: errors, connections, the mutation declaration, the calendar."""
