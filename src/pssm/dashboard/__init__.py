"""The home dashboard: what a signed-in user should see first, read from several apps."""
