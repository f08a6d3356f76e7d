"""Crate use cases: upload jobs, records built from a crate, file-less crates, zips on the fly."""
