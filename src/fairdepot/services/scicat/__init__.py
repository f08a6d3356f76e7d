"""The SciCat face's use cases: its query parameters as core queries (filters, fullquery)."""
