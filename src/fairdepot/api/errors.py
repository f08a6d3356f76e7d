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

from fairdepot.core.errors import (
    AuthenticationRequired,
    CatalogueError,
    Conflict,
    DependencyUnavailable,
    Gone,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    StoredBytesMissing,
    TooLarge,
    TooManyAttempts,
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
    (TooManyAttempts, 429),
    (DependencyUnavailable, 503),
    (StoredBytesMissing, 500),
]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def status_for(error: CatalogueError) -> int:
    return next((code for kind, code in STATUS if isinstance(error, kind)), 400)


def headers_for(error: CatalogueError) -> dict[str, str] | None:
    """Headers an error's status needs, the same on every face."""
    if isinstance(error, AuthenticationRequired):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(error, TooManyAttempts):
        return {"Retry-After": str(error.retry_after_seconds)}
    return None


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
    """A route class whose handlers turn exceptions into this face's error responses."""

    class FaceRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                try:
                    try:
                        return await handler(request)
                    except DependencyUnavailable as exc:
                        # a read that lost its database connection is tried once more (the
                        # pool pre-pings, so it gets a fresh one); anything else answers 503
                        if exc.dependency != "database" or request.method not in SAFE_METHODS:
                            raise
                        log.warning(
                            "retrying %s %s once: %s", request.method, request.url.path, exc
                        )
                        return await handler(request)
                except DependencyUnavailable as exc:
                    log.warning("%s %s: %s", request.method, request.url.path, exc)
                    return mapper(request, exc)
                except (CatalogueError, RequestValidationError, HTTPException) as exc:
                    return mapper(request, exc)
                except Exception as exc:
                    log.exception("unexpected error on %s %s", request.method, request.url.path)
                    return mapper(request, exc)

            return guarded

    return FaceRoute
