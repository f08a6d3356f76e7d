"""How the SciCat face reports errors: the NestJS shape its clients print.

`{"message": <text or list of texts>, "error": <reason phrase>, "statusCode": <status>}`.
Where our core error carries problems (what and where), the message is the list of them in
SciCat's own style (`"datasetName must be a string"`, `"property x should not exist"`), so
scitacean and pyscicat show what the real backend would, and each problem also goes under
`errors` with its location, which the real backend lacks and a human wants.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from fairdepot.api.common.errors import (
    asked_target,
    face_route,
    headers_for,
    status_for,
    status_title,
    validation_problems,
)
from fairdepot.api.common.safe_json import SafeJSONResponse
from fairdepot.api.fairscape.errors import retry_after
from fairdepot.core.errors import CatalogueError, DependencyUnavailable


def scicat_error_response(
    status: int,
    message: str | list[str],
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> SafeJSONResponse:
    body: dict[str, Any] = {
        "message": message,
        "error": status_title(status),
        "statusCode": status,
    }
    if errors:
        body["errors"] = errors
    return SafeJSONResponse(body, status_code=status, headers=headers)


def scicat_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, CatalogueError):
        status = status_for(exc)
        headers = headers_for(exc)
        if isinstance(exc, DependencyUnavailable):
            headers = {"Retry-After": str(retry_after(request))}
        problems = [p.as_dict() for p in exc.problems]
        message: str | list[str] = exc.message
        if problems and status == 400:
            message = [str(p.get("message", "")) for p in problems]
        return scicat_error_response(status, message, errors=problems, headers=headers)
    if isinstance(exc, RequestValidationError):
        problems = validation_problems(exc)
        texts = [f"{p['location']}: {p['message']}" for p in problems]
        return scicat_error_response(400, texts, errors=problems)
    if isinstance(exc, HTTPException):
        return scicat_error_response(
            exc.status_code, str(exc.detail), headers=dict(exc.headers or {})
        )
    return scicat_error_response(500, "Internal server error")


ScicatRoute = face_route(scicat_error)


SCICAT_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["message", "statusCode"],
    "properties": {
        "message": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "error": {"type": "string"},
        "statusCode": {"type": "integer", "minimum": 400, "maximum": 599},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def scicat_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring SciCat-shaped error answers for these statuses (the
    generic declaration of `declare_problems` keeps what a route declares itself)."""
    every = {400, 503, *statuses}
    return {
        status: {
            "description": status_title(status),
            "content": {"application/json": {"schema": SCICAT_ERROR_SCHEMA}},
        }
        for status in sorted(every)
    }


def scicat_router_error(request: Request, exc: HTTPException, detail: str) -> Response:
    """The router's own 404/405 below /api/v3 and /api/v4 in SciCat's shape; the 404's message
    is the backend's (NestJS) `Cannot GET /api/v3/...`, naming the path as it was sent."""
    status = exc.status_code
    message = f"Cannot {asked_target(request)}" if status == 404 else detail
    return scicat_error_response(status, message, headers=dict(exc.headers or {}))
