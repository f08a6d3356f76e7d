"""Who may give a dataset another `ownerGroup` by PATCH or PUT, as on the real backend.

The backend decides an update on the dataset as stored (CASL's DatasetUpdateOwner: the stored
`ownerGroup` is one of the caller's groups; DatasetUpdateAny: administrators) and never looks
at the `ownerGroup` the body sets, so a member of the owner group may hand the dataset to a
group it is not in, and then no longer reads it. Ours decides the same through the core
policy (UPDATE on the stored record's access); its one addition, the creator's own rights,
stays with the dataset (docs/api-scicat.md, permissions).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.scicat import Scicat, pid_path
from tests.support.scicat_bodies import raw_dataset


def _created(scicat: Scicat, tag: str) -> dict[str, Any]:
    """A group5 dataset created by user5.1, so that user5.2 is a member of its owner group
    who did not create it."""
    body = raw_dataset(tag, ownerGroup="group5")
    response = scicat.request("POST", "/api/v4/datasets", "user5.1", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _change(
    scicat: Scicat, method: str, version: str, dataset: dict[str, Any], user: str, group: str
) -> Any:
    path = f"/api/{version}/datasets/{pid_path(dataset['pid'])}"
    if method == "PATCH":
        body: dict[str, Any] = {"ownerGroup": group}
    else:  # a PUT is the whole dataset, in the route's version's shape
        body = raw_dataset(dataset["datasetName"], ownerGroup=group)
        if version == "v3":
            body["principalInvestigator"] = body.pop("principalInvestigators")[0]
    return scicat.request(method, path, user, json=body)


def _owner_group(scicat: Scicat, dataset: dict[str, Any]) -> object:
    got = scicat.request("GET", f"/api/v4/datasets/{pid_path(dataset['pid'])}", "admin")
    assert got.status_code == 200, got.text
    return got.json()["ownerGroup"]


CHANGES = [("PATCH", "v4"), ("PATCH", "v3"), ("PUT", "v4"), ("PUT", "v3")]


@pytest.mark.parametrize(("method", "version"), CHANGES)
def test_a_caller_outside_the_owner_group_may_not_move_a_dataset(
    scicat: Scicat, method: str, version: str
) -> None:
    dataset = _created(scicat, f"og-outsider-{method}-{version}")
    refused = _change(scicat, method, version, dataset, "user2", "group2")
    assert refused.status_code == 403, refused.text
    assert refused.json()["message"] == "Unauthorized access"
    assert _owner_group(scicat, dataset) == "group5"


@pytest.mark.parametrize(("method", "version"), CHANGES)
def test_a_member_of_the_owner_group_may_hand_the_dataset_to_a_group_it_is_not_in(
    scicat: Scicat, method: str, version: str
) -> None:
    dataset = _created(scicat, f"og-member-{method}-{version}")
    moved = _change(scicat, method, version, dataset, "user5.2", "group3")
    assert moved.status_code == 200, moved.text
    assert moved.json()["ownerGroup"] == "group3"
    assert _owner_group(scicat, dataset) == "group3"
    path = f"/api/v4/datasets/{pid_path(dataset['pid'])}"
    # the new owner group reads and changes it; the member who gave it away does not
    assert scicat.request("GET", path, "user3").status_code == 200
    assert scicat.request("PATCH", path, "user3", json={"comment": "ours"}).status_code == 200
    lost = scicat.request("GET", path, "user5.2")
    assert lost.status_code == 403, lost.text
    again = scicat.request("PATCH", path, "user5.2", json={"ownerGroup": "group5"})
    assert again.status_code == 403, again.text
    # our one addition to the backend's rule: the creator keeps its own rights
    assert scicat.request("GET", path, "user5.1").status_code == 200


@pytest.mark.parametrize(("method", "version"), CHANGES)
def test_an_administrator_may_give_a_dataset_any_owner_group(
    scicat: Scicat, method: str, version: str
) -> None:
    dataset = _created(scicat, f"og-admin-{method}-{version}")
    moved = _change(scicat, method, version, dataset, "admin", "a-group-nobody-is-in")
    assert moved.status_code == 200, moved.text
    assert _owner_group(scicat, dataset) == "a-group-nobody-is-in"
    path = f"/api/v4/datasets/{pid_path(dataset['pid'])}"
    assert scicat.request("GET", path, "user5.2").status_code == 403
