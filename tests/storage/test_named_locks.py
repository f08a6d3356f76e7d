"""Named locks: units of work under one name take turns, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from fairdepot.storage.db.engine import session_factories
from fairdepot.storage.db.locks import hold_named_lock, named_lock_key
from fairdepot.storage.db.migrate import upgrade

PINNED_KEY = 1153153163653957150  # named_lock_key("evidence-graph-of ark:59852/x")


@pytest.fixture
def sessions(empty_engine):
    upgrade(empty_engine)
    _reads, writes = session_factories(empty_engine)
    return writes


def _holder(sessions, name: str, entered: threading.Event, times: dict, label: str, hold: float):
    with sessions() as session:
        hold_named_lock(session, name)
        times[f"{label} in"] = time.monotonic()
        entered.set()
        time.sleep(hold)
        # taken before the commit that releases the lock: a second holder can only come in
        # after it (taken after the commit, the second holder's thread may win the race to it)
        times[f"{label} out"] = time.monotonic()
        session.commit()


def test_the_lock_must_come_before_anything_else_in_its_transaction(sessions) -> None:
    with sessions() as session:
        session.execute(sa.text("SELECT 1"))
        with pytest.raises(RuntimeError, match="before the transaction's first statement"):
            hold_named_lock(session, "evidence-graph-of x")
        session.rollback()


def test_a_second_holder_of_the_name_waits_for_the_first_to_commit(sessions) -> None:
    times: dict[str, float] = {}
    first_in, second_in = threading.Event(), threading.Event()
    first = threading.Thread(
        target=_holder, args=(sessions, "evidence-graph-of x", first_in, times, "a", 0.5)
    )
    first.start()
    assert first_in.wait(10)
    second = threading.Thread(
        target=_holder, args=(sessions, "evidence-graph-of x", second_in, times, "b", 0)
    )
    second.start()
    first.join(20)
    second.join(20)
    assert times["b in"] >= times["a out"], times


def test_other_names_do_not_wait_on_postgresql(sessions, empty_engine) -> None:
    if empty_engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer lock for every name")
    with sessions() as holder:
        hold_named_lock(holder, "evidence-graph-of x")
        with empty_engine.connect() as other:
            taken = "SELECT pg_try_advisory_xact_lock(:key)"
            same = other.execute(sa.text(taken), {"key": named_lock_key("evidence-graph-of x")})
            assert same.scalar() is False
            different = other.execute(
                sa.text(taken), {"key": named_lock_key("evidence-graph-of y")}
            )
            assert different.scalar() is True
            other.rollback()
        holder.rollback()


def test_keys_are_stable_signed_64_bit_numbers() -> None:
    key = named_lock_key("evidence-graph-of ark:59852/x")
    # processes of two releases must agree on a name's key during a rolling upgrade
    assert key == PINNED_KEY
    assert key == named_lock_key("evidence-graph-of ark:59852/x")
    assert key != named_lock_key("evidence-graph-of ark:59852/y")
    assert -(2**63) <= key < 2**63
