"""Blob stores: where file bytes live. A local folder or an S3 bucket, behind one interface."""

from fairdepot.storage.blobs.interface import BlobInfo, BlobStore, BlobWriter

__all__ = ["BlobInfo", "BlobStore", "BlobWriter"]
