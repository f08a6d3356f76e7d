"""The gCat face's use cases: organizations, groups, users and namespaces so far (the items,
resources, profiles, licences and trash come next, on the same frame)."""
