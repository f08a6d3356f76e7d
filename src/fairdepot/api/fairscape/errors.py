"""How the FAIRSCAPE face reports errors: problem+json that also carries the reference keys.

The real FAIRSCAPE server answers `{"message": ...}` or `{"error": ...}`; clients print those.
We send RFC 9457 problem details and repeat the text under `message` so both kinds of client
show something useful, plus `errors` (what and where) and, for 409, the `dependents`.
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from fairdepot.api.common.errors import (
    face_route,
    headers_for,
    problem_response,
    status_for,
    validation_problems,
)
from fairdepot.core.errors import CatalogueError, Conflict, DependencyUnavailable, Gone

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    410: "Gone",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
DEFAULT_RETRY_AFTER = 5


def fairscape_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, CatalogueError):
        status = status_for(exc)
        extra: dict[str, object] = {"message": str(exc)}
        headers = headers_for(exc)
        if isinstance(exc, DependencyUnavailable):
            headers = {"Retry-After": str(retry_after(request))}
            extra["message"] = exc.message  # the cause (hosts, keys) is for the log only
        if isinstance(exc, Conflict) and exc.dependents:
            extra["dependents"] = exc.dependents
        if isinstance(exc, Gone):
            stone = exc.tombstone
            extra["tombstone"] = {
                "@id": stone.ark,
                "@type": stone.kind,
                "name": stone.name,
                "deletedAt": stone.deleted_at,
                "reason": stone.reason,
            }
        return problem_response(
            status,
            _TITLES.get(status, "Error"),
            exc.message,
            errors=[p.as_dict() for p in exc.problems],
            headers=headers,
            **extra,
        )
    if isinstance(exc, RequestValidationError):
        problems = validation_problems(exc)
        detail = "; ".join(f"{p['location']}: {p['message']}" for p in problems)
        return problem_response(422, _TITLES[422], detail, errors=problems, message=detail)
    if isinstance(exc, HTTPException):
        detail = str(exc.detail)
        return problem_response(
            exc.status_code,
            _TITLES.get(exc.status_code, "Error"),
            detail,
            headers=dict(exc.headers or {}),
            message=detail,
        )
    return problem_response(
        500, _TITLES[500], "internal error; it has been logged", message="internal error"
    )


def retry_after(request: Request) -> int:
    """Seconds a client should wait before trying again after a 503 (a setting)."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        return DEFAULT_RETRY_AFTER
    return int(runtime.settings.unavailable_retry_after_seconds)


FairscapeRoute = face_route(fairscape_error)
