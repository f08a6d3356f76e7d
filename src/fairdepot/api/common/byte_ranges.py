"""`Range` and `If-Range` for downloads whose length is known up front (RFC 9110 §14).

One range per request: a client resuming a download asks for one. Several ranges, a range we
cannot parse or an `If-Range` that names other bytes get the whole body (200), as the RFC
allows; a range that starts past the end is 416 with the length.
"""

from __future__ import annotations

import re

_SINGLE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Unsatisfiable(Exception):
    """The range starts past the end of the body: 416 with `Content-Range: bytes */size`."""


def requested(
    range_header: str | None, if_range: str | None, etag: str, size: int
) -> tuple[int, int] | None:
    """(start, stop) of the bytes to send, or None for the whole body."""
    if not range_header or (if_range is not None and if_range.strip() != etag):
        return None
    match = _SINGLE.match(range_header.strip().replace(" ", ""))
    if match is None or match.group(0) == "bytes=-":
        return None
    first, last = match.groups()
    if not first:  # a suffix: the last N bytes
        length = int(last)
        if length == 0:
            raise Unsatisfiable
        return max(0, size - length), size
    start = int(first)
    stop = min(size, int(last) + 1) if last else size
    if last and int(last) < start:
        return None  # invalid: ignored, as the RFC says
    if start >= size:
        raise Unsatisfiable
    return start, stop
