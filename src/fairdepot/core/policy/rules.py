"""`allows(actor, action, target)`: the one answer to "may this actor do this", for every face.

Rules, in the order they are tried (the first that grants wins; nothing grants by default):
- a facility administrator (the account's flag, or an ADMIN_GROUPS member) may do anything that
  fits its target;
- records: the owner, the owner group and the access groups read; anyone reads published
  records, and the metadata of records whose metadata is public; every role in the record's
  organization reads; the owner writes (update, delete, purge, publish), so does the owner group
  when the record shares editing (`group_write`), an Admin or Manager of its organization, and
  DELETE_GROUPS members delete and purge; Moderators of its organization moderate; a change is
  decided on the record as stored, not on the access it sets (SciCat's DatasetUpdateOwner:
  whoever may change a dataset may give it another owner group);
- a record that is not in plain view is read only by those who may delete it (trashed), or by
  its owner and the Moderators of its organization (awaiting moderation: pending or rejected);
- creation: any account may create for itself or one of its own groups; another owner group
  needs CREATE_PRIVILEGED_GROUPS, a pre-set identifier (SciCat pid) needs
  CREATE_WITH_PID_GROUPS or that list, and an organization needs Editor or above in it;
- organizations: anyone reads them; Admins and Managers manage them (members, profiles, groups);
  a new organization is created by an administrator, or by an Admin or Manager of any
  organization (gCat: organization writes need Catalogue-Admin or above);
- accounts: an administrator, or an Admin or Manager of any organization, lists, reads, creates,
  changes and deactivates accounts, but only an administrator changes or deactivates an
  administrator's;
  everyone reads and changes their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from fairdepot.core.policy.actions import READ_ACTIONS, Action
from fairdepot.core.policy.roles import Actor, Membership, Role
from fairdepot.core.records import Access, PublicationStatus, Visibility


@dataclass(frozen=True)
class CreateRequest:
    """What a creation asks for: whose group owns the record, in which organization, and
    whether the client sets its identifier (SciCat's `pid`; FAIRSCAPE's kept ARKs are checked
    against their holders instead and do not count)."""

    owner_group: str | None = None
    organization: str | None = None
    preset_identifier: bool = False


@dataclass(frozen=True)
class OrganizationTarget:
    """An organization (its members, profiles and collections); `name` None is the facility
    itself (collections outside any organization), which only administrators manage."""

    name: str | None


@dataclass(frozen=True)
class AccountTarget:
    """An account (gCat's users collection); `username` None is the collection itself (list,
    create). `is_admin`: the account is a facility administrator's."""

    username: str | None = None
    is_admin: bool = False
    memberships: frozenset[Membership] = frozenset()
    """The account's roles: an Admin changes an account only within what they administer."""
    groups: frozenset[str] = frozenset()
    """The account's groups (SciCat's): rights no organization Admin can vouch for."""


Target = Access | CreateRequest | OrganizationTarget | AccountTarget


def allows(actor: Actor, action: Action, target: Target) -> bool:
    """Whether `actor` may do `action` to `target`; a target of the wrong kind is refused."""
    if isinstance(target, CreateRequest):
        return action is Action.CREATE and _may_create(actor, target)
    if isinstance(target, OrganizationTarget):
        return _may_on_organization(actor, action, target.name)
    if isinstance(target, AccountTarget):
        return _may_on_account(actor, action, target)
    if action is Action.CREATE:
        return False
    if action is Action.MANAGE:
        return _may_on_organization(actor, action, target.organization)
    if actor.is_facility_admin:
        return True
    if action in READ_ACTIONS:
        return _may_read(actor, action, target)
    if action is Action.MODERATE:
        return target.organization is not None and target.organization in actor.moderates()
    return _may_write(actor, action, target)


def _may_read(actor: Actor, action: Action, access: Access) -> bool:
    if access.visibility is Visibility.TRASHED:
        return _may_write(actor, Action.DELETE, access)
    if access.visibility is Visibility.AWAITING_MODERATION:
        return _is_owner(actor, access) or (
            access.organization is not None and access.organization in actor.moderates()
        )
    return (
        (action is Action.READ_METADATA and access.metadata_public)
        or access.publication is PublicationStatus.PUBLISHED
        or _is_owner(actor, access)
        or _in_groups(actor, access)
        or actor.holds(access.organization, Role.MEMBER)
    )


def _may_write(actor: Actor, action: Action, access: Access) -> bool:
    if access.visibility is Visibility.AWAITING_MODERATION:
        return _is_owner(actor, access)  # others cannot even read it until it is approved
    if _is_owner(actor, access) or actor.holds(access.organization, Role.ADMIN):
        return True
    if action in (Action.DELETE, Action.PURGE) and actor.in_facility_list(actor.facility.delete):
        return True
    return bool(access.group_write and access.owner_group and access.owner_group in actor.groups)


def _may_create(actor: Actor, request: CreateRequest) -> bool:
    if actor.is_anonymous:
        return False
    if actor.is_facility_admin:
        return True
    any_owner = actor.in_facility_list(actor.facility.create_for_any_owner_group)
    if request.preset_identifier and not (
        any_owner or actor.in_facility_list(actor.facility.create_with_pid)
    ):
        return False
    foreign_group = request.owner_group is not None and request.owner_group not in actor.groups
    if foreign_group and not any_owner:
        return False
    return request.organization is None or actor.holds(request.organization, Role.EDITOR)


def _may_on_organization(actor: Actor, action: Action, organization: str | None) -> bool:
    if action is Action.READ_METADATA:
        return True
    if actor.is_anonymous:
        return False
    if action is Action.CREATE:  # a new organization (its name is not one yet)
        return organization is None and (
            actor.is_facility_admin or bool(actor.organizations_with(Role.ADMIN))
        )
    if action is not Action.MANAGE:
        return False
    return actor.is_facility_admin or actor.holds(organization, Role.ADMIN)


def _may_on_account(actor: Actor, action: Action, account: AccountTarget) -> bool:
    if actor.is_anonymous:
        return False
    if actor.is_facility_admin:
        return True
    own = account.username is not None and account.username == actor.username
    if own and action in (Action.READ_METADATA, Action.UPDATE):
        return True
    if not actor.organizations_with(Role.ADMIN):
        return False
    if action is Action.READ_METADATA:
        return True
    if action is Action.CREATE:
        return True  # a new account takes nobody's
    if action not in (Action.UPDATE, Action.DELETE) or account.is_admin or account.groups:
        return False
    # every role of the account in an organization this actor holds at least as high: an Admin
    # of one organization must not take over (new e-mail, new password) anyone else's account
    return bool(account.memberships) and all(
        actor.holds(m.organization, m.role if m.role is not Role.MODERATOR else Role.ADMIN)
        and actor.holds(m.organization, Role.ADMIN)
        for m in account.memberships
    )


def _is_owner(actor: Actor, access: Access) -> bool:
    return actor.user_id is not None and actor.user_id == access.owner_id


def _in_groups(actor: Actor, access: Access) -> bool:
    return bool(access.owner_group and access.owner_group in actor.groups) or bool(
        actor.groups.intersection(access.access_groups)
    )
