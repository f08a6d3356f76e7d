"""The compiled read scope (storage/db/scope.py) on named cases, on SQLite and PostgreSQL.

A restricted scope is a candidate set (a union of index lookups) AND the exact grant; these
cases pin the mixes the candidate set must not lose (a pending record's author, a moderator,
the trash, groups beside published records) and that the candidate set, not a scan of
`records`, is what the database drives from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from fairdepot.core.policy import ReadScope
from fairdepot.core.records import ModerationState, PublicationStatus, RecordState
from fairdepot.storage.db.engine import create_engine
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import (
    OrganizationRow,
    RecordAccessGroupRow,
    RecordRow,
    UserRow,
)
from fairdepot.storage.db.scope import candidate_pks, readable
from tests.support.databases import fresh_database_url
from tests.support.deployments import backend_name


@dataclass(frozen=True)
class Stored:
    name: str
    owner_id: str | None = None
    owner_group: str | None = None
    organization: str | None = None
    access_groups: tuple[str, ...] = ()
    published: bool = False
    metadata_public: bool = False
    group_write: bool = False
    moderation: ModerationState = ModerationState.NONE
    state: RecordState = RecordState.ACTIVE


RECORDS = [
    Stored("mine-pending", owner_id="u1", organization="o1", moderation=ModerationState.PENDING),
    Stored("other-pending", owner_id="u2", organization="o1", moderation=ModerationState.PENDING),
    Stored(
        "rejected-published",
        owner_id="u2",
        organization="o1",
        published=True,
        moderation=ModerationState.REJECTED,
    ),
    Stored("published", owner_id="u2", published=True),
    Stored("public-metadata", owner_id="u2", metadata_public=True),
    Stored("group-owned", owner_id="u2", owner_group="g1"),
    Stored("shared-with-g1", owner_id="u2", access_groups=("g1",)),
    Stored("other-group", owner_id="u2", owner_group="g2", access_groups=("g2",)),
    Stored("org-o2", owner_id="u2", organization="o2"),
    Stored("trashed-mine", owner_id="u1", state=RecordState.TRASHED),
    Stored(
        "trashed-g1-shared",
        owner_id="u2",
        owner_group="g1",
        group_write=True,
        state=RecordState.TRASHED,
    ),
    Stored("trashed-g1-private", owner_id="u2", owner_group="g1", state=RecordState.TRASHED),
    Stored("trashed-o2", owner_id="u2", organization="o2", state=RecordState.TRASHED),
    Stored("trashed-published", owner_id="u2", published=True, state=RecordState.TRASHED),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Iterator[sa.engine.Engine]:
    with fresh_database_url(tmp_path_factory.mktemp("scope"), "scope") as url:
        engine = create_engine(url)
        upgrade(engine)
        with Session(engine) as session:
            for user in ("u1", "u2"):
                session.add(UserRow(id=user, username=user, email=f"{user}@example.org"))
            for organization in ("o1", "o2"):
                session.add(OrganizationRow(name=organization))
            session.flush()
            for r in RECORDS:
                row = RecordRow(
                    ark=f"ark:99999/{r.name}",
                    ark_key=f"ark:99999/{r.name}",
                    kind="Dataset",
                    face="fairscape",
                    metadata_doc={},
                    owner_id=r.owner_id,
                    owner_group=r.owner_group,
                    organization=r.organization,
                    metadata_public=r.metadata_public,
                    group_write=r.group_write,
                    publication_status=(
                        PublicationStatus.PUBLISHED if r.published else PublicationStatus.DRAFT
                    ).value,
                    moderation_state=r.moderation.value,
                    state=r.state.value,
                )
                session.add(row)
                session.flush()
                session.add_all(
                    RecordAccessGroupRow(record_pk=row.pk, group_name=g) for g in r.access_groups
                )
            session.commit()
        yield engine
        engine.dispose()


def selected(
    engine: sa.engine.Engine, scope: ReadScope, lifecycle: RecordState = RecordState.ACTIVE
) -> set[str]:
    with Session(engine) as session:
        arks = session.scalars(sa.select(RecordRow.ark).where(readable(scope, lifecycle)))
        return {a.removeprefix("ark:99999/") for a in arks}


def test_the_author_of_a_pending_record_sees_it_and_nobody_else_in_plain_view(engine) -> None:
    assert selected(engine, ReadScope(owner_id="u1", published=True)) == {
        "mine-pending",
        "published",
    }


def test_a_moderator_sees_what_awaits_in_the_organization_not_its_drafts(engine) -> None:
    scope = ReadScope(owner_id="u3", moderated_organizations=frozenset({"o1"}))
    assert selected(engine, scope) == {"mine-pending", "other-pending", "rejected-published"}


def test_groups_beside_published_records_reach_both_and_no_more(engine) -> None:
    scope = ReadScope(
        owner_id="u3",
        owner_groups=frozenset({"g1"}),
        access_groups=frozenset({"g1"}),
        published=True,
    )
    # a rejected record stays hidden though published; g2's records and o2's are not g1's
    assert selected(engine, scope) == {"published", "group-owned", "shared-with-g1"}


def test_public_metadata_and_organization_members(engine) -> None:
    scope = ReadScope(metadata_public=True, organizations=frozenset({"o2"}))
    assert selected(engine, scope) == {"public-metadata", "org-o2"}


def test_the_trash_shows_what_the_scope_may_delete(engine) -> None:
    scope = ReadScope(
        owner_id="u1",
        published=True,
        trash_organizations=frozenset({"o2"}),
        trash_shared_groups=frozenset({"g1"}),
    )
    # trashed records are not readable for being published, a group's only if shared
    assert selected(engine, scope, RecordState.TRASHED) == {
        "trashed-mine",
        "trashed-g1-shared",
        "trashed-o2",
    }
    everything = ReadScope(trash_everything=True)
    assert candidate_pks(everything, RecordState.TRASHED) is None
    assert len(selected(engine, everything, RecordState.TRASHED)) == 5


def test_a_scope_with_no_grant_selects_nothing(engine) -> None:
    assert selected(engine, ReadScope()) == set()
    assert selected(engine, ReadScope(published=True), RecordState.DELETED) == set()


def test_a_restricted_listing_is_driven_from_its_candidates_not_a_scan(engine) -> None:
    """The plan reads `records` by primary key from the candidate union; before, SQLite
    walked `ix_records_state` over every active record (PostgreSQL: a sequential scan)."""
    if backend_name() == "scaleout":
        pytest.skip("PostgreSQL plans follow table statistics; the benchmark shows them at size")
    scope = ReadScope(
        owner_id="u1", owner_groups=frozenset({"g1"}), access_groups=frozenset({"g1"})
    )
    statement = sa.select(RecordRow.pk).where(readable(scope)).order_by(RecordRow.pk)
    with engine.connect() as connection:
        sql = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))
        plan = [r[-1] for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    outer = [step for step in plan if step.startswith(("SEARCH records", "SCAN records"))]
    # one access to `records`, by primary key (rowid=?) from the candidates
    assert len(outer) == 1, plan
    assert outer[0].startswith("SEARCH records"), plan
    assert "rowid=?" in outer[0], plan
    assert any("ix_records_owner_group" in step for step in plan), plan


def test_an_equal_scope_reuses_its_clause_and_another_scope_gets_its_own() -> None:
    """Building the clause cost a restricted listing more than its statements did
    (docs/performance.md §Query layer): equal scopes share one; a changed membership is
    another scope, never the old clause."""
    member = ReadScope(owner_id="u1", owner_groups=frozenset({"g1"}), published=True)
    same = ReadScope(owner_id="u1", owner_groups=frozenset({"g1"}), published=True)
    regrouped = ReadScope(owner_id="u1", owner_groups=frozenset({"g2"}), published=True)
    assert readable(member) is readable(same)
    assert readable(member, RecordState.TRASHED) is not readable(member)
    assert readable(regrouped) is not readable(member)
    compiled = str(readable(regrouped).compile(compile_kwargs={"literal_binds": True}))
    assert "'g2'" in compiled
    assert "'g1'" not in compiled


def _differs_in(field: dataclasses.Field, base: ReadScope) -> ReadScope:
    value = getattr(base, field.name)
    if isinstance(value, bool):
        return dataclasses.replace(base, **{field.name: not value})
    if isinstance(value, frozenset):
        return dataclasses.replace(base, **{field.name: value | {"another"}})
    return dataclasses.replace(base, **{field.name: f"{value}-other"})


def test_every_field_of_a_scope_is_part_of_what_its_clause_is_kept_under() -> None:
    base = ReadScope(owner_id="u1", owner_groups=frozenset({"g1"}), published=True)
    for field in dataclasses.fields(ReadScope):
        assert readable(_differs_in(field, base)) is not readable(base), field.name
    assert readable(base, RecordState("active")) is readable(base)
    assert readable(base, "trashed") is readable(base, RecordState.TRASHED)  # type: ignore[arg-type]
