"""Use cases the faces call. Each takes the acting user and asks core.policy before acting."""
