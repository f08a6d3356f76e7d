"""Conditional GET for every face: `If-None-Match` against a strong ETag, 304 without a body.

Routes call these only after the catalogue has checked that the caller may read the record
(they hold a `RecordVersion`), so a 304 never confirms to anyone else that a record exists.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request, Response

from fairdepot.services.representation_cache import Representation


def weak(etag: str) -> str:
    """The ETag of a representation whose bytes may differ between two serialisations of the
    same revision (RDF: the serializer picks blank-node labels), equal in meaning only."""
    return etag if etag.startswith("W/") else f"W/{etag}"


def matches(request: Request, etag: str) -> bool:
    """RFC 9110 §13.1.2: `*` or any listed tag equal to ours by the weak comparison."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == ours for tag in header.split(","))


def not_modified(etag: str, headers: Mapping[str, str]) -> Response:
    return Response(status_code=304, headers={**headers, "ETag": etag})


def served(found: Representation, etag: str, headers: Mapping[str, str]) -> Response:
    return Response(
        found.body,
        media_type=found.media_type,
        headers={**dict(found.headers), **headers, "ETag": etag},
    )
