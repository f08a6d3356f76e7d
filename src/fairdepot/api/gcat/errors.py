"""How the gCat face reports errors: one JSON shape for every status.

`{"message": <text>, "problems": [{"location", "message"}, ...]}`. gCat 1.x answers errors as
`text/plain` with the exception's message; clients act on the status. We keep its message
(gCat's own words where the reference gives them, e.g. the name rule) as `message`, and add
what and where under `problems`, which a human wants and a client may ignore. Statuses are the
core hierarchy's (api/common/errors.py): 400 bad input, 401 no or bad token, 403 known but not
allowed (the reference accepts 401 or 403 there: we say which), 404, 405 (with `Allow`),
409 a name taken, 413, 415, 429, 503 (with `Retry-After`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from fairdepot.api.common.errors import (
    face_route,
    headers_for,
    status_for,
    status_title,
    validation_problems,
)
from fairdepot.api.common.safe_json import SafeJSONResponse
from fairdepot.api.fairscape.errors import retry_after
from fairdepot.core.crosswalks.ckan_rules import CkanValidationError
from fairdepot.core.errors import CatalogueError, DependencyUnavailable

GCAT_PREFIX = "/gcat"


def gcat_error_response(
    status: int,
    message: str,
    *,
    problems: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> SafeJSONResponse:
    body = {"message": message, "problems": problems or []}
    return SafeJSONResponse(body, status_code=status, headers=headers)


def gcat_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, CatalogueError):
        headers = headers_for(exc)
        if isinstance(exc, DependencyUnavailable):
            headers = {"Retry-After": str(retry_after(request))}
        problems = [p.as_dict() for p in exc.problems]
        status = 409 if isinstance(exc, CkanValidationError) else status_for(exc)  # CKAN's
        return gcat_error_response(status, exc.message, problems=problems, headers=headers)
    if isinstance(exc, RequestValidationError):
        problems = validation_problems(exc)
        text = "; ".join(f"{p['location']}: {p['message']}" for p in problems)
        return gcat_error_response(400, text, problems=problems)
    if isinstance(exc, HTTPException):
        return gcat_error_response(
            exc.status_code, str(exc.detail), headers=dict(exc.headers or {})
        )
    return gcat_error_response(500, "Internal server error")


GcatRoute = face_route(gcat_error)


def gcat_router_error(request: Request, exc: HTTPException, detail: str) -> Response:
    """The router's own 404 (a path gCat does not have, or one whose endpoints are not built
    yet) and 405 below /gcat, in the face's shape."""
    from fairdepot.api.gcat.methods import METHOD_TABLE, row_for, rows

    path = request.url.path
    if exc.status_code == 404 and row_for(path[len(GCAT_PREFIX) :] or "/", rows(METHOD_TABLE)):
        detail = f"{request.method} {path} is a gCat operation this server does not offer yet"
    return gcat_error_response(exc.status_code, detail, headers=dict(exc.headers or {}))


GCAT_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["message", "problems"],
    "properties": {
        "message": {"type": "string"},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "location": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def gcat_responses() -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring the face's error body for every error status it gives
    (`declare_problems` keeps what a route declares itself)."""
    return {
        status: {
            "description": status_title(status),
            "content": {"application/json": {"schema": GCAT_ERROR_SCHEMA}},
        }
        for status in (400, 401, 403, 404, 409, 413, 415, 429, 503)
    }


def gcat_router(prefix: str) -> APIRouter:
    """A router of the face below `prefix`: its errors answered and declared in gCat's shape."""
    return APIRouter(
        route_class=GcatRoute, prefix=prefix, tags=["gcat"], responses=gcat_responses()
    )
