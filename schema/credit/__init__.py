"""Credit over GraphQL: listings, joint discipline, referrals and risk colours."""
