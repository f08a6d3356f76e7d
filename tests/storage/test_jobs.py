"""The job queue: claims are exclusive, leases expire, a taken-over run cannot finish."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fairdepot.storage.db import jobs
from fairdepot.storage.db.engine import session_factories
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import JobRow, utcnow

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


def test_a_job_given_back_after_an_outage_waits_and_its_retries_are_not_crashes(sessions) -> None:
    _submit(sessions)
    first = _claim(sessions, "w1", max_attempts=2)
    with sessions() as session:
        assert jobs.retry_later(session, first, timedelta(seconds=60), "waiting to retry")
        session.commit()
        row = session.get(JobRow, first.job_id)
        assert (row.state, row.retries, row.lease_owner) == (jobs.PENDING, 1, None)
        assert not jobs.retry_later(session, first, timedelta(0), "again")  # no longer ours
    assert _claim(sessions, "w2", max_attempts=2) is None  # not before its time
    with sessions() as session:
        session.get(JobRow, first.job_id).not_before = None
        session.commit()
    second = _claim(sessions, "w2", max_attempts=2)
    assert (second.job_id, second.attempt) == (first.job_id, 2)
    with sessions() as session:  # the second run crashes: 2 runs, 1 of them a retry
        session.get(JobRow, first.job_id).lease_expires_at = utcnow() - timedelta(seconds=1)
        session.commit()
        assert jobs.exhausted(session, 2) == []  # 1 crash of the 2 allowed
    third = _claim(sessions, "w3", max_attempts=2)
    assert (third.job_id, third.attempt) == (first.job_id, 3)
