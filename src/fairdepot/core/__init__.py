"""The catalogue's own language: records, identifiers, metadata, access policy.

Pure Python: nothing in here imports a web framework, SQL or an HTTP client.
"""
