"""Attachments over HTTP on a real server: v4 create (201, relationships, a broken thumbnail
data URL is 400), v4 listing by filter, the v3 nested routes (datasetId and ownerGroup forced
from the dataset, at most 10 listed), each attachment read by its own access; and the real
clients pyscicat and scicat-sdk-py creating blocks and attachments."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import seed_dataset
from tests.support.scicat import USERS, Scicat, pid_path

PNG = "data:image/png;base64,iVBORw0KGgo="


def attachment(pid: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "caption": "preview",
        "ownerGroup": "group1",
        "relationships": [
            {"targetId": pid, "targetType": "dataset", "relationType": "is attached to"}
        ],
        "accessGroups": ["uu"],
        "isPublished": False,
        "thumbnail": PNG,
    }
    body.update(fields)
    return body


def test_v4_create_and_find(scicat: Scicat, runtime: Runtime) -> None:
    pid = seed_dataset(runtime)
    response = scicat.request("POST", "/api/v4/attachments", "user1", json=attachment(pid))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["aid"]
    assert created["caption"] == "preview"
    assert created["thumbnail"] == PNG
    assert created["relationships"][0]["targetId"] == pid
    assert created["isPublished"] is False
    assert created["createdBy"] == "user1"
    assert created["createdAt"].endswith("Z")
    found = scicat.request(
        "GET",
        "/api/v4/attachments",
        "user1",
        params={"filter": json.dumps({"where": {"aid": created["aid"]}})},
    )
    assert found.status_code == 200, found.text
    assert [a["aid"] for a in found.json()] == [created["aid"]]
    assert (
        scicat.request(
            "GET",
            "/api/v4/attachments",
            "user3",
            params={"filter": json.dumps({"where": {"aid": created["aid"]}})},
        ).json()
        == []
    )


@pytest.mark.parametrize(
    "thumbnail",
    [
        "not a data url",
        "data:image/png;base64,***not base64***",
        "data:image/png;base64,iVBORw0KGgo",  # truncated padding
        "http://example.org/a.png",
    ],
)
def test_a_broken_thumbnail_is_400_and_nothing_is_stored(
    scicat: Scicat, runtime: Runtime, thumbnail: str
) -> None:
    pid = seed_dataset(runtime)
    response = scicat.request(
        "POST", "/api/v4/attachments", "user1", json=attachment(pid, thumbnail=thumbnail)
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["location"] == "thumbnail"
    listed = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/attachments", "user1")
    assert listed.json() == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"ownerGroup": None}, "ownerGroup"),
        ({"caption": 3}, "caption"),
        (
            {"relationships": [{"targetId": "x", "targetType": "galaxy"}]},
            "relationships[0].targetType",
        ),
        ({"relationships": []}, "relationships"),
        ({"isPublished": "no"}, "isPublished"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(
    scicat: Scicat, runtime: Runtime, change: dict[str, Any], where: str
) -> None:
    pid = seed_dataset(runtime)
    body = {k: v for k, v in {**attachment(pid), **change}.items() if v is not None}
    response = scicat.request("POST", "/api/v4/attachments", "user1", json=body)
    assert response.status_code == 400, response.text
    assert where in [e["location"] for e in response.json()["errors"]]


def test_access_unknown_and_foreign(scicat: Scicat, runtime: Runtime) -> None:
    pid = seed_dataset(runtime, accessGroups=["group2"])
    assert (
        scicat.request("POST", "/api/v4/attachments", "user2", json=attachment(pid)).status_code
        == 403
    )
    assert (
        scicat.request("POST", "/api/v4/attachments", None, json=attachment(pid)).status_code == 403
    )
    other_group = attachment(pid, ownerGroup="group3")
    assert (
        scicat.request("POST", "/api/v4/attachments", "user1", json=other_group).status_code == 403
    )
    unknown = scicat.request(
        "POST",
        "/api/v3/datasets/nonexistent-id/attachments",
        "user1",
        json={"caption": "An attachment", "ownerGroup": "group1", "thumbnail": PNG},
    )
    assert unknown.status_code == 404
    assert unknown.json()["statusCode"] == 404


def test_v3_nested_create_forces_the_dataset_and_lists_at_most_ten(
    scicat: Scicat, runtime: Runtime
) -> None:
    pid = seed_dataset(runtime, isPublished=True)
    body = {
        "caption": "Process Overview",
        "ownerGroup": "group1",
        "accessGroups": ["uu"],
        "datasetId": "PLACEHOLDER",
        "thumbnail": "data:image/png;base64,bmFnO2Fzbztp",
    }
    for i in range(12):
        response = scicat.request(
            "POST",
            f"/api/v3/datasets/{pid_path(pid)}/attachments",
            "user1",
            json={**body, "caption": f"c{i}", "isPublished": i == 0},
        )
        assert response.status_code == 201, response.text
        assert response.json()["datasetId"] == pid
        assert response.json()["relationships"] == [
            {"targetId": pid, "targetType": "dataset", "relationType": "is attached to"}
        ]
    listed = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/attachments", "user1")
    assert len(listed.json()) == 10
    assert [a["caption"] for a in listed.json()][:2] == ["c0", "c1"]
    anonymous = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/attachments", None)
    assert [a["caption"] for a in anonymous.json()] == ["c0"]


def test_pyscicat_creates_a_block_and_an_attachment(scicat: Scicat, runtime: Runtime) -> None:
    from pyscicat.client import ScicatClient
    from pyscicat.model import Attachment, DataFile, OrigDatablock

    pid = seed_dataset(runtime)
    client = ScicatClient(
        base_url=f"{scicat.base_url}/api/v3/", username="user1", password=USERS["user1"][0]
    )
    block = OrigDatablock(
        size=42,
        chkAlg=1,  # pyscicat's model types it int
        datasetId=pid,
        dataFileList=[DataFile(path="f1.nxs", size=42, time="2026-11-22T03:13:06.984237+00:00")],
        ownerGroup="group1",
    )
    created = client.datasets_origdatablock_create(pid, block)
    assert created["size"] == 42
    assert created["chkAlg"] == "1"
    assert client.datasets_origdatablocks_get_one(pid)[0]["_id"] == created["_id"]
    thumb = Attachment(datasetId=pid, thumbnail=PNG, caption="thumb", ownerGroup="group1")
    made = client.datasets_attachment_create(thumb)
    assert made["caption"] == "thumb"
    assert made["datasetId"] == pid


def test_scicat_sdk_creates_a_block_and_an_attachment(scicat: Scicat, runtime: Runtime) -> None:
    import scicat_sdk_py as sdk

    pid = seed_dataset(runtime)
    configuration = sdk.Configuration(host=scicat.base_url, access_token=scicat.token("user1"))
    with sdk.ApiClient(configuration) as api:
        block = sdk.OrigdatablocksV4Api(api).orig_datablocks_v4_controller_create_v4(
            sdk.CreateOrigDatablockDto(
                dataset_id=pid,
                size=300,
                chk_alg="md5",
                data_file_list=[
                    sdk.DataFile(path="file1.txt", size=300, time="2005-11-04T13:22:09Z")
                ],
            )
        )
        assert block is not None
        assert block.dataset_id == pid
        assert block.size == 300
        made = sdk.AttachmentsV4Api(api).attachments_v4_controller_create_attachment_v4(
            sdk.CreateAttachmentV4Dto(
                owner_group="group1",
                caption="sdk",
                is_published=False,
                thumbnail=PNG,
                relationships=[
                    sdk.AttachmentRelationshipsV4Dto(
                        target_id=pid, target_type="dataset", relation_type="is attached to"
                    )
                ],
            )
        )
        assert made is not None
        assert made.caption == "sdk"


def test_an_attachment_without_a_caption_is_read_by_the_sdk(
    scicat: Scicat, runtime: Runtime
) -> None:
    """A null or missing caption is stored as the schema's "" (the SDK's model needs a string),
    so one such attachment does not break every reader's listing."""
    import scicat_sdk_py as sdk

    pid = seed_dataset(runtime)
    for fields in ({"caption": None, "thumbnail": None}, {}):
        body = {k: v for k, v in attachment(pid, **fields).items() if k != "caption" or fields}
        made = scicat.request("POST", "/api/v4/attachments", "user1", json=body)
        assert made.status_code == 201, made.text
        assert made.json()["caption"] == ""
    configuration = sdk.Configuration(host=scicat.base_url, access_token=scicat.token("user1"))
    with sdk.ApiClient(configuration) as api:
        where = {"relationships.targetId": pid}
        found = sdk.AttachmentsV4Api(api).attachments_v4_controller_find_all_v4(
            filter=json.dumps({"where": where})
        )
    assert [a.caption for a in found] == ["", ""]
