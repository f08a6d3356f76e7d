"""The job queue: claims are exclusive, leases expire, a taken-over run cannot finish."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fairdepot.storage.db import jobs
from fairdepot.storage.db.engine import session_factories
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import JobRow

LEASE = timedelta(seconds=60)


@pytest.fixture
def sessions(empty_engine):
    upgrade(empty_engine)
    _reads, writes = session_factories(empty_engine)
    return writes


def _submit(sessions, n: int = 1) -> list[str]:
    with sessions() as session:
        ids = [jobs.submit(session, "crate_ingest", None, {"n": i}).id for i in range(n)]
        session.commit()
    return ids


def _claim(sessions, worker: str, lease: timedelta = LEASE, max_attempts: int = 3):
    with sessions() as session:
        claim = jobs.claim_next(session, worker, lease, max_attempts)
        session.commit()
    return claim


def test_each_job_is_claimed_once_oldest_first(sessions) -> None:
    first, second = _submit(sessions, 2)
    a, b = _claim(sessions, "w1"), _claim(sessions, "w2")
    assert (a.job_id, b.job_id) == (first, second)
    assert _claim(sessions, "w3") is None


def test_an_expired_lease_is_claimed_again_and_the_old_run_cannot_finish(sessions) -> None:
    _submit(sessions)
    old = _claim(sessions, "dead", lease=timedelta(seconds=-1))
    new = _claim(sessions, "alive")
    assert new.job_id == old.job_id
    assert new.attempt == 2
    with sessions() as session:
        assert not jobs.renew(session, old, LEASE)
        assert not jobs.finish(session, old, jobs.COMPLETE, result={})
        assert jobs.finish(session, new, jobs.COMPLETE, result={"ok": True})
        session.commit()
        assert session.get(JobRow, new.job_id).state == jobs.COMPLETE


def test_a_job_out_of_attempts_is_not_claimed_but_reported(sessions) -> None:
    _submit(sessions)
    for _ in range(2):
        _claim(sessions, "crashy", lease=timedelta(seconds=-1), max_attempts=2)
    assert _claim(sessions, "another", max_attempts=2) is None
    with sessions() as session:
        assert [j.attempts for j in jobs.exhausted(session, 2)] == [2]
