"""The SciCat staging area's life outside HTTP: `fairdepot check` counts staged uploads as
staged, not orphans; re-staging a path and removing a staged file delete the old bytes after
the commit (the outbox), and never those of another path or account."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fairdepot.core.accounts import User
from fairdepot.core.errors import NotFound, PermissionDenied
from fairdepot.core.policy import ANONYMOUS
from fairdepot.services import accounts, fixity
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import staging
from fairdepot.storage.db.blob_references import live_references


@pytest.fixture
def alice(runtime: Runtime) -> User:
    return accounts.add_user(runtime, "alice", "alice@example.org", "pw", ["lab"])


def _stage(runtime: Runtime, user: User, folder: str, path: str, data: bytes) -> str:
    key = staging.staging_key()
    info = runtime.blobs.write(key, [data])
    actor = accounts.actor_for(user, runtime.settings.facility_groups)
    staging.record_upload(runtime, actor, folder, path, info)
    return key


def _orphans(runtime: Runtime) -> list[str]:
    with live_references(runtime.database) as references:
        report = fixity.check_catalogue(references, runtime.blobs, orphan_min_age=timedelta(0))
    assert not [f for f in report.findings if f.kind != fixity.ORPHAN]  # staged ones intact
    return [f.key for f in report.findings if f.kind == fixity.ORPHAN]


def test_check_does_not_call_staged_uploads_orphans(runtime: Runtime, alice: User) -> None:
    staged = _stage(runtime, alice, "/data/run", "a.dat", b"staged bytes")
    stray = "scicat-staged/nobody-refers-to-this"
    runtime.blobs.write(stray, [b"stray"])
    assert _orphans(runtime) == [stray]
    assert staged not in _orphans(runtime)


def test_restaging_a_path_deletes_only_the_bytes_it_replaces(runtime: Runtime, alice: User) -> None:
    first = _stage(runtime, alice, "/data/run", "a.dat", b"first")
    other = _stage(runtime, alice, "/data/run", "b.dat", b"other")
    second = _stage(runtime, alice, "/data/run", "a.dat", b"second")
    assert not runtime.blobs.exists(first)
    assert runtime.blobs.exists(second)
    assert runtime.blobs.exists(other)
    actor = accounts.actor_for(alice, runtime.settings.facility_groups)
    listed = staging.listing(runtime, actor, "/data/run")
    assert [(s["path"], s["size"]) for s in listed] == [("b.dat", 5), ("a.dat", 6)]


def test_removing_a_staged_file_deletes_its_bytes_after_commit(
    runtime: Runtime, alice: User
) -> None:
    key = _stage(runtime, alice, "/data/run", "a.dat", b"bytes")
    actor = accounts.actor_for(alice, runtime.settings.facility_groups)
    staging.remove(runtime, actor, "/data/run", "a.dat")
    assert not runtime.blobs.exists(key)
    with pytest.raises(NotFound):
        staging.remove(runtime, actor, "/data/run", "a.dat")


def test_only_an_account_stages(runtime: Runtime) -> None:
    with pytest.raises(PermissionDenied):
        staging.may_stage(ANONYMOUS)
