"""A SciCat dataset's `datasetlifecycle`: checked key by key as the backend's lifecycle DTO
(on create, PATCH and the lifecycle route), completed with LifecycleClass's defaults."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.crosswalks.scicat_lifecycle import (
    LIFECYCLE_FIELDS,
    LifecycleKind,
    check_lifecycle_change,
    lifecycle_with_defaults,
)
from fairdepot.core.crosswalks.scicat_patch import validate_patch
from fairdepot.core.crosswalks.scicat_validation import validate_dataset
from fairdepot.core.errors import InvalidInput

BODY = {
    "type": "raw",
    "ownerGroup": "group1",
    "owner": "Ann Owner",
    "contactEmail": "ann@example.org",
    "sourceFolder": "/data/x",
    "creationTime": "2024-05-01T10:00:00Z",
    "datasetName": "x",
    "creationLocation": "Beamline X",
}
V3_ONLY = {"principalInvestigator": "Pat Investigator"}
CREATED = datetime(2025, 3, 4, 5, 6, 7, 891_000, tzinfo=UTC)

BAD = [
    ({"archivable": "yes"}, "archivable", "archivable must be a boolean value"),
    ({"retrieveIntegrityCheck": 1}, "retrieveIntegrityCheck", "must be a boolean value"),
    ({"dateOfDiskPurging": "tomorrow"}, "dateOfDiskPurging", "must be a valid ISO 8601 date"),
    ({"publishedOn": 20240101}, "publishedOn", "must be a valid ISO 8601 date string"),
    ({"archiveStatusMessage": 3}, "archiveStatusMessage", "must be a string"),
    ({"archiveReturnMessage": "ok"}, "archiveReturnMessage", "must be an object"),
    ({"bogus": 1}, "bogus", "property bogus should not exist"),
]


def _problems(error: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {p.location: p.message for p in error.value.problems}


@pytest.mark.parametrize(("lifecycle", "key", "message"), BAD)
@pytest.mark.parametrize("version", list(ApiVersion))
def test_a_bad_lifecycle_key_is_refused_on_create_by_its_path(
    lifecycle: dict[str, object], key: str, message: str, version: ApiVersion
) -> None:
    extra = V3_ONLY if version is ApiVersion.V3 else {}
    with pytest.raises(InvalidInput) as error:
        validate_dataset({**BODY, **extra, "datasetlifecycle": lifecycle}, version)
    problems = _problems(error)
    path = f"datasetlifecycle.{key}"
    assert list(problems) == [path]
    assert message.replace(key, path) in problems[path]  # named by its path in the body


@pytest.mark.parametrize(("lifecycle", "key", "message"), BAD)
def test_a_bad_lifecycle_key_is_refused_in_a_patch_and_on_the_lifecycle_route(
    lifecycle: dict[str, object], key: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_patch({"datasetlifecycle": lifecycle})
    assert list(_problems(error)) == [f"datasetlifecycle.{key}"]
    with pytest.raises(InvalidInput) as error:
        check_lifecycle_change(lifecycle)
    problems = _problems(error)
    assert list(problems) == [key]
    assert message in problems[key]
    assert "datasetlifecycle" not in problems[key]


def test_every_bad_key_is_named_at_once_and_a_non_object_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        check_lifecycle_change({"archivable": "yes", "bogus": 1, "retrievable": False})
    assert set(_problems(error)) == {"archivable", "bogus"}
    for body in ([], "x", {}):
        with pytest.raises(InvalidInput) as error:
            check_lifecycle_change(body)
        assert list(_problems(error)) == ["body"]
    with pytest.raises(InvalidInput) as error:
        validate_dataset({**BODY, "datasetlifecycle": [True]})
    assert list(_problems(error)) == ["datasetlifecycle"]


def test_a_good_lifecycle_keeps_its_values_with_dates_as_the_face_writes_times() -> None:
    given = {
        "archivable": False,
        "dateOfDiskPurging": "2030-01-02",
        "publishedOn": "2030-01-02T03:04:05.123456+02:00",
        "archiveReturnMessage": {"code": 0},
        "storageLocation": "tape-1",
        "exportedTo": None,
    }
    checked = check_lifecycle_change(given)
    assert checked == {
        "archivable": False,
        "dateOfDiskPurging": "2030-01-02T00:00:00.000Z",
        "publishedOn": "2030-01-02T01:04:05.123Z",
        "archiveReturnMessage": {"code": 0},
        "storageLocation": "tape-1",
        "exportedTo": None,
    }
    assert validate_patch({"datasetlifecycle": given})["datasetlifecycle"] == checked


def test_the_defaults_fill_what_is_unset_and_the_given_keys_win() -> None:
    stamp = "2025-03-04T05:06:07.891Z"
    assert lifecycle_with_defaults(None, CREATED) == {
        "archivable": True,
        "retrievable": False,
        "publishable": False,
        "dateOfDiskPurging": stamp,
        "archiveRetentionTime": stamp,
        "dateOfPublishing": stamp,
        "publishedOn": stamp,
        "isOnCentralDisk": True,
        "archiveStatusMessage": "datasetCreated",
        "retrieveStatusMessage": "",
        "archiveReturnMessage": {},
        "retrieveReturnMessage": {},
        "retrieveIntegrityCheck": False,
    }
    mine = {"archivable": False, "archiveStatusMessage": "archived", "publishable": None}
    filled = lifecycle_with_defaults(mine, CREATED)
    assert filled["archivable"] is False
    assert filled["archiveStatusMessage"] == "archived"
    assert filled["publishable"] is False  # null is unset: the default
    assert set(filled) <= set(LIFECYCLE_FIELDS)
    assert mine == {"archivable": False, "archiveStatusMessage": "archived", "publishable": None}


def test_every_default_passes_the_check() -> None:
    defaults = lifecycle_with_defaults(None, CREATED)
    assert check_lifecycle_change(defaults) == defaults
    kinds = {LIFECYCLE_FIELDS[key] for key in defaults}
    assert kinds == set(LifecycleKind)
