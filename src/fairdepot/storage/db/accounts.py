"""The account repository: users and API tokens in, `core.accounts` types out.

No row leaves this module. A login or a token text holding U+0000 finds no account here, without
a query: PostgreSQL text cannot hold the character, so asking would fail instead of answering
"no such account" (faces refuse it earlier; this keeps every other caller safe too).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.accounts import ApiToken, StoredCredentials, User
from fairdepot.storage.db.locks import ACCOUNTS_LOCK, lock_for_transaction
from fairdepot.storage.db.models import ApiTokenRow, UserRow, as_utc, utcnow
from fairdepot.storage.db.organizations import memberships_of, with_memberships


def to_user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        email=row.email,
        full_name=row.full_name,
        groups=list(row.groups or []),
        is_admin=bool(row.is_admin),
        memberships=memberships_of(row),
        about=row.about,
        active=row.active is not False,
        created=as_utc(row.created_at),
    )


def _storable(*texts: str) -> bool:
    return not any("\x00" in text for text in texts)


class AccountRepository:
    """Users and API tokens, over one session (the unit of work's, or a read session)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self) -> None:
        """Serialise account changes with other processes until this transaction ends (N
        processes loading one accounts file at start-up: check-then-insert must be one step)."""
        lock_for_transaction(self.session, ACCOUNTS_LOCK)

    def get(self, user_id: str) -> User | None:
        if not _storable(user_id):
            return None
        row = self.session.get(UserRow, user_id, options=[with_memberships()])
        return to_user(row) if row is not None else None

    def by_username(self, username: str) -> User | None:
        row = self._row_by_username(username)
        return to_user(row) if row is not None else None

    def by_ids(self, user_ids: Sequence[str]) -> dict[str, User]:
        wanted = [i for i in set(user_ids) if _storable(i)]
        if not wanted:
            return {}
        rows = self.session.scalars(
            sa.select(UserRow).where(UserRow.id.in_(wanted)).options(with_memberships())
        )
        return {row.id: to_user(row) for row in rows}

    def credentials(self, login: str) -> StoredCredentials | None:
        """The account whose username or e-mail is `login`, with its password hash."""
        if not _storable(login):
            return None
        row = self.session.scalar(
            sa.select(UserRow)
            .where(sa.or_(UserRow.username == login, UserRow.email == login))
            .options(with_memberships())
        )
        return StoredCredentials(to_user(row), row.password_hash) if row is not None else None

    def password_hash(self, username: str) -> str | None:
        row = self._row_by_username(username)
        return row.password_hash if row is not None else None

    def email_holder(self, email: str, *, other_than: str) -> User | None:
        """Another account (not `other_than`, a username) that already has this e-mail."""
        if not _storable(email, other_than):
            return None
        row = self.session.scalar(
            sa.select(UserRow).where(UserRow.email == email, UserRow.username != other_than)
        )
        return to_user(row) if row is not None else None

    def save(self, user: User, *, password_hash: str | None = None) -> User:
        """Insert `user`, or bring the account with its username in line with it (a new
        `password_hash` only when given; an unset full name keeps the stored one)."""
        row = self._row_by_username(user.username)
        if row is None:
            row = UserRow(id=user.id or str(uuid.uuid4()), username=user.username)
            self.session.add(row)
        row.email = user.email
        row.groups = list(dict.fromkeys(user.groups))
        row.is_admin = user.is_admin
        row.full_name = user.full_name or row.full_name
        row.about = user.about if user.about is not None else row.about
        if password_hash is not None:
            row.password_hash = password_hash
        self.session.flush()
        return to_user(row)

    def add_token(self, user: User, token_hash: str, label: str | None) -> ApiToken:
        row = ApiTokenRow(
            id=str(uuid.uuid4()),
            user_id=user.id,
            token_hash=token_hash,
            label=label,
            created_at=utcnow(),
        )
        self.session.add(row)
        self.session.flush()
        return ApiToken(row.id, row.user_id, row.token_hash, row.label, row.created_at)

    def user_for_token(self, token_hash: str) -> User | None:
        """The account of an unrevoked API token, in one statement."""
        if not _storable(token_hash):
            return None
        row = self.session.scalar(
            sa.select(UserRow)
            .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
            .where(ApiTokenRow.token_hash == token_hash, ApiTokenRow.revoked_at.is_(None))
            .options(with_memberships())
        )
        return to_user(row) if row is not None else None

    def active_usernames(self, offset: int, limit: int | None) -> list[str]:
        """Usernames of the accounts not deactivated, by name, one page."""
        query = (
            sa.select(UserRow.username)
            .where(UserRow.active.is_(True))
            .order_by(UserRow.username)
            .offset(offset)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def count_active(self) -> int:
        query = sa.select(sa.func.count()).where(UserRow.active.is_(True))
        return int(self.session.scalar(query.select_from(UserRow)) or 0)

    def update_profile(
        self,
        username: str,
        *,
        email: str,
        full_name: str,
        about: str,
        password_hash: str | None = None,
    ) -> User:
        """Replace what a user's page shows (an empty text clears it); the password only when
        a new hash is given; groups, roles and the admin flag are left alone."""
        row = self._row_by_username(username)
        if row is None:
            raise LookupError(username)
        row.email = email
        row.full_name = full_name or None
        row.about = about or None
        if password_hash is not None:
            row.password_hash = password_hash
        self.session.flush()
        return to_user(row)

    def set_active(self, username: str, active: bool) -> None:
        """(De)activate an account; deactivating also revokes every token it holds."""
        row = self._row_by_username(username)
        if row is None:
            raise LookupError(username)
        row.active = active
        if not active:
            self.session.execute(
                sa.update(ApiTokenRow)
                .where(ApiTokenRow.user_id == row.id, ApiTokenRow.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        self.session.flush()

    def _row_by_username(self, username: str) -> UserRow | None:
        if not _storable(username):
            return None
        return self.session.scalar(
            sa.select(UserRow).where(UserRow.username == username).options(with_memberships())
        )
