"""`/gcat/profiles`: an organization's item profiles, XML in and out (services/gcat/profiles.py).

A profile is uploaded as `Content-Type: application/xml` (or `text/xml`; anything else is a
415) and read back as the XML uploaded, or as its JSON view with `Accept: application/json`.
The body is read while it streams and refused (413) once it passes `MAX_PROFILE_BYTES`, by its
`Content-Length` before a byte is read or by counting when it sent none or lied, so a 50 MB
body is never held in memory. Which organization: `?organization=NAME`, else the caller's own
(the service's `organization_for`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Query, Request, Response
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import RuntimeDep
from fairdepot.api.common.safe_json import SafeJSONResponse
from fairdepot.api.gcat.deps import CallerDep, public_location
from fairdepot.api.gcat.errors import gcat_router
from fairdepot.core.errors import Problem, TooLarge, UnsupportedMediaType
from fairdepot.core.negotiation import choose
from fairdepot.core.profiles import MAX_PROFILE_BYTES, profile_json
from fairdepot.services.gcat import profiles

router = gcat_router("/gcat/profiles")

XML = "application/xml"
JSON = "application/json"
XML_TYPES = frozenset({XML, "text/xml"})
_DECLARED_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")

OrganizationQuery = Annotated[
    str | None,
    Query(
        alias=profiles.ORGANIZATION_PARAMETER,
        description="The organization whose profiles are meant; without it, the caller's own.",
    ),
]

XML_BODY = {
    "requestBody": {
        "required": True,
        "description": "The profile (Item Profile Definition v3); its `type` is its name.",
        "content": {XML: {"schema": {"type": "string"}}},
    }
}


@router.get("")
async def list_profiles(
    runtime: RuntimeDep,
    caller: CallerDep,
    organization: OrganizationQuery = None,
    count: Annotated[bool, Query(description='true: answer {"count": N} instead.')] = False,
) -> Any:
    """The organization's profile names, sorted (not paged), or `{"count": N}`."""
    if count:
        total = await run_in_threadpool(profiles.count, runtime, caller.actor, organization)
        return {"count": total}
    return await run_in_threadpool(profiles.names, runtime, caller.actor, organization)


@router.get(
    "/{name}",
    responses={200: {"content": {XML: {"schema": {"type": "string"}}, JSON: {}}}},
)
async def read_profile(
    name: str,
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    organization: OrganizationQuery = None,
) -> Response:
    """The XML as uploaded (the default), or its JSON view (`Accept: application/json`)."""
    stored = await run_in_threadpool(profiles.read, runtime, caller.actor, organization, name)
    if choose(request.headers.get("accept"), [XML, JSON]) == JSON:
        view = await run_in_threadpool(lambda: profile_json(profiles.parsed(stored)))
        return SafeJSONResponse(view)
    return _xml_response(stored.xml, status=200)


@router.put("/{name}", openapi_extra=XML_BODY, responses={201: {"description": "Created."}})
async def put_profile(
    name: str,
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    organization: OrganizationQuery = None,
) -> Response:
    """Create (201, `Location`) or replace (200); the answer echoes the stored XML."""
    _require_xml(request)
    body = await _bounded_body(request, MAX_PROFILE_BYTES)
    written = await run_in_threadpool(profiles.put, runtime, caller.actor, organization, name, body)
    if written.created:
        location = public_location(request, request.url.path)
        response = _xml_response(written.profile.xml, status=201)
        response.headers["Location"] = location
        return response
    return _xml_response(written.profile.xml, status=200)


@router.delete("/{name}", status_code=204)
async def delete_profile(
    name: str, runtime: RuntimeDep, caller: CallerDep, organization: OrganizationQuery = None
) -> Response:
    await run_in_threadpool(profiles.delete, runtime, caller.actor, organization, name)
    return Response(status_code=204)


def _require_xml(request: Request) -> None:
    declared = request.headers.get("content-type", "")
    media_type = declared.split(";", 1)[0].strip().lower()
    if media_type not in XML_TYPES:
        shown = media_type or "none"
        raise UnsupportedMediaType(
            f"a profile is sent as XML (Content-Type: {XML}), not {shown}",
            problems=[Problem(f"must be {XML}", "Content-Type")],
        )


async def _bounded_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) past `limit` before it is held whole: by its Content-Length,
    else while counting the chunks as they arrive."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        f"the profile is larger than {limit} bytes",
        problems=[Problem(f"larger than {limit} bytes", "body")],
    )


def _xml_response(text: str, *, status: int) -> Response:
    """The text in the encoding its declaration names (as it was uploaded), else UTF-8."""
    declared = _DECLARED_ENCODING.match(text)
    encoding = declared.group(1) if declared else "utf-8"
    try:
        body = text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        encoding, body = "utf-8", text.encode("utf-8")
    return Response(body, status_code=status, media_type=f"{XML}; charset={encoding}")
