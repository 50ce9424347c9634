"""What the platform shows of itself: the home page's counts (dashboard)."""
