"""What the platform makes of its data: the period every analysis covers (period) and the
statistics of the admin home and the API (statistics)."""
