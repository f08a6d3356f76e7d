"""Reading RO-Crates: parse the metadata file, validate it, and plan the records it becomes."""
