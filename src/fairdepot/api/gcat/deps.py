"""Who is calling, as gCat sees it, and what every listing takes.

gCat reads its token from the `gcube-token` header; `Authorization: Bearer` is accepted too
(gCat 2.x). Either holds one of our API tokens (`fairdepot user token NAME`) or a login JWT
(FAIRSCAPE's `/api/login`, SciCat's `auth/login`), checked by the accounts service as on every
face. No token, or one that does not verify, is a 401 on every route (OPTIONS never reaches a
route: `methods.py` answers it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from fairdepot.api.common.deps import BEARER, RuntimeDep, actor_of, bearer_token
from fairdepot.core.accounts import User
from fairdepot.core.errors import AuthenticationRequired, InvalidInput, Problem
from fairdepot.core.policy import Actor
from fairdepot.core.query import MAX_OFFSET
from fairdepot.services import accounts
from fairdepot.services.gcat.listing import DEFAULT_LIMIT, Listing

TOKEN_HEADER = "gcube-token"  # noqa: S105 - a header name, not a secret
SEND_CREDENTIALS = (
    "send your token in the 'gcube-token' header (or as 'Authorization: Bearer <token>')"
)


@dataclass(frozen=True)
class Caller:
    user: User
    actor: Actor


def presented_token(request: Request) -> str | None:
    return request.headers.get(TOKEN_HEADER, "").strip() or bearer_token(request)


GCUBE_TOKEN = APIKeyHeader(
    name=TOKEN_HEADER,
    auto_error=False,
    description="An API token (`fairdepot user token NAME`) or a login token.",
)
"""Declares the header in the OpenAPI (so clients and schemathesis know every route needs
one); the header itself is read by `gcat_caller`, so that our 401 body applies."""


async def gcat_caller(
    request: Request,
    runtime: RuntimeDep,
    _header: Annotated[str | None, Security(GCUBE_TOKEN)] = None,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
) -> Caller:
    token = presented_token(request)
    if token is None:
        raise AuthenticationRequired(SEND_CREDENTIALS)
    user = await run_in_threadpool(accounts.user_for_token, runtime, token)
    return Caller(user, actor_of(runtime, user))


CallerDep = Annotated[Caller, Depends(gcat_caller)]


def gcat_listing(
    limit: Annotated[
        int,
        Query(le=MAX_OFFSET, description="At most this many; -1 (or any value <= 0): all."),
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip (items: pages to skip).")
    ] = 0,
    count: Annotated[bool, Query(description='true: answer {"count": N} instead.')] = False,
) -> Listing:
    return Listing(limit if limit > 0 else None, offset, count)


ListingDep = Annotated[Listing, Depends(gcat_listing)]


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object (the face's strict parser: malformed JSON is a 400)."""
    try:
        body = await request.json()
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise InvalidInput(
            f"the body is not valid JSON: {exc.msg} ({where})",
            problems=[Problem(f"{exc.msg} at {where}", "body")],
        ) from None
    if not isinstance(body, dict):
        raise InvalidInput(
            "the body must be a JSON object", problems=[Problem("must be a JSON object", "body")]
        )
    return body


def public_location(request: Request, path: str) -> str:
    """`path` (as decoded, below this server) as an absolute URL on FAIRDEPOT_PUBLIC_URL,
    percent-encoded: never the request's `Host` (a client could name any host), and always a
    valid header value (a name with spaces or non-Latin-1 characters made the 201 a 500)."""
    base_url = request.app.state.runtime.settings.base_url
    return base_url + quote(path, safe="/:@-._~!$&'()*+,;=")


def created_location(request: Request, name: str) -> str:
    """gCat's `Location` of a created instance: the request's URL followed by its name."""
    return public_location(request, request.url.path.rstrip("/") + "/" + name)


def created_response(request: Request, name: str, document: dict[str, Any]) -> JSONResponse:
    """gCat's answer to a create: 201, the new instance's document and its `Location`."""
    location = created_location(request, name)
    return JSONResponse(document, status_code=201, headers={"Location": location})


def json_body_declared(description: str) -> dict[str, Any]:
    """`openapi_extra` declaring the JSON object a route reads itself (`json_object`)."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    }
