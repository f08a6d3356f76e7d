"""UPDATE_DATASET_LIFECYCLE_GROUPS: an archive system's account reads any dataset by pid and
changes its datasetlifecycle, and nothing else of it; others change only their own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fairdepot.config import Settings
from fairdepot.core.errors import InvalidInput, PermissionDenied
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.services.scicat import dataset_changes, datasets
from tests.support.catalogue import facility_actor
from tests.support.databases import fresh_database_url


@pytest.fixture
def facility(tmp_path: Any) -> Iterator[Runtime]:
    with fresh_database_url(tmp_path, "scicat-lifecycle", migrated=True) as url:
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=url,
            update_dataset_lifecycle_groups="archivers, other",
        )
        runtime = build_runtime(settings)
        yield runtime
        runtime.close()


actor = facility_actor


def test_lifecycle_groups_change_any_lifecycle_and_nothing_else(facility: Runtime) -> None:
    assert facility.settings.update_dataset_lifecycle_groups == ["archivers", "other"]
    owner = actor(facility, "user1", "group1")
    archiver = actor(facility, "archiver", "archivers")
    stranger = actor(facility, "user2", "group2")
    pid = datasets.create(
        facility,
        owner,
        {
            "type": "raw",
            "ownerGroup": "group1",
            "owner": "Ann",
            "contactEmail": "ann@example.org",
            "sourceFolder": "/data/x",
            "creationTime": "2024-01-01T00:00:00Z",
            "datasetName": "x",
            "principalInvestigators": ["Pat"],
            "creationLocation": "X",
        },
    )["pid"]
    assert datasets.get(facility, archiver, pid)["pid"] == pid
    changed = dataset_changes.update_lifecycle(
        facility, archiver, pid, {"archiveStatusMessage": "archived"}
    )
    assert changed["archiveStatusMessage"] == "archived"
    assert datasets.lifecycle(facility, owner, pid)["archiveStatusMessage"] == "archived"
    with pytest.raises(PermissionDenied):
        dataset_changes.update(facility, archiver, pid, {"description": "not theirs"})
    with pytest.raises(PermissionDenied):
        dataset_changes.update_lifecycle(facility, stranger, pid, {"archivable": False})
    with pytest.raises(InvalidInput):
        dataset_changes.update_lifecycle(facility, owner, pid, {})
    assert (
        dataset_changes.update_lifecycle(facility, owner, pid, {"archivable": False})["archivable"]
        is False
    )
    assert "description" not in datasets.get(facility, owner, pid)
