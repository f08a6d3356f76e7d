"""Pure translations between a face's native documents and the catalogue's records.

Faces call these instead of mapping fields inline (docs/architecture.md, "Crosswalks").
"""
