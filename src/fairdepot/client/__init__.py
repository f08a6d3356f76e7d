"""Client-side code shipped with fairdepot for users' machines (needs only what it names)."""
