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
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from fairdepot.core.errors import AuthenticationRequired, Conflict, InvalidInput, Problem
from fairdepot.core.policy import Actor, FacilityGroups
from fairdepot.services.runtime import Runtime
from fairdepot.storage.db.locks import ACCOUNTS_LOCK, lock_for_transaction
from fairdepot.storage.db.models import ApiTokenRow, UserRow, utcnow
from fairdepot.storage.db.organizations import memberships_of, with_memberships

API_TOKEN_PREFIX = "fdp_"  # noqa: S105 - a marker, not a secret
_hasher = PasswordHasher()
_ISSUER = "fairdepot"


@dataclass(frozen=True)
class LoginToken:
    token: str
    expires_in: int
    issued_at: int


def actor_for(user: UserRow, facility: FacilityGroups) -> Actor:
    """The policy's view of an account loaded `with_memberships()` (its organization roles)."""
    return Actor(
        user.id,
        user.username,
        user.email,
        frozenset(user.groups or []),
        user.is_admin,
        memberships_of(user),
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
    update: bool = False,
) -> UserRow:
    """Create an account; with `update`, an existing one (same username) is brought in line."""
    if not username.strip() or not email.strip():
        raise InvalidInput("username and email are required")
    # argon2 costs ~100 ms on purpose: done before the locked transaction, so that processes
    # loading one accounts file together do not queue behind each other's hashing.
    new_hash = None
    if password is not None:
        with runtime.read_sessions() as session:
            stored = session.scalar(
                sa.select(UserRow.password_hash).where(UserRow.username == username)
            )
        if not _password_matches(stored, password):
            new_hash = _hasher.hash(password)
    with runtime.write_sessions() as session:
        # N processes loading one accounts file at start-up: the check and the insert below
        # must be one step for each of them (see storage/db/locks.py).
        lock_for_transaction(session, ACCOUNTS_LOCK)
        user = session.scalar(sa.select(UserRow).where(UserRow.username == username))
        if user is not None and not update:
            raise Conflict(f"user {username!r} already exists")
        clash = session.scalar(
            sa.select(UserRow).where(UserRow.email == email, UserRow.username != username)
        )
        if clash is not None:
            raise Conflict(f"email {email!r} belongs to user {clash.username!r}")
        if user is None:
            user = UserRow(id=str(uuid.uuid4()), username=username, email=email)
            session.add(user)
        user.email = email
        user.groups = list(dict.fromkeys(groups))
        user.is_admin = admin
        user.full_name = full_name or user.full_name
        if new_hash is not None:
            user.password_hash = new_hash
        session.commit()
        return user


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
) -> UserRow:
    """Username or email plus password; the one check behind every login route of every face.

    Failed logins are throttled per login name and per `client_address` (the face passes the
    peer address; None for callers without one): TooManyAttempts, checked before anything is
    looked up. The same error, after the same work, whichever part is wrong: an unknown name is
    checked against a dummy hash, so that timing does not tell which accounts exist.
    """
    attempt = runtime.login_throttle.admit(login, client_address)
    user = None
    if "\x00" not in login:  # no account has one (PostgreSQL text cannot even hold it)
        with runtime.read_sessions() as session:
            user = session.scalar(
                sa.select(UserRow)
                .where(sa.or_(UserRow.username == login, UserRow.email == login))
                .options(with_memberships())
            )
    stored = user.password_hash if user is not None else None
    matches = _password_matches(stored or _dummy_hash(), password)
    if user is None or not stored or not matches:
        raise AuthenticationRequired("unrecognized username password combination")
    runtime.login_throttle.succeeded(attempt)
    return user


def issue_login_token(runtime: Runtime, user: UserRow) -> LoginToken:
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
    with runtime.write_sessions() as session:
        user = session.scalar(sa.select(UserRow).where(UserRow.username == username))
        if user is None:
            raise InvalidInput(f"no user {username!r}")
        session.add(
            ApiTokenRow(
                id=str(uuid.uuid4()), user_id=user.id, token_hash=_digest(token), label=label
            )
        )
        session.commit()
    return token


def user_for_token(runtime: Runtime, token: str) -> UserRow:
    """The account behind a bearer token; AuthenticationRequired says why not."""
    with runtime.read_sessions() as session:
        if token.startswith(API_TOKEN_PREFIX):
            row = session.scalar(
                sa.select(ApiTokenRow).where(
                    ApiTokenRow.token_hash == _digest(token), ApiTokenRow.revoked_at.is_(None)
                )
            )
            user = session.get(UserRow, row.user_id, options=[with_memberships()]) if row else None
            if user is None:
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
        user = session.get(UserRow, claims["sub"], options=[with_memberships()])
        if user is None:
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
