"""gCat's users (CKAN users, our accounts): list, show, create, update, and delete, which
deactivates: the account keeps its name (a new one cannot take it) and its records, their
owner unchanged, but it no longer logs in and its tokens are revoked.

Who may do what is the policy's (`AccountTarget`): administrators, and Admins or Managers of
any organization, manage accounts other than administrators'; everyone reads and updates
their own. The e-mail is shown to those who may change the account. The `sysadmin` flag is
read-only here (`fairdepot user add --admin` sets it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher

from fairdepot.core.accounts import User
from fairdepot.core.crosswalks.ckan_entities import account_fields, user_document
from fairdepot.core.errors import Conflict, NotFound
from fairdepot.core.policy import AccountTarget, Action, Actor, allows
from fairdepot.services import accounts
from fairdepot.services.gcat.listing import Listed, Listing, require
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import read_only, unit_of_work

_hasher = PasswordHasher()
MANAGERS_ONLY = "only administrators and Catalogue-Admins or above manage users"


@dataclass(frozen=True)
class UserView:
    user: User
    sysadmin: bool
    show_email: bool

    def document(self) -> dict[str, Any]:
        return user_document(self.user, show_email=self.show_email, sysadmin=self.sysadmin)


def listing(runtime: Runtime, actor: Actor, request: Listing) -> Listed:
    """Names of active accounts (row offset): for those who manage users."""
    require(actor, Action.READ_METADATA, AccountTarget(None), MANAGERS_ONLY)
    with read_only(runtime) as work:
        if request.count:
            return work.accounts.count_active()
        return work.accounts.active_usernames(*request.rows())


def show(runtime: Runtime, actor: Actor, name: str) -> UserView:
    user = _stored(runtime, name)
    require(actor, Action.READ_METADATA, _target(runtime, user), MANAGERS_ONLY)
    return _view(runtime, actor, user)


def create(runtime: Runtime, actor: Actor, body: dict[str, Any]) -> UserView:
    require(actor, Action.CREATE, AccountTarget(None), MANAGERS_ONLY)
    fields = account_fields(body)
    try:
        user = accounts.add_user(
            runtime,
            fields.name,
            fields.email,
            fields.password,
            [],
            full_name=fields.full_name or None,
            about=fields.about or None,
        )
    except Conflict as exc:
        if "email" in exc.message:
            raise
        raise Conflict(f"That login name is not available: {fields.name!r}") from exc
    return UserView(user, False, show_email=True)  # the creator just sent it


def update(runtime: Runtime, actor: Actor, name: str, body: dict[str, Any]) -> UserView:
    """PUT: e-mail, full name, about, and the password if given (at least 4 characters)."""
    stored = _stored(runtime, name)
    require(actor, Action.UPDATE, _target(runtime, stored), MANAGERS_ONLY)
    fields = account_fields(body, path_name=name, stored=stored)
    new_hash = _hasher.hash(fields.password) if fields.password is not None else None
    with unit_of_work(runtime) as work:
        clash = work.accounts.email_holder(fields.email, other_than=name)
        if clash is not None:
            raise Conflict(f"email {fields.email!r} belongs to another user")
        user = work.accounts.update_profile(
            name,
            email=fields.email,
            full_name=fields.full_name,
            about=fields.about,
            password_hash=new_hash,
        )
    return _view(runtime, actor, user)


def delete(runtime: Runtime, actor: Actor, name: str) -> None:
    stored = _stored(runtime, name)
    require(actor, Action.DELETE, _target(runtime, stored), MANAGERS_ONLY)
    if not stored.active:
        raise NotFound(f"user {name!r} is already deleted")
    with unit_of_work(runtime) as work:
        work.accounts.set_active(name, False)


def _stored(runtime: Runtime, name: str) -> User:
    with read_only(runtime) as work:
        user = work.accounts.by_username(name)
    if user is None:
        raise NotFound(f"user {name!r} does not exist")
    return user


def _is_admin(runtime: Runtime, user: User) -> bool:
    return accounts.actor_for(user, runtime.settings.facility_groups).is_facility_admin


def _target(runtime: Runtime, user: User) -> AccountTarget:
    return AccountTarget(
        user.username,
        _is_admin(runtime, user),
        frozenset(user.memberships),
        frozenset(user.groups or []),
    )


def _view(runtime: Runtime, actor: Actor, user: User) -> UserView:
    show_email = allows(actor, Action.UPDATE, _target(runtime, user))
    return UserView(user, _is_admin(runtime, user), show_email)
