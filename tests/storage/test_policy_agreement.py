"""What `allows` lets an actor read is exactly what the compiled SQL read scope selects.

Hypothesis generates actors (groups, organization roles, administrators by flag or by group),
records (owner, owner group, access groups, organization, public metadata, publication) and a
read action; the records are stored, `readable(read_scope(...))` is run on the database under
test (SQLite, or PostgreSQL in the scale-out pass), and the rows it returns must be the ones
`allows` accepts, one by one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from fairdepot.core.policy import (
    Action,
    Actor,
    FacilityGroups,
    Membership,
    Mine,
    Role,
    allows,
    read_scope,
)
from fairdepot.core.records import Access, PublicationStatus
from fairdepot.storage.db.engine import create_engine
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import (
    OrganizationRow,
    RecordAccessGroupRow,
    RecordRow,
    UserRow,
)
from fairdepot.storage.db.scope import readable
from tests.support.databases import fresh_database_url

USERS = ["u1", "u2", "u3"]
GROUPS = ["g1", "g2", "g3", "admin"]
ORGANIZATIONS = ["o1", "o2"]
FACILITY = FacilityGroups(admin=frozenset({"admin"}), delete=frozenset({"g3"}))


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Iterator[sa.engine.Engine]:
    with fresh_database_url(tmp_path_factory.mktemp("agreement"), "policy") as url:
        engine = create_engine(url)
        upgrade(engine)
        with Session(engine) as session:
            for user in USERS:
                session.add(UserRow(id=user, username=user, email=f"{user}@example.org"))
            for organization in ORGANIZATIONS:
                session.add(OrganizationRow(name=organization))
            session.commit()
        yield engine
        engine.dispose()


def subsets(pool: list[str]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(pool), max_size=len(pool))


actors = st.builds(
    Actor,
    user_id=st.none() | st.sampled_from(USERS),
    groups=subsets(GROUPS),
    is_admin=st.booleans(),
    memberships=st.frozensets(
        st.builds(Membership, st.sampled_from(ORGANIZATIONS), st.sampled_from(list(Role))),
        max_size=4,
    ),
    facility=st.just(FACILITY),
).map(lambda a: a if a.user_id else Actor(facility=FACILITY))  # anonymous has nothing

accesses = st.builds(
    Access,
    owner_id=st.none() | st.sampled_from(USERS),
    owner_group=st.none() | st.sampled_from(GROUPS),
    access_groups=subsets(GROUPS).map(sorted),
    metadata_public=st.booleans(),
    group_write=st.booleans(),
    publication=st.sampled_from(list(PublicationStatus)),
    organization=st.none() | st.sampled_from(ORGANIZATIONS),
)


def _store(engine: sa.engine.Engine, records: list[Access]) -> list[int]:
    with Session(engine) as session:
        session.execute(sa.delete(RecordAccessGroupRow))
        session.execute(sa.delete(RecordRow))
        pks = []
        for index, access in enumerate(records):
            row = RecordRow(
                ark=f"ark:99999/p{index}",
                ark_key=f"ark:99999/p{index}",
                kind="Dataset",
                face="fairscape",
                metadata_doc={},
                owner_id=access.owner_id,
                owner_group=access.owner_group,
                organization=access.organization,
                metadata_public=access.metadata_public,
                group_write=access.group_write,
                publication_status=access.publication.value,
                state="active",
            )
            session.add(row)
            session.flush()
            session.add_all(
                RecordAccessGroupRow(record_pk=row.pk, group_name=g) for g in access.access_groups
            )
            pks.append(row.pk)
        session.commit()
        return pks


def _selected(engine: sa.engine.Engine, where: sa.ColumnElement[bool]) -> set[int]:
    with Session(engine) as session:
        return set(session.scalars(sa.select(RecordRow.pk).where(where)))


AGREEMENT = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@AGREEMENT
@given(
    actor=actors,
    records=st.lists(accesses, min_size=1, max_size=12),
    action=st.sampled_from([Action.READ_METADATA, Action.READ_FILES]),
)
def test_the_sql_read_scope_selects_exactly_what_allows_lets_read(
    engine, actor: Actor, records: list[Access], action: Action
) -> None:
    pks = _store(engine, records)
    expected = {
        pk for pk, access in zip(pks, records, strict=True) if allows(actor, action, access)
    }
    assert _selected(engine, readable(read_scope(actor, action))) == expected


@AGREEMENT
@given(
    actor=actors,
    records=st.lists(accesses, min_size=1, max_size=12),
    narrowing=st.sampled_from(list(Mine)),
)
def test_my_records_are_the_readable_ones_i_or_my_groups_own(
    engine, actor: Actor, records: list[Access], narrowing: Mine
) -> None:
    pks = _store(engine, records)

    def mine(access: Access) -> bool:
        owner = actor.user_id is not None and access.owner_id == actor.user_id
        if narrowing is Mine.OWNER:  # gCat's own_only: what I own, administrator or not
            return owner
        return actor.is_facility_admin or owner or access.owner_group in actor.groups

    expected = {
        pk
        for pk, access in zip(pks, records, strict=True)
        if allows(actor, Action.READ_METADATA, access) and mine(access)
    }
    scope = read_scope(actor, mine=narrowing)
    assert _selected(engine, readable(scope)) == expected
