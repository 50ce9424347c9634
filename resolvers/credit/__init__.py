"""Credit over GraphQL: listings, discipline, referrals, colours, publicity."""
