"""One unit of work: its repositories commit or roll back together, clashes arrive as core
errors, and blobs it orphaned are deleted only after it commits."""

from __future__ import annotations

import pytest

from fairdepot.core.accounts import User
from fairdepot.core.errors import Conflict
from fairdepot.services import accounts
from fairdepot.services.uow import read_only, unit_of_work


class Stop(Exception):
    pass


def _blob(runtime, key: str) -> None:
    with runtime.blobs.open_write(key) as writer:
        writer.write(b"bytes")
        writer.commit()


def test_a_failure_rolls_back_what_every_repository_wrote(runtime) -> None:
    owner = accounts.add_user(runtime, "olga", "olga@example.org", "pw", [])
    submitted: list[str] = []

    def write_then_fail() -> None:
        with unit_of_work(runtime) as work:
            submitted.append(work.jobs.submit("crate_ingest", owner.id, {}).id)
            work.accounts.add_token(owner, "ef" * 32, "ci")
            work.accounts.save(User("", "pavel", "pavel@example.org"))
            raise Stop

    with pytest.raises(Stop):
        write_then_fail()
    with read_only(runtime) as work:
        assert work.jobs.get(submitted[0]) is None
        assert work.accounts.user_for_token("ef" * 32) is None
        assert work.accounts.by_username("pavel") is None


def test_a_unique_clash_is_a_conflict_not_a_driver_error(runtime) -> None:
    accounts.add_user(runtime, "quinn", "shared@example.org", "pw", [])
    with pytest.raises(Conflict), unit_of_work(runtime) as work:
        work.accounts.save(User("", "rosa", "shared@example.org"))
    with read_only(runtime) as work:
        assert work.accounts.by_username("rosa") is None


def test_blobs_are_deleted_only_after_the_transaction_commits(runtime) -> None:
    _blob(runtime, "uploads/kept.zip")
    _blob(runtime, "uploads/dropped.zip")

    def queue_then_fail() -> None:
        with unit_of_work(runtime) as work:
            work.records.delete_blob_later("uploads/kept.zip")
            raise Stop

    with pytest.raises(Stop):
        queue_then_fail()
    assert runtime.blobs.exists("uploads/kept.zip")  # the queueing rolled back with the rest
    with unit_of_work(runtime) as work:
        work.records.delete_blob_later("uploads/dropped.zip")
        assert runtime.blobs.exists("uploads/dropped.zip")  # not before the commit
    assert not runtime.blobs.exists("uploads/dropped.zip")  # after it (no grace in tests)
