"""Mapping core errors to HTTP once per face.

Each face installs its own route class, so the same core error becomes the body its clients
expect (FAIRSCAPE and our own endpoints: RFC 9457 problem+json; SciCat and gCat their own
shapes). Anything unexpected is logged and answered as a problem, never as a bare 500 page.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

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


def status_title(status: int) -> str:
    """The reason phrase of a status code (RFC 9110), as the problem's `title`."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


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
                    return await handler(request)
                except (CatalogueError, RequestValidationError, HTTPException) as exc:
                    return mapper(request, exc)
                except Exception as exc:
                    log.exception("unexpected error on %s %s", request.method, request.url.path)
                    return mapper(request, exc)

            return guarded

    return FaceRoute


def _router_problem(request: Request, exc: Exception) -> Response:
    """The router's own answers (no such route, wrong method) and anything a route class did not
    catch, in the one error shape, saying what was asked for and what exists instead."""
    if isinstance(exc, RequestValidationError):
        problems = validation_problems(exc)
        detail = "; ".join(f"{p['location']}: {p['message']}" for p in problems)
        return problem_response(422, status_title(422), detail, errors=problems)
    assert isinstance(exc, HTTPException)
    status, headers = exc.status_code, dict(exc.headers or {})
    target = f"{request.method} {request.url.path}"
    if status == 404:
        detail = f"nothing here: {target} is not a route of this server (see /docs)"
    elif status == 405:
        allowed = headers.get("Allow") or headers.get("allow") or ""
        detail = f"{target} is not allowed; this path answers {allowed}"
    else:
        detail = str(exc.detail)
    return problem_response(status, status_title(status), detail, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Make the router's 404/405 and FastAPI's own errors problem+json like every other."""
    app.add_exception_handler(HTTPException, _router_problem)
    app.add_exception_handler(RequestValidationError, _router_problem)
