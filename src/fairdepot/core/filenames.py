"""File names from clients, reduced to what is safe to store and to send back.

A multipart upload's `filename` is whatever the client wrote (`../../../../tmp/x.zip`, a
Windows path, control characters, a kilobyte of text). We keep only a base name: no folders,
no control characters, no leading dots, bounded in length, so that it can be shown, used in
`Content-Disposition` and saved by a browser without going anywhere but where the user chose.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 255  # what common file systems allow for one component
_FOLDERS = re.compile(r"^.*[/\\]")


def safe_basename(name: str | None, default: str) -> str:
    """The last path component of `name`, cleaned; `default` when nothing usable is left."""
    text = unicodedata.normalize("NFC", name or "")
    text = _FOLDERS.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = text.strip().lstrip(".").strip()
    if not text:
        return default
    return _bounded(text, MAX_NAME_BYTES)


def _bounded(text: str, limit: int) -> str:
    """Cut to `limit` UTF-8 bytes, keeping a short extension (`.zip`) where there is one."""
    if len(text.encode()) <= limit:
        return text
    stem, dot, extension = text.rpartition(".")
    keep = f"{dot}{extension}" if stem and len(extension.encode()) <= 16 else ""
    head = text[: len(text) - len(keep)] if keep else text
    budget = limit - len(keep.encode())
    cut = head.encode()[:budget].decode("utf-8", "ignore")
    return cut + keep
