"""Pick the blob store from one setting, so embedded and scale-out differ only in configuration.

`storage_url` forms:

- empty                    -> `<data_dir>/blobs` (embedded default)
- `file:///abs/path`       -> that folder
- a plain path             -> that folder (relative paths are relative to the working directory,
                              like `data_dir` itself)
- `s3://bucket[/prefix]`   -> that bucket, keys under `prefix/`; connection details come from
                              `S3Options`, falling back to boto3's AWS_* environment chain
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fairdepot.storage.blobs.interface import BlobStore
from fairdepot.storage.blobs.local import LocalBlobStore

_FORMS = "use file:///absolute/path, a plain path, or s3://bucket[/prefix]"


@dataclass(frozen=True)
class S3Options:
    """Connection settings for S3-compatible stores; None means "ask boto3's default chain"."""

    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 3
    unavailable_seconds: float = 5.0


def open_blob_store(
    storage_url: str, *, data_dir: Path, s3_options: S3Options | None = None
) -> BlobStore:
    """The store `storage_url` names; ValueError (never echoing secrets) if it names none."""
    url = storage_url.strip()
    if not url:
        return LocalBlobStore(data_dir / "blobs")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme or (len(scheme) == 1 and url[1:2] == ":"):  # plain path (or a drive letter)
        return LocalBlobStore(Path(url).expanduser())
    if scheme == "file":
        if parts.netloc not in {"", "localhost"} or parts.query or parts.fragment:
            raise ValueError(f"storage URL {url!r} is not a local file URL; {_FORMS}")
        path = Path(unquote(parts.path))
        if not path.is_absolute():
            raise ValueError(f"storage URL {url!r} must hold an absolute path; {_FORMS}")
        return LocalBlobStore(path)
    if scheme == "s3":
        if "@" in parts.netloc:
            # credentials in the URL would end up in logs; do not echo the URL back either
            raise ValueError("s3:// storage URL must not contain credentials; set S3 options")
        if not parts.netloc:
            raise ValueError(f"storage URL {url!r} names no bucket; {_FORMS}")
        if parts.query or parts.fragment:
            raise ValueError(f"storage URL {url!r} must not have a query or fragment; {_FORMS}")
        from fairdepot.storage.blobs.s3 import S3BlobStore  # boto3 only when S3 is configured

        options = s3_options or S3Options()
        return S3BlobStore(
            parts.netloc,
            prefix=unquote(parts.path).strip("/"),
            endpoint_url=options.endpoint_url,
            region=options.region,
            access_key_id=options.access_key_id,
            secret_access_key=options.secret_access_key,
            connect_timeout=options.connect_timeout,
            read_timeout=options.read_timeout,
            max_attempts=options.max_attempts,
            unavailable_seconds=options.unavailable_seconds,
        )
    # only the scheme is echoed: an http(s) URL pasted here could carry credentials
    raise ValueError(f"unsupported storage URL scheme {parts.scheme!r}; {_FORMS}")
