"""The real SciCat clients against our dataset routes: pyscicat 0.4.8, scicat-sdk-py 5.3.3 and
scitacean 26.10 (legacy scitacean 26.2 cannot be installed beside 26.10 in one environment,
so it is not exercised here)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pyscicat.client import ScicatClient, ScicatCommError
from pyscicat.model import DerivedDataset, Ownable, RawDataset

from tests.support.scicat import PID_PREFIX, USERS, Scicat, pid_path


def pyscicat_client(scicat: Scicat, user: str) -> ScicatClient:
    return ScicatClient(
        base_url=f"{scicat.base_url}/api/v3/",
        username=user,
        password=USERS[user][0],
        timeout_seconds=60,
    )


def raw(tag: str, group: str = "group1") -> RawDataset:
    return RawDataset(
        **Ownable(ownerGroup=group, accessGroups=[]).model_dump(),
        datasetName=f"pyscicat {tag}",
        owner="Ann Owner",
        contactEmail="ann@example.org",
        creationLocation="Beamline P",
        principalInvestigator="Pat Investigator",
        sourceFolder=f"/data/pyscicat/{tag}",
        creationTime="2024-06-01T08:00:00.000Z",
        keywords=[tag],
        scientificMetadata={"energy": {"value": 2, "unit": "keV"}},
    )


def test_pyscicat_creates_reads_finds_updates_and_deletes(scicat: Scicat) -> None:
    tag = f"pysc{uuid.uuid4().hex[:8]}"
    client = pyscicat_client(scicat, "user1")
    pid = client.datasets_create(raw(tag))
    assert pid.startswith(PID_PREFIX + "/")
    derived = DerivedDataset(
        **Ownable(ownerGroup="group1", accessGroups=[]).model_dump(),
        datasetName=f"pyscicat derived {tag}",
        owner="Ann Owner",
        contactEmail="ann@example.org",
        investigator="Ivy Investigator",
        inputDatasets=[pid],
        usedSoftware=["reduce.py"],
        sourceFolder=f"/data/pyscicat/{tag}/derived",
        creationTime="2024-06-02T08:00:00.000Z",
        keywords=[tag],
    )
    derived_pid = client.datasets_create(derived)
    one = client.datasets_get_one(pid)
    assert one["pid"] == pid
    assert one["datasetName"] == f"pyscicat {tag}"
    assert one["scientificMetadata"]["energy"]["unitSI"]
    many = client.datasets_get_many({"datasetName": {"like": tag}})
    assert {d["pid"] for d in many} == {pid, derived_pid}
    found = client.datasets_find(query_fields={"keywords": [tag], "type": "derived"})
    assert [d["pid"] for d in found] == [derived_pid]
    changed = raw(tag)
    changed.description = "updated by pyscicat"
    client.datasets_update(changed, pid)  # sends the whole model, type included
    assert client.datasets_get_one(pid)["description"] == "updated by pyscicat"
    with pytest.raises(ScicatCommError):
        client.datasets_delete(pid)  # user1 is not in the delete groups
    other = pyscicat_client(scicat, "user2")
    with pytest.raises(ScicatCommError):
        other.datasets_create(raw(tag))  # group1 is not user2's
    assert other.datasets_get_many({"datasetName": {"like": tag}}) == []
    pyscicat_client(scicat, "archivemanager").datasets_delete(derived_pid)
    assert {d["pid"] for d in client.datasets_get_many({"datasetName": {"like": tag}})} == {pid}
    assert scicat.request("GET", f"/api/v3/datasets/{pid_path(derived_pid)}").status_code == 404


def _sdk(scicat: Scicat, user: str) -> Any:
    import scicat_sdk_py as sdk

    configuration = sdk.Configuration(host=scicat.base_url)
    client = sdk.ApiClient(configuration)
    login = sdk.AuthApi(client).auth_controller_login_v3(
        sdk.CredentialsDto(username=user, password=USERS[user][0])
    )
    configuration.access_token = login.access_token
    return sdk, client


def test_scicat_sdk_v4_and_v3(scicat: Scicat) -> None:
    sdk, client = _sdk(scicat, "user1")
    v4 = sdk.DatasetsV4Api(client)
    tag = f"sdk{uuid.uuid4().hex[:8]}"
    created = v4.datasets_v4_controller_create_v4(
        sdk.CreateDatasetDto(
            ownerGroup="group1",
            owner="Ann Owner",
            contactEmail="ann@example.org",
            sourceFolder=f"/data/sdk/{tag}",
            creationTime="2024-07-01T00:00:00Z",
            datasetName=f"sdk {tag}",
            type="raw",
            keywords=[tag],
            principalInvestigators=["Pat Investigator"],
            creationLocation="Beamline S",
        )
    )
    assert created is not None  # the SDK gives None when the status is not the declared 201
    pid = created.pid
    assert pid.startswith(PID_PREFIX + "/")
    got = v4.datasets_v4_controller_find_by_id_v4(pid)
    assert got.pid == pid
    assert got.dataset_name == f"sdk {tag}"
    listed = v4.datasets_v4_controller_find_all_v4(filter=f'{{"where": {{"keywords": "{tag}"}}}}')
    assert [d.pid for d in listed] == [pid]
    counted = v4.datasets_v4_controller_count_v4(filter=f'{{"where": {{"keywords": "{tag}"}}}}')
    assert counted.count == 1
    patched = v4.datasets_v4_controller_find_by_id_and_update_v4(
        pid, sdk.PartialUpdateDatasetDto(description="by the sdk")
    )
    assert patched.description == "by the sdk"
    v3 = sdk.DatasetsApi(client)
    v3_created = v3.datasets_controller_create_v3(
        sdk.DatasetsControllerCreateV3Request(
            sdk.CreateRawDatasetObsoleteDto(
                ownerGroup="group1",
                owner="Ann Owner",
                contactEmail="ann@example.org",
                sourceFolder=f"/data/sdk/{tag}/v3",
                creationTime="2024-07-02T00:00:00Z",
                type="raw",
                datasetName=f"sdk v3 {tag}",
                principalInvestigator="Pat Investigator",
                creationLocation="Beamline S",
                keywords=[tag],
            )
        )
    )
    assert v3_created is not None
    assert v3_created.dataset_name == f"sdk v3 {tag}"
    assert v3_created.version == "3"
    archivist, archive_client = _sdk(scicat, "archivemanager")
    archivist.DatasetsV4Api(archive_client).datasets_v4_controller_find_by_id_and_delete_v4(pid)
    assert scicat.request("GET", f"/api/v4/datasets/{pid_path(pid)}").status_code == 404


def test_scicat_sdk_parses_the_default_lifecycle_and_changes_it(scicat: Scicat) -> None:
    """scicat-sdk-py's strict LifecycleClass reads a new dataset's lifecycle (the backend's
    defaults), the lifecycle PATCH changes it, and a bad change is refused, not stored."""
    sdk, client = _sdk(scicat, "user1")
    v4 = sdk.DatasetsV4Api(client)
    tag = f"sdklife{uuid.uuid4().hex[:8]}"
    created = v4.datasets_v4_controller_create_v4(
        sdk.CreateDatasetDto(
            ownerGroup="group1",
            owner="Ann Owner",
            contactEmail="ann@example.org",
            sourceFolder=f"/data/sdk/{tag}",
            creationTime="2024-07-01T00:00:00Z",
            datasetName=f"sdk {tag}",
            type="raw",
        )
    )
    assert created is not None
    life = v4.datasets_v4_controller_find_lifecycle_by_id_v4(created.pid)
    assert life.archivable is True
    assert life.retrievable is False
    assert life.publishable is False
    assert life.is_on_central_disk is True
    assert life.archive_status_message == "datasetCreated"
    assert life.date_of_disk_purging is not None
    assert life.date_of_disk_purging.tzinfo is not None
    assert created.datasetlifecycle.archivable is True
    changed = v4.datasets_v4_controller_find_by_id_and_update_lifecycle_v4(
        created.pid,
        sdk.PartialUpdateDatasetLifecycleDto(
            archivable=False, archiveStatusMessage="archived", storageLocation="tape"
        ),
    )
    assert changed.archivable is False
    assert changed.storage_location == "tape"
    bad = scicat.request(
        "PATCH",
        f"/api/v4/datasets/{pid_path(created.pid)}/datasetlifecycle",
        json={"archivable": "yes", "bogus": 1},
    )
    assert bad.status_code == 400, bad.text
    got = v4.datasets_v4_controller_find_by_id_v4(created.pid)
    assert got.datasetlifecycle.archivable is False
    assert got.datasetlifecycle.archive_status_message == "archived"


def test_scitacean_uploads_and_downloads_a_dataset_without_files(scicat: Scicat) -> None:
    from scitacean import Client, Dataset

    client = Client.from_credentials(
        url=f"{scicat.base_url}/api/v3",
        username="user1",
        password=USERS["user1"][0],
        allow_http=True,
    )
    tag = f"sct{uuid.uuid4().hex[:8]}"
    dataset = Dataset(
        type="raw",
        name=f"scitacean {tag}",
        owner_group="group1",
        access_groups=["group2"],
        owner="Ann Owner",
        contact_email="ann@example.org",
        principal_investigators=["Pat Investigator"],
        creation_location="Beamline T",
        source_folder=f"/data/scitacean/{tag}",
        keywords=[tag],
        meta={"temperature": {"value": 3, "unit": "K"}},
    )
    uploaded = client.upload_new_dataset_now(dataset)
    assert uploaded.pid is not None
    downloaded = client.get_dataset(uploaded.pid)
    assert downloaded.name == f"scitacean {tag}"
    assert downloaded.created_by == "user1"
    assert downloaded.meta["temperature"]["value"] == 3
    reader = Client.from_credentials(
        url=f"{scicat.base_url}/api/v3",
        username="user2",
        password=USERS["user2"][0],
        allow_http=True,
    )
    assert reader.get_dataset(uploaded.pid).name == f"scitacean {tag}"  # an access group
