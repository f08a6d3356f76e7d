"""Accounts, passwords and tokens.

Login tokens are short-lived HS256 JWTs (SciCat's scitacean reads their `exp`); API tokens made
with `fairdepot user token` are long-lived opaque strings stored only as a SHA-256 hash, so a
database dump does not leak usable credentials and a token can be revoked by deleting its row.
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from fairdepot.core.accounts import User
from fairdepot.core.errors import AuthenticationRequired, Conflict, InvalidInput, Problem
from fairdepot.core.policy import Actor, FacilityGroups
from fairdepot.core.timestamps import utcnow
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import read_only, unit_of_work

API_TOKEN_PREFIX = "fdp_"  # noqa: S105 - a marker, not a secret
_hasher = PasswordHasher()
_ISSUER = "fairdepot"


@dataclass(frozen=True)
class LoginToken:
    token: str
    expires_in: int
    issued_at: int


def actor_for(user: User, facility: FacilityGroups) -> Actor:
    """The policy's view of an account: its groups, admin flag and organization roles."""
    return Actor(
        user.id,
        user.username,
        user.email,
        frozenset(user.groups or []),
        user.is_admin,
        user.memberships,
        facility,
    )


def add_user(
    runtime: Runtime,
    username: str,
    email: str,
    password: str | None,
    groups: list[str],
    *,
    admin: bool = False,
    full_name: str | None = None,
    about: str | None = None,
    update: bool = False,
) -> User:
    """Create an account; with `update`, an existing one (same username) is brought in line."""
    if not username.strip() or not email.strip():
        raise InvalidInput("username and email are required")
    # argon2 costs ~100 ms on purpose: done before the locked transaction, so that processes
    # loading one accounts file together do not queue behind each other's hashing.
    new_hash = None
    if password is not None:
        with read_only(runtime) as work:
            stored = work.accounts.password_hash(username)
        if not _password_matches(stored, password):
            new_hash = _hasher.hash(password)
    with unit_of_work(runtime) as work:
        # N processes loading one accounts file at start-up: the check and the insert below
        # must be one step for each of them (see storage/db/locks.py).
        work.accounts.lock()
        existing = work.accounts.by_username(username)
        if existing is not None and not update:
            raise Conflict(f"user {username!r} already exists")
        clash = work.accounts.email_holder(email, other_than=username)
        if clash is not None:
            raise Conflict(f"email {email!r} belongs to user {clash.username!r}")
        wanted = User(
            id=existing.id if existing else str(uuid.uuid4()),
            username=username,
            email=email,
            full_name=full_name,
            groups=list(dict.fromkeys(groups)),
            is_admin=admin,
            about=about,
        )
        return work.accounts.save(wanted, password_hash=new_hash)


def load_accounts_file(runtime: Runtime, path: Path) -> list[str]:
    """Load SciCat's functionalAccounts.json format; running it twice changes nothing."""
    try:
        entries = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"cannot read accounts file {path}: {exc}") from exc
    if not isinstance(entries, list):
        raise InvalidInput(f"{path}: expected a JSON list of accounts")
    loaded = []
    for index, entry in enumerate(entries):
        user = entry.get("user") if isinstance(entry, dict) else None
        if not isinstance(user, dict) or not all(
            isinstance(user.get(k), str) for k in ("username", "email", "password")
        ):
            raise InvalidInput(
                "invalid account",
                problems=[
                    Problem(
                        'needs {"user": {"username", "email", "password"}}', f"{path.name}[{index}]"
                    )
                ],
            )
        groups = [g for g in [entry.get("role"), *entry.get("groups", [])] if isinstance(g, str)]
        if entry.get("global"):
            groups.append("globalaccess")
        add_user(
            runtime,
            user["username"],
            user["email"],
            user["password"],
            groups,
            admin=bool(set(groups) & set(runtime.settings.admin_groups)),
            update=True,
            full_name=user.get("fullName") or user.get("firstName"),
        )
        loaded.append(user["username"])
    return loaded


def authenticate(
    runtime: Runtime, login: str, password: str, *, client_address: str | None = None
) -> User:
    """Username or email plus password; the one check behind every login route of every face.

    Failed logins are throttled per login name and per `client_address` (the face passes the
    peer address; None for callers without one): TooManyAttempts, checked before anything is
    looked up. The same error, after the same work, whichever part is wrong: an unknown name is
    checked against a dummy hash, so that timing does not tell which accounts exist.
    """
    attempt = runtime.login_throttle.admit(login, client_address)
    with read_only(runtime) as work:
        found = work.accounts.credentials(login)
    stored = found.password_hash if found is not None else None
    matches = _password_matches(stored or _dummy_hash(), password)
    if found is None or not stored or not matches or not found.user.active:
        raise AuthenticationRequired("unrecognized username password combination")
    runtime.login_throttle.succeeded(attempt)
    return found.user


def issue_login_token(runtime: Runtime, user: User) -> LoginToken:
    now = utcnow()
    ttl = runtime.settings.token_ttl_seconds
    claims: dict[str, Any] = {
        "iss": _ISSUER,
        "sub": user.id,
        "username": user.username,
        "email": user.email,
        "name": user.full_name or user.username,
        "groups": list(user.groups or []),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl)).timestamp()),
        "jti": secrets.token_hex(8),
    }
    token = jwt.encode(claims, runtime.settings.signing_key(), algorithm="HS256")
    return LoginToken(token, ttl, claims["iat"])


def create_api_token(runtime: Runtime, username: str, label: str | None = None) -> str:
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with unit_of_work(runtime) as work:
        user = work.accounts.by_username(username)
        if user is None:
            raise InvalidInput(f"no user {username!r}")
        work.accounts.add_token(user, _digest(token), label)
    return token


def user_for_token(runtime: Runtime, token: str) -> User:
    """The account behind a bearer token; AuthenticationRequired says why not."""
    if token.startswith(API_TOKEN_PREFIX):
        with read_only(runtime) as work:
            user = work.accounts.user_for_token(_digest(token))
        if user is None or not user.active:
            raise AuthenticationRequired("unknown or revoked API token")
        return user
    try:
        claims = jwt.decode(
            token,
            runtime.settings.signing_key(),
            algorithms=["HS256"],
            issuer=_ISSUER,
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationRequired("the token has expired: log in again") from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationRequired(f"invalid token: {exc}") from exc
    with read_only(runtime) as work:
        user = work.accounts.get(str(claims["sub"]))
    if user is None or not user.active:
        raise AuthenticationRequired("the token's account no longer exists")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@functools.cache
def _dummy_hash() -> str:
    """A hash of nothing anyone knows, with today's parameters: the cost of a real check."""
    return _hasher.hash(secrets.token_urlsafe(32))


def _password_matches(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
