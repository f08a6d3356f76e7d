"""SciCat v4 PublishedData on a real server, driven by scicat-sdk-py's PublishedDataV4Api:
create (private), find with filter and limits, count, get by doi, PATCH, publish, register
(its datasets become published), DELETE; refusals in SciCat's error shape, never a 500."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
import scicat_sdk_py as sdk
from scicat_sdk_py.exceptions import ApiException

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import deployment_runtime, seed_dataset
from tests.support.deployments import Deployment
from tests.support.scicat import Scicat, pid_path


@pytest.fixture(scope="module")
def runtime(scicat_server: Deployment) -> Iterator[Runtime]:
    yield from deployment_runtime(scicat_server)


def api(scicat: Scicat, user: str) -> sdk.PublishedDataV4Api:
    config = sdk.Configuration(host=scicat.base_url, access_token=scicat.token(user))
    return sdk.PublishedDataV4Api(sdk.ApiClient(config))


def new(title: str, *pids: str) -> sdk.CreatePublishedDataV4Dto:
    return sdk.CreatePublishedDataV4Dto(
        title=title,
        abstract="what it is",
        datasetPids=list(pids),
        metadata={
            "creators": [{"name": "Ponder Stibbons"}],
            "publisher": {"name": "UU"},
            "publicationYear": 2026,
        },
    )


def test_the_sdk_creates_finds_changes_publishes_and_registers(
    scicat: Scicat, runtime: Runtime
) -> None:
    pid = seed_dataset(runtime)
    user1 = api(scicat, "user1")
    tag = f"pd-{uuid.uuid4().hex[:8]}"
    created = user1.published_data_v4_controller_create_v4(new(tag, pid))
    assert created.status == "private"
    assert created.dataset_pids == [pid]
    assert created.metadata is not None
    assert created.metadata["publisher"] == {"name": "UU"}
    assert created.created_by == "user1"
    doi = created.doi
    where = json.dumps({"where": {"title": tag}})
    [found] = user1.published_data_v4_controller_find_all_v4(filter=where, limits='{"limit": 5}')
    assert found.doi == doi
    assert user1.published_data_v4_controller_count_v4(filter=where).count == 1
    assert user1.published_data_v4_controller_find_one_v4(doi).title == tag
    # a private one is its creator's: another user neither reads nor changes it
    user2 = api(scicat, "user2")
    with pytest.raises(ApiException) as refused:
        user2.published_data_v4_controller_find_one_v4(doi)
    assert refused.value.status == 403
    assert user2.published_data_v4_controller_count_v4(filter=where).count == 0

    changed = user1.published_data_v4_controller_update_v4(
        doi, sdk.PartialUpdatePublishedDataV4Dto(abstract="better")
    )
    assert changed.abstract == "better"
    assert changed.title == tag
    public = user1.published_data_v4_controller_publish_v4(doi)
    assert public.status == "public"
    assert user2.published_data_v4_controller_find_one_v4(doi).status == "public"
    user1.published_data_v4_controller_register_v4(doi)
    registered = user1.published_data_v4_controller_find_one_v4(doi)
    assert registered.status == "registered"
    assert registered.registered_time is not None
    dataset = scicat.request("GET", f"/api/v4/datasets/{pid_path(pid)}", "user1").json()
    assert dataset["isPublished"] is True
    with pytest.raises(ApiException) as again:
        user1.published_data_v4_controller_update_v4(
            doi, sdk.PartialUpdatePublishedDataV4Dto(title="late")
        )
    assert again.value.status == 409
    admin = api(scicat, "admin")
    with pytest.raises(ApiException) as kept:
        admin.published_data_v4_controller_remove_v4(doi)
    assert kept.value.status == 409


def test_delete_and_refusals_in_scicats_shape(scicat: Scicat, runtime: Runtime) -> None:
    pid = seed_dataset(runtime)
    user1 = api(scicat, "user1")
    doi = user1.published_data_v4_controller_create_v4(new("to delete", pid)).doi
    path = f"/api/v4/publisheddata/{pid_path(doi)}"
    assert scicat.request("DELETE", path, "user1").status_code == 403
    assert scicat.request("DELETE", path, None).status_code == 403
    deleted = scicat.request("DELETE", path, "admin")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["doi"] == doi
    assert scicat.request("GET", path, "user1").status_code == 404
    for body, location in (
        ({"title": "t", "abstract": "a"}, "datasetPids"),
        ({"title": 3, "abstract": "a", "datasetPids": [pid]}, "title"),
        ({"title": "t", "abstract": "a", "datasetPids": [pid], "colour": 1}, "colour"),
    ):
        refused = scicat.request("POST", "/api/v4/publisheddata", "user1", json=body)
        assert refused.status_code == 400, refused.text
        assert refused.json()["statusCode"] == 400
        assert location in [e["location"] for e in refused.json()["errors"]]
    foreign = seed_dataset(runtime, ownerGroup="group2", accessGroups=[])
    body = {"title": "t", "abstract": "a", "datasetPids": [foreign]}
    assert scicat.request("POST", "/api/v4/publisheddata", "user1", json=body).status_code == 403
    body["datasetPids"] = [f"{pid}-unknown"]
    assert scicat.request("POST", "/api/v4/publisheddata", "user1", json=body).status_code == 404
    assert scicat.request("POST", "/api/v4/publisheddata", None, json=body).status_code == 403
    other = user1.published_data_v4_controller_create_v4(new("mine", pid)).doi
    status = scicat.request(
        "PATCH", f"/api/v4/publisheddata/{pid_path(other)}", "user1", json={"status": "registered"}
    )
    assert status.status_code == 400, status.text
    bad = scicat.request("GET", "/api/v4/publisheddata", "user1", params={"limits": "{"})
    assert bad.status_code == 400
    found = scicat.request("GET", f"/api/v4/publisheddata/{pid_path(other)}", "user1").json()
    assert found["status"] == "private"


def _registered(scicat: Scicat, runtime: Runtime, title: str) -> tuple[str, str]:
    """A registered PublishedData of user1's (its doi) and its dataset's pid."""
    pid = seed_dataset(runtime)
    user1 = api(scicat, "user1")
    doi = user1.published_data_v4_controller_create_v4(new(title, pid)).doi
    user1.published_data_v4_controller_register_v4(doi)
    return doi, pid


def test_amend_then_resync_changes_a_registered_one_and_registers_it_again(
    scicat: Scicat, runtime: Runtime
) -> None:
    doi, _ = _registered(scicat, runtime, f"amend-{uuid.uuid4().hex[:8]}")
    path = f"/api/v4/publisheddata/{pid_path(doi)}"
    # only administrators amend; a registered one only
    for user, status in (("user1", 403), (None, 403)):
        refused = scicat.request("POST", f"{path}/amend", user)
        assert refused.status_code == status, refused.text
        assert refused.json()["statusCode"] == status
    admin = api(scicat, "admin")
    amended = admin.published_data_v4_controller_amend_v4(doi)
    assert amended.status == "amended"
    again = scicat.request("POST", f"{path}/amend", "admin")
    assert again.status_code == 409, again.text
    # amended: neither PATCH nor register, a resync
    assert scicat.request("PATCH", path, "user1", json={"title": "x"}).status_code == 409
    assert scicat.request("POST", f"{path}/register", "admin").status_code == 409
    # the creator may not resync what is not private any more
    late = scicat.request("POST", f"{path}/resync", "user1", json={"abstract": "mine"})
    assert late.status_code == 409, late.text
    synced = scicat.request("POST", f"{path}/resync", "admin", json={"abstract": "corrected"})
    assert synced.status_code == 200, synced.text
    assert synced.json() == {"doi": doi}
    stored = admin.published_data_v4_controller_find_one_v4(doi)
    assert stored.status == "registered"
    assert stored.abstract == "corrected"
    # registered again: a resync needs a new amend
    twice = scicat.request("POST", f"{path}/resync", "admin", json={"abstract": "more"})
    assert twice.status_code == 409, twice.text
    assert admin.published_data_v4_controller_find_one_v4(doi).abstract == "corrected"


def test_resync_of_a_private_one_stores_the_changes_and_answers_null(
    scicat: Scicat, runtime: Runtime
) -> None:
    pid = seed_dataset(runtime)
    user1 = api(scicat, "user1")
    doi = user1.published_data_v4_controller_create_v4(new("to resync", pid)).doi
    assert (
        user1.published_data_v4_controller_resync_v4(
            doi, sdk.PartialUpdatePublishedDataV4Dto(abstract="resynced")
        )
        is None
    )
    assert user1.published_data_v4_controller_find_one_v4(doi).abstract == "resynced"
    path = f"/api/v4/publisheddata/{pid_path(doi)}/resync"
    other = scicat.request("POST", path, "user2", json={"abstract": "theirs"})
    assert other.status_code == 403, other.text
    nobody = scicat.request("POST", path, None, json={"status": "registered"})
    assert nobody.status_code == 403, nobody.text  # anonymous: 403 before the body
    for body, location in (({"status": "registered"}, "status"), ({"title": 4}, "title")):
        refused = scicat.request("POST", path, "user1", json=body)
        assert refused.status_code == 400, refused.text
        assert location in [e["location"] for e in refused.json()["errors"]]
    assert user1.published_data_v4_controller_find_one_v4(doi).abstract == "resynced"
    unknown = scicat.request("POST", f"{path[: -len('/resync')]}x/resync", "admin", json={})
    assert unknown.status_code == 404, unknown.text


def test_formpopulate_fills_from_the_dataset_its_proposal_and_attachment(
    scicat: Scicat, runtime: Runtime
) -> None:
    proposal_id = f"p/{uuid.uuid4()}"
    made = scicat.request(
        "POST",
        "/api/v3/proposals",
        "admin",
        json={
            "proposalId": proposal_id,
            "email": "ponder@uu.am",
            "title": "The proposal's title",
            "abstract": "The proposal's abstract",
            "ownerGroup": "group1",
        },
    )
    assert made.status_code == 201, made.text
    pid = seed_dataset(runtime, description="what the dataset is", proposalIds=[proposal_id])
    thumbnail = "data:image/png;base64,iVBORw0KGgo="
    attached = scicat.request(
        "POST",
        "/api/v4/attachments",
        "user1",
        json={
            "caption": "preview",
            "ownerGroup": "group1",
            "thumbnail": thumbnail,
            "relationships": [{"targetId": pid, "targetType": "dataset"}],
        },
    )
    assert attached.status_code == 201, attached.text
    form = api(scicat, "user1").published_data_v4_controller_form_populate_v4([pid])
    assert form.resource_type == "raw"
    assert form.description == "what the dataset is"
    assert form.title == "The proposal's title"
    assert form.abstract == "The proposal's abstract"
    assert form.thumbnail == thumbnail
    # who may not read the dataset learns nothing of it
    path = "/api/v4/publisheddata/formpopulate"
    assert scicat.request("GET", path, "user2", params={"pid": pid}).status_code == 403
    assert scicat.request("GET", path, None, params={"pid": pid}).status_code == 403
    assert scicat.request("GET", path, "user1", params={"pid": f"{pid}x"}).status_code == 404
    missing = scicat.request("GET", path, "user1")
    assert missing.status_code == 400, missing.text
    assert missing.json()["statusCode"] == 400


def test_config_is_the_metadata_schema_to_anyone(scicat: Scicat) -> None:
    config = api(scicat, "user1").published_data_v4_controller_get_config_v4()
    assert config.metadata_schema["type"] == "object"
    assert "creators" in config.metadata_schema["properties"]
    assert config.ui_schema == {}
    anonymous = scicat.request("GET", "/api/v4/publisheddata/config", None)
    assert anonymous.status_code == 200
    assert anonymous.json()["metadataSchema"] == config.metadata_schema
