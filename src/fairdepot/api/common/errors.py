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
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import Match

from fairdepot.api.common.json_body import StrictJsonRequest
from fairdepot.api.common.safe_json import SafeJSONResponse
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
    Problem,
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
) -> SafeJSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return SafeJSONResponse(
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


_NUL_IN_URL = "the URL may not contain the NUL character (%00)"


def _has_nul(request: Request) -> bool:
    """U+0000 anywhere in the URL: decoded, or still `%00` in the raw path (the SciCat face
    routes on the raw path, so a pid's `%00` reaches the handler and PostgreSQL refuses it)."""
    raw_path = request.scope.get("raw_path") or b""
    return "\x00" in request.url.path or "%00" in request.url.query or b"%00" in raw_path.lower()


def face_route(mapper: ErrorMapper) -> type[APIRoute]:
    """A route class whose handlers parse JSON strictly and turn exceptions into this face's
    error responses."""

    class FaceRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                request = StrictJsonRequest(request.scope, request.receive)
                if _has_nul(request):  # no database stores it, no client means it
                    problem = Problem("contains U+0000 (%00)", "url")
                    return mapper(request, InvalidInput(_NUL_IN_URL, problems=[problem]))
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


RouterErrorResponder = Callable[[Request, HTTPException, str], Response]
"""A face's answer to the router's own 404/405 under its paths: (request, error, detail)."""


def asked_target(request: Request) -> str:
    """`METHOD /path` as the client sent it (the raw path: routing may have folded its case)."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) and raw else request.url.path
    return f"{request.method} {path}"


def _router_problem(
    request: Request, exc: Exception, faces: dict[str, RouterErrorResponder]
) -> Response:
    """The router's own answers (no such route, wrong method) and anything a route class did not
    catch, in the one error shape, saying what was asked for and what exists instead; under a
    face's own prefix (SciCat's /api/v3), in that face's shape."""
    if isinstance(exc, RequestValidationError):
        problems = validation_problems(exc)
        detail = "; ".join(f"{p['location']}: {p['message']}" for p in problems)
        return problem_response(422, status_title(422), detail, errors=problems)
    assert isinstance(exc, HTTPException)
    status, headers = exc.status_code, dict(exc.headers or {})
    target = asked_target(request)
    if status == 404:
        detail = f"nothing here: {target} is not a route of this server (see /docs)"
    elif status == 405:
        allowed = allowed_methods(request) or headers.get("Allow") or headers.get("allow") or ""
        headers = {k: v for k, v in headers.items() if k.lower() != "allow"} | {"Allow": allowed}
        exc = HTTPException(status, exc.detail, headers=headers)
        detail = f"{target} is not allowed; this path answers {allowed}"
    else:
        detail = str(exc.detail)
    path = request.url.path.lower()
    for prefix, responder in faces.items():
        if path == prefix or path.startswith(prefix + "/"):
            return responder(request, exc, detail)
    return problem_response(status, status_title(status), detail, headers=headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """Every method some route of the app answers at this path, for a 405's `Allow`.

    The router names the methods of the first route whose path matches only; the SciCat face
    declares one route per method and path (`GET` and `POST /api/v3/datasets`), so that would
    hide the others. Each method is asked of the app's routes as the router asks them (its
    public `matches`, which included routers answer for their own routes too), on the
    request's own scope (the raw-path routing's folded path, api/common/raw_path.py)."""
    routes = getattr(getattr(request.app, "router", None), "routes", ())
    allowed = []
    for method in _METHODS:
        probe = {**request.scope, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in routes):
            allowed.append(method)
    return ", ".join(allowed)


def install_error_handlers(
    app: FastAPI, faces: dict[str, RouterErrorResponder] | None = None
) -> None:
    """Make the router's 404/405 and FastAPI's own errors problem+json like every other, or the
    shape of the face whose path prefix (`faces`, lower case) the request is under."""
    by_prefix = dict(faces or {})

    def handler(request: Request, exc: Exception) -> Response:
        return _router_problem(request, exc, by_prefix)

    app.add_exception_handler(HTTPException, handler)
    app.add_exception_handler(RequestValidationError, handler)


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
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
    "additionalProperties": True,
}
"""RFC 9457 problem details as every face of ours sends them (a face may add keys)."""


def multipart_body(fields: dict[str, dict[str, Any]], required: list[str]) -> dict[str, Any]:
    """`openapi_extra` declaring a multipart body for a route that streams it itself."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": fields, "required": required}
                }
            },
        }
    }


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries declaring problem+json answers for these status codes."""
    return {
        status: {
            "description": status_title(status),
            "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
        }
        for status in statuses
    }


def declare_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Declare in the OpenAPI the error answers each operation really gives, read from its shape.

    Every operation checks its input (400, and FastAPI's own 422, which we send as a problem
    too); one that needs an account (it declares `security`) answers 401/403; one naming a
    record in its path answers 404, or 410 for a tombstone; a write may clash with the
    catalogue's state (409), and a PUT carries `If-Match` (412). Any operation may meet an
    unavailable database or blob store (503 with Retry-After). Done once on the document, so
    new routes and faces are described (and tested by schemathesis) without anyone listing
    their errors. Idempotent: a status an operation declares itself is kept.
    """
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            statuses = [400, 422, 503]
            if operation.get("security"):
                statuses += [401, 403]
            if "{" in path:
                statuses += [404, 410]
            if method != "get":
                statuses.append(409)
            if method == "put":
                statuses.append(412)
            responses = operation.setdefault("responses", {})
            if _is_fastapi_default(responses.get("422")):
                del responses["422"]
            for status, declared in problem_responses(*statuses).items():
                responses.setdefault(str(status), declared)
    return document


def _is_fastapi_default(response: dict[str, Any] | None) -> bool:
    """FastAPI's own 422 entry, which describes a body we never send (we send a problem)."""
    if not response:
        return False
    content = response.get("content", {})
    return "application/json" in content and "application/problem+json" not in content
