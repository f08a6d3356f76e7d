"""The SQL read scope selects exactly the records `allows` lets an actor see, for every
lifecycle state, moderation state and action, on SQLite and on PostgreSQL.

tests/core proves the same for the scope as data; this proves `storage.db.scope.readable`
compiles it faithfully, including the trash view (trashed records the actor may delete), for
owners, group members, organization roles, DELETE_GROUPS and administrators.
"""

from __future__ import annotations

import dataclasses
import itertools

import sqlalchemy as sa

from fairdepot.core.policy import (
    ANONYMOUS,
    Action,
    Actor,
    FacilityGroups,
    Membership,
    Role,
    allows,
    read_scope,
)
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.records import (
    Access,
    Face,
    Moderation,
    ModerationState,
    PublicationStatus,
    Record,
    RecordState,
)
from fairdepot.services import accounts, organizations
from fairdepot.storage.db.models import RecordRow
from fairdepot.storage.db.scope import readable

ORG = "beamline"
# listings ask a read scope over active records; the trash view the same scope over trashed
# ones (there, the policy lets read whoever may delete)
VIEWS = [
    (Action.READ_METADATA, RecordState.ACTIVE),
    (Action.READ_FILES, RecordState.ACTIVE),
    (Action.READ_METADATA, RecordState.TRASHED),
    (Action.READ_FILES, RecordState.TRASHED),
]


def test_the_sql_scope_selects_what_allows_lets_see_in_every_state(runtime) -> None:
    organizations.add_organization(runtime, ORG, moderated=True)
    facility = FacilityGroups(admin=frozenset({"admin"}), delete=frozenset({"cleaners"}))
    owner = accounts.add_user(runtime, "owner", "owner@example.org", None, ["lab-a"])
    mate = accounts.add_user(runtime, "mate", "mate@example.org", None, ["lab-a"])
    guest = accounts.add_user(runtime, "guest", "guest@example.org", None, ["beamline"])
    actors = [accounts.actor_for(user, facility) for user in (owner, mate, guest)] + [
        ANONYMOUS,
        Actor(
            user_id="u-clean", username="cleaner", groups=frozenset({"cleaners"}), facility=facility
        ),
        *(
            Actor(
                user_id=f"u-{role.value}",
                username=role.value,
                memberships=frozenset({Membership(ORG, role)}),
                facility=facility,
            )
            for role in (Role.MODERATOR, Role.ADMIN, Role.MEMBER)
        ),
        Actor(user_id="u-admin", username="admin", is_admin=True),
    ]
    cases = list(
        itertools.product(
            [owner.id, None],
            ["lab-a", None],
            [["beamline"], []],
            [True, False],
            [True, False],
            [PublicationStatus.DRAFT, PublicationStatus.PUBLISHED],
            [ModerationState.NONE, ModerationState.PENDING, ModerationState.APPROVED],
            [RecordState.ACTIVE, RecordState.TRASHED],
            [ORG, None],
        )
    )
    accesses: dict[int, tuple[Access, RecordState]] = {}
    with runtime.writing() as store:
        for n, case in enumerate(cases):
            who, group, shared, public, write, status, moderation, state, organization = case
            access = Access(
                owner_id=who,
                owner_group=group,
                access_groups=shared,
                metadata_public=public,
                group_write=write,
                publication=status,
                organization=organization,
                moderation=Moderation(moderation),
            )
            ark = f"ark:99999/fd1case{n}"
            row = store.insert(Record(ark, "Dataset", Face.GCAT, {"@id": ark}, access))
            if state is RecordState.TRASHED:
                store.update(row, RecordChanges(lifecycle=state), actor_id=None)
                access = dataclasses.replace(access, trashed=True)
            accesses[row.pk] = (access, state)
    with runtime.reading() as store:
        for actor, (action, state) in itertools.product(actors, VIEWS):
            selected = set(
                store.session.scalars(
                    sa.select(RecordRow.pk).where(readable(read_scope(actor, action), state))
                )
            )
            expected = {
                pk
                for pk, (access, in_state) in accesses.items()
                if in_state is state and allows(actor, action, access)
            }
            assert selected == expected, (actor.username, action, state)
