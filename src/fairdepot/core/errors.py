"""One exception hierarchy for the whole catalogue.

Services raise these; each API face maps them to its own status codes and error bodies once.
`location` says where in the input the problem is (a JSON pointer, a zip member, a form field),
so that every face can tell the user what is wrong *and where*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Problem:
    """One thing wrong with an input, and where it is."""

    message: str
    location: str | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"location": self.location, "message": self.message}


class CatalogueError(Exception):
    """Base of every error the core and the services raise on purpose."""

    def __init__(self, message: str, *, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return "; ".join(str(p) for p in self.problems)


class InvalidInput(CatalogueError):
    """The request or the uploaded content is malformed or fails validation."""


class TooLarge(InvalidInput):
    """An upload or archive exceeds a configured limit."""


class UnsupportedMediaType(InvalidInput):
    """The request body is not of a type the endpoint accepts."""


LOGIN_REQUIRED = "log in to do this: send a token from the login route as 'Authorization: Bearer'"
"""The one wording of "you are anonymous and this needs an account", on every route and face."""


class AuthenticationRequired(CatalogueError):
    """No credentials, or credentials that could not be verified."""

    def __init__(self, message: str = LOGIN_REQUIRED, *, problems: list[Problem] | None = None):
        super().__init__(message, problems=problems)


class TooManyAttempts(CatalogueError):
    """Refused without looking at the credentials: too many failed attempts; retry later."""

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class PermissionDenied(CatalogueError):
    """The caller is known but may not do this."""


class NotFound(CatalogueError):
    """No such record, job or account (or the caller may not know that it exists)."""


@dataclass
class Tombstone:
    """What remains of a deleted record: enough to say what it was and that it is gone."""

    ark: str
    kind: str
    name: str | None
    deleted_at: str
    reason: str = "deleted by its owner"
    extra: dict[str, Any] = field(default_factory=dict)


class Gone(CatalogueError):
    """The identifier existed and was deleted; its tombstone is kept for ever."""

    def __init__(self, tombstone: Tombstone) -> None:
        super().__init__(f"{tombstone.ark} was deleted on {tombstone.deleted_at}")
        self.tombstone = tombstone


class Conflict(CatalogueError):
    """The request clashes with the catalogue's current state (duplicate id, dependents...)."""

    def __init__(
        self,
        message: str,
        *,
        problems: list[Problem] | None = None,
        dependents: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message, problems=problems)
        self.dependents = dependents or []


class IdentifierTaken(Conflict):
    """Another record (active or in the trash) holds this identifier; purging it frees it."""

    def __init__(self, scheme: str, value: str) -> None:
        super().__init__(
            f"the {scheme} {value!r} is already taken by another record",
            problems=[Problem(f"{value!r} is already taken by another record", scheme)],
        )
        self.scheme = scheme
        self.value = value


class PreconditionFailed(CatalogueError):
    """An If-Match / revision precondition does not hold: someone else updated the record."""


class DependencyUnavailable(CatalogueError):
    """The database or the blob store did not answer (refused, reset, timed out, shut down).

    Nothing is wrong with the request: the same call may succeed later. Jobs are retried with
    backoff instead of failing, faces answer 503 with Retry-After. Only storage adapters raise
    it, translating their drivers' exceptions, so no other layer needs to know those drivers.
    `dependency` names what failed ("database" or "blob store"); `cause` says how, for logs
    only (it may name hosts and keys, which users need not see).
    """

    def __init__(self, dependency: str, cause: str) -> None:
        super().__init__(f"the {dependency} is unavailable; try again later")
        self.dependency = dependency
        self.cause = cause

    def __str__(self) -> str:
        return f"the {self.dependency} is unavailable: {self.cause}"


class StoredBytesMissing(CatalogueError):
    """A record lists a file whose bytes are not in the blob store: our fault, not the user's.

    Permanent (retrying will not bring the bytes back), so faces answer 500 with a body that
    names the record and the file; the blob key is only logged.
    """
