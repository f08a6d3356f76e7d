"""`Content-Disposition` for downloads, by RFC 6266: a safe base name, ASCII and UTF-8 forms."""

from __future__ import annotations

from urllib.parse import quote

from fairdepot.core.filenames import safe_basename

_ATTR_CHARS = "!#$&+-.^_`|~"  # RFC 8187 attr-char besides letters and digits


def content_disposition(filename: str | None, *, inline: bool = False) -> str:
    """`attachment; filename="x.zip"; filename*=UTF-8''x.zip`; never a path, never a quote."""
    name = safe_basename(filename, "download")
    fallback = "".join(ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\;%' else "_" for ch in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
