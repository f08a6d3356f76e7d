"""SciCat dataset use cases on the database under test (SQLite, or PostgreSQL in the
scale-out pass): server fields, the policy's answers as SciCat's 403/404/409, changes that
keep what they must, deletion that frees the pid, and listings limited to what one may read."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fairdepot.config import Settings
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.errors import Conflict, Gone, InvalidInput, NotFound, PermissionDenied
from fairdepot.core.policy import ANONYMOUS
from fairdepot.services import catalogue
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.services.scicat import dataset_changes, datasets
from fairdepot.services.scicat.filters import dataset_filter
from tests.support.catalogue import facility_actor
from tests.support.databases import fresh_database_url
from tests.support.scicat_bodies import raw_dataset


@pytest.fixture
def facility(tmp_path: Any) -> Any:
    with fresh_database_url(tmp_path, "scicat-datasets", migrated=True) as url:
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=url,
            blob_deletion_grace_seconds=0,
            pid_prefix="PID.test/",
            delete_groups=["archivemanager"],
            create_with_pid_groups=["pidmakers"],
        )
        runtime = build_runtime(settings)
        yield runtime
        runtime.close()


actor = facility_actor


def test_create_read_change_and_delete(facility: Runtime) -> None:
    user1 = actor(facility, "user1", "group1")
    user2 = actor(facility, "user2", "group2")
    keeper = actor(facility, "keeper", "archivemanager")
    created = datasets.create(facility, user1, raw_dataset("a", size=3))
    assert created["pid"].startswith("PID.test/")  # the prefix's trailing slash dropped once
    assert "//" not in created["pid"]
    assert created["createdBy"] == "user1"
    assert datasets.get(facility, user1, created["pid"]) == created
    assert datasets.get(facility, user1, created["pid"], ApiVersion.V3)["version"] == "3"
    with pytest.raises(PermissionDenied):
        datasets.get(facility, user2, created["pid"])
    with pytest.raises(NotFound):
        datasets.get(facility, user1, "PID.test/unknown")
    changed = dataset_changes.update(facility, user1, created["pid"], {"description": "d"})
    assert changed["description"] == "d"
    assert changed["createdAt"] == created["createdAt"]
    with pytest.raises(InvalidInput):
        dataset_changes.update(facility, user1, created["pid"], {"pid": "PID.test/other"})
    with pytest.raises(PermissionDenied):
        dataset_changes.update(facility, user2, created["pid"], {"description": "x"})
    with pytest.raises(PermissionDenied):
        dataset_changes.delete(facility, user1, created["pid"])  # the owner group may not delete
    ark = datasets.ark_of(facility, user1, created["pid"])
    dataset_changes.delete(facility, keeper, created["pid"])
    with pytest.raises(NotFound):
        datasets.get(facility, user1, created["pid"])
    with pytest.raises(Gone):
        catalogue.find(facility, user1, "ark", ark)  # the ARK stays, a tombstone
    pid = created["pid"]
    pidmaker = actor(facility, "maker", "pidmakers")
    again = datasets.create(facility, pidmaker, raw_dataset("b", pid=pid, ownerGroup="pidmakers"))
    assert again["pid"] == pid  # a deleted dataset's pid is free again


def test_create_refusals_write_nothing(facility: Runtime) -> None:
    user1 = actor(facility, "user1", "group1")
    with pytest.raises(PermissionDenied):
        datasets.create(facility, ANONYMOUS, raw_dataset("anon"))
    with pytest.raises(PermissionDenied):
        datasets.create(facility, user1, raw_dataset("foreign", ownerGroup="group2"))
    with pytest.raises(PermissionDenied):
        datasets.create(facility, user1, raw_dataset("own pid", pid="PID.test/mine"))
    with pytest.raises(InvalidInput):
        datasets.create(facility, user1, raw_dataset("bad", size="big"))
    pidmaker = actor(facility, "maker", "pidmakers")
    datasets.create(facility, pidmaker, raw_dataset("p", pid="PID.test/x", ownerGroup="pidmakers"))
    with pytest.raises(Conflict, match=re.escape("A dataset with pid PID.test/x already exists!")):
        datasets.create(
            facility, pidmaker, raw_dataset("p", pid="PID.test/x", ownerGroup="pidmakers")
        )
    everything = dataset_filter(None, ApiVersion.V3)
    assert len(datasets.find(facility, pidmaker, everything)) == 1
    assert datasets.is_valid(user1, raw_dataset("ok"), ApiVersion.V4).valid
    assert not datasets.is_valid(user1, {"type": "raw"}, ApiVersion.V4).valid
    with pytest.raises(PermissionDenied):
        datasets.is_valid(user1, raw_dataset("foreign", ownerGroup="group2"), ApiVersion.V4)
    foreign_and_bad = raw_dataset("foreign", ownerGroup="group2", contactEmail="NotAnEmail")
    with pytest.raises(PermissionDenied):  # permission first, as the backend's guard: not 200
        datasets.is_valid(user1, foreign_and_bad, ApiVersion.V4)


def test_listings_show_what_one_may_read(facility: Runtime) -> None:
    user1 = actor(facility, "user1", "group1")
    user2 = actor(facility, "user2", "group2")
    mine = datasets.create(facility, user1, raw_dataset("mine"))
    shared = datasets.create(facility, user1, raw_dataset("shared", accessGroups=["group2"]))
    published = datasets.create(facility, user1, raw_dataset("public", isPublished=True))
    spec = dataset_filter(None, ApiVersion.V4)
    assert [d["pid"] for d in datasets.find(facility, user1, spec)] == [
        published["pid"],
        shared["pid"],
        mine["pid"],
    ]
    assert {d["pid"] for d in datasets.find(facility, user2, spec)} == {
        shared["pid"],
        published["pid"],
    }
    assert [d["pid"] for d in datasets.find(facility, ANONYMOUS, spec)] == [published["pid"]]
    assert datasets.count(facility, ANONYMOUS, dataset_filter(None, ApiVersion.V4, count=True)) == 1
    fields = dataset_filter('{"fields": ["pid"]}', ApiVersion.V3)
    assert all(set(d) == {"pid"} for d in datasets.find(facility, user1, fields))


def test_if_unmodified_since_refuses_a_stale_change(facility: Runtime) -> None:
    from datetime import UTC, datetime, timedelta

    from fairdepot.core.errors import PreconditionFailed

    user1 = actor(facility, "user1", "group1")
    created = datasets.create(facility, user1, raw_dataset("stale"))
    before = datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(PreconditionFailed):
        dataset_changes.update(
            facility, user1, created["pid"], {"comment": "x"}, unmodified_since=before
        )
    assert "comment" not in datasets.get(facility, user1, created["pid"])
    later = datetime.now(UTC) + timedelta(days=1)
    changed = dataset_changes.update(
        facility, user1, created["pid"], {"comment": "y"}, unmodified_since=later
    )
    assert changed["comment"] == "y"
