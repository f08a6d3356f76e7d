"""Accounts as every layer above storage sees them: who a user is, not how a row holds it.

Faces and services pass `User` around (the caller, a record's owner, a job's owner); only
`storage.db.accounts` knows the rows. The password hash is no part of a `User`: it is read
only by the login check, as `StoredCredentials`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fairdepot.core.policy.roles import Membership


@dataclass(frozen=True)
class User:
    id: str
    username: str
    email: str
    full_name: str | None = None
    groups: list[str] = field(default_factory=list)  # in the order given, no repeats
    is_admin: bool = False
    memberships: frozenset[Membership] = frozenset()  # roles in organizations
    about: str | None = None
    active: bool = True
    """A deactivated account (gCat's `DELETE /users/{NAME}`) keeps its name and its records
    but no longer logs in, and none of its tokens is accepted."""
    created: datetime | None = None


@dataclass(frozen=True)
class StoredCredentials:
    """What a login is checked against: the account and its password hash (None: no password)."""

    user: User
    password_hash: str | None


@dataclass(frozen=True)
class ApiToken:
    """A long-lived token, known to the catalogue only by the SHA-256 of its text."""

    id: str
    user_id: str
    token_hash: str
    label: str | None
    created_at: datetime
    revoked_at: datetime | None = None
