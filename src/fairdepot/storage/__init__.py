"""Adapters behind small interfaces: metadata store (SQLAlchemy), blob store, search index, jobs.

Storage never decides permissions: it executes the filters the core policy produces.
"""
