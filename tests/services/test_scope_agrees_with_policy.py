"""The SQL read scope selects exactly the records `allows` lets an actor see, for every
lifecycle state, moderation state and action, on SQLite and on PostgreSQL.

tests/core proves the same for the scope as data; this proves `storage.db.records.readable`
compiles it faithfully, including the trash view (trashed records the actor may delete).
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from fairdepot.core.policy import ANONYMOUS, Action, Actor, allows, read_scope
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
from fairdepot.services import accounts
from fairdepot.storage.db.models import RecordRow
from fairdepot.storage.db.records import readable

ACTIONS = (Action.READ_METADATA, Action.READ_FILES, Action.DELETE, Action.MODERATE)
# listings ask each action's scope over active records; the trash view asks DELETE's over
# trashed ones (and who may delete a record may read it)
VIEWS = [(action, RecordState.ACTIVE) for action in ACTIONS] + [
    (Action.DELETE, RecordState.TRASHED)
]


def test_the_sql_scope_selects_what_allows_lets_see_in_every_state(runtime) -> None:
    owner = accounts.add_user(runtime, "owner", "owner@example.org", None, ["lab-a"])
    mate = accounts.add_user(runtime, "mate", "mate@example.org", None, ["lab-a"])
    guest = accounts.add_user(runtime, "guest", "guest@example.org", None, ["beamline"])
    actors = [accounts.actor_for(user, "admin") for user in (owner, mate, guest)] + [
        ANONYMOUS,
        Actor(user_id="u-mod", username="mod", groups=frozenset({"mods"}), is_moderator=True),
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
        )
    )
    accesses: dict[int, tuple[Access, RecordState]] = {}
    with runtime.writing() as store:
        for n, (who, group, shared, public, write, status, moderation, state) in enumerate(cases):
            access = Access(who, group, shared, public, write, status, Moderation(moderation))
            ark = f"ark:99999/fd1case{n}"
            row = store.insert(Record(ark, "Dataset", Face.GCAT, {"@id": ark}, access))
            if state is RecordState.TRASHED:
                store.update(row, RecordChanges(lifecycle=state), actor_id=None)
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
                if in_state is state
                and allows(actor, action, access)
                and (action is Action.MODERATE or allows(actor, Action.READ_METADATA, access))
            }
            assert selected == expected, (actor.username, action, state)
