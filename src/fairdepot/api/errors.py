"""Mapping core errors to HTTP once per face.

Each face installs its own route class, so the same core error becomes the body its clients
expect (FAIRSCAPE and our own endpoints: RFC 9457 problem+json; SciCat and gCat their own
shapes). Anything unexpected is logged and answered as a problem, never as a bare 500 page.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from fairdepot.api.json_body import StrictJsonRequest
from fairdepot.core.errors import (
    AuthenticationRequired,
    CatalogueError,
    Conflict,
    Gone,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    TooLarge,
    UnsupportedMediaType,
)

log = logging.getLogger(__name__)
ErrorMapper = Callable[[Request, Exception], Response]

STATUS = [
    (TooLarge, 413),
    (UnsupportedMediaType, 415),
    (InvalidInput, 400),
    (AuthenticationRequired, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Gone, 410),
    (Conflict, 409),
    (PreconditionFailed, 412),
]


def status_for(error: CatalogueError) -> int:
    return next((code for kind, code in STATUS if isinstance(error, kind)), 400)


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(
        body, status_code=status, headers=headers, media_type="application/problem+json"
    )


def validation_problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
        for e in exc.errors()
    ]


def face_route(mapper: ErrorMapper) -> type[APIRoute]:
    """A route class whose handlers parse JSON strictly and turn exceptions into this face's
    error responses."""

    class FaceRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                request = StrictJsonRequest(request.scope, request.receive)
                try:
                    return await handler(request)
                except HTTPException as exc:  # FastAPI wraps what body parsing raised: unwrap ours
                    cause = exc.__cause__
                    return mapper(request, cause if isinstance(cause, CatalogueError) else exc)
                except (CatalogueError, RequestValidationError) as exc:
                    return mapper(request, exc)
                except Exception as exc:
                    log.exception("unexpected error on %s %s", request.method, request.url.path)
                    return mapper(request, exc)

            return guarded

    return FaceRoute
