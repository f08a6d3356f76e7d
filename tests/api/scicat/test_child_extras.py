"""The blocks' and attachments' extra routes on a real server: `/attachments/public`, the
isValid routes (permission first, DTO faults `valid: false`), deleting all of a dataset's
blocks or attachments, a block's `include` of its dataset, and file times stored as the
backend's Dates (UTC, milliseconds, `Z`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from fairdepot.services.runtime import Runtime
from tests.api.scicat.files_seed import deployment_runtime, seed_dataset
from tests.api.scicat.test_attachments import attachment
from tests.api.scicat.test_datablocks import block, dataset_record
from tests.support.deployments import Deployment
from tests.support.scicat import Scicat, pid_path


@pytest.fixture(scope="module")
def runtime(scicat_server: Deployment) -> Iterator[Runtime]:
    yield from deployment_runtime(scicat_server)


def sdk_client(scicat: Scicat, username: str | None) -> Any:
    import scicat_sdk_py as sdk

    token = scicat.token(username) if username else None
    return sdk.ApiClient(sdk.Configuration(host=scicat.base_url, access_token=token))


def new_block(scicat: Scicat, pid: str, *files: tuple[str, int], **fields: Any) -> dict[str, Any]:
    made = scicat.request(
        "POST", "/api/v4/origdatablocks", "user1", json=block(pid, *files, **fields)
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def new_attachment(scicat: Scicat, pid: str, **fields: Any) -> dict[str, Any]:
    made = scicat.request("POST", "/api/v4/attachments", "user1", json=attachment(pid, **fields))
    assert made.status_code == 201, made.text
    return dict(made.json())


# -- /api/v4/attachments/public --------------------------------------------------------------


def test_public_attachments_are_the_published_ones_to_anyone(
    scicat: Scicat, runtime: Runtime
) -> None:
    import scicat_sdk_py as sdk

    pid = seed_dataset(runtime, isPublished=True)
    shown = new_attachment(scicat, pid, isPublished=True, caption="shown")
    new_attachment(scicat, pid, caption="hidden")
    where = json.dumps({"where": {"relationships.targetId": pid}})
    for username in (None, "user1"):  # the owner too sees the published ones only
        with sdk_client(scicat, username) as api:
            found = sdk.AttachmentsV4Api(api).attachments_v4_controller_find_all_public_v4(
                filter=where
            )
        assert [a.aid for a in found] == [shown["aid"]]
    cut = scicat.request(
        "GET",
        "/api/v4/attachments/public",
        None,
        params={"filter": json.dumps({"where": {"aid": shown["aid"]}, "fields": ["caption"]})},
    )
    assert cut.status_code == 200, cut.text
    assert cut.json() == [{"_id": shown["aid"], "caption": "shown"}]
    bad = scicat.request(
        "GET", "/api/v4/attachments/public", None, params={"filter": '{"where": {"nope": 1}}'}
    )
    assert bad.status_code == 400, bad.text
    assert set(bad.json()) >= {"message", "error", "statusCode"}


# -- isValid -------------------------------------------------------------------------------


def test_attachment_is_valid_checks_permission_first_then_the_body(
    scicat: Scicat, runtime: Runtime
) -> None:
    import scicat_sdk_py as sdk

    pid = seed_dataset(runtime)
    path = "/api/v4/attachments/isValid"
    with sdk_client(scicat, "user1") as api:
        answer = sdk.AttachmentsV4Api(api).attachments_v4_controller_is_valid_v4(
            sdk.CreateAttachmentV4Dto(
                owner_group="group1",
                caption="ok",
                is_published=False,
                thumbnail="data:image/png;base64,iVBORw0KGgo=",
                relationships=[
                    sdk.AttachmentRelationshipsV4Dto(target_id=pid, target_type="dataset")
                ],
            )
        )
    assert answer.valid is True
    bad = scicat.request("POST", path, "user1", json=attachment(pid, thumbnail="not a url"))
    assert bad.status_code == 200, bad.text
    assert bad.json()["valid"] is False
    assert bad.json()["reason"]
    assert all(isinstance(r, str) for r in bad.json()["reason"])
    unknown = scicat.request("POST", path, "user1", json=attachment(pid, bogus=1))
    assert unknown.json() == {"valid": False, "reason": ["property bogus should not exist"]}
    no_dataset = scicat.request("POST", path, "user1", json=attachment(pid, relationships=[]))
    assert no_dataset.json()["valid"] is False
    assert scicat.request("POST", path, None, json=attachment(pid)).status_code == 403
    foreign_group = scicat.request("POST", path, "user1", json=attachment(pid, ownerGroup="group2"))
    assert foreign_group.status_code == 403, foreign_group.text
    other = seed_dataset(runtime, ownerGroup="group2", accessGroups=["group1"])
    not_writable = scicat.request("POST", path, "user1", json=attachment(other, bogus=1))
    assert not_writable.status_code == 403, not_writable.text
    missing = scicat.request("POST", path, "user1", json=attachment("no/such/pid"))
    assert missing.status_code == 404, missing.text
    assert scicat.request("POST", path, "user1", json=[1]).json()["valid"] is False
    listed = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}/attachments", "user1")
    assert listed.json() == []


def test_v3_block_is_valid_under_a_dataset_answers_valid_and_errors(
    scicat: Scicat, runtime: Runtime
) -> None:
    import scicat_sdk_py as sdk

    pid = seed_dataset(runtime)
    path = f"/api/v3/datasets/{pid_path(pid)}/origdatablocks/isValid"
    good = scicat.request("POST", path, "user1", json=block(None, ("a.txt", 1)))
    assert good.status_code == 200, good.text
    assert good.json() == {"valid": True, "errors": []}
    bad = scicat.request("POST", path, "user1", json=block(None, ("a.txt", 1), size=-1))
    assert bad.json() == {"valid": False, "errors": ["size must not be less than 0"]}
    with sdk_client(scicat, "user1") as api:  # the SDK reads no answer here (None)
        sdk.DatasetsApi(api).datasets_controller_orig_datablock_is_valid_v3(
            pid,
            sdk.CreateDatasetOrigDatablockDto(
                size=1, data_file_list=[sdk.DataFile(path="a", size=1, time="2024-01-01")]
            ),
        )
    assert scicat.request("POST", path, None, json=block(None)).status_code == 403
    other = seed_dataset(runtime, ownerGroup="group2", accessGroups=["group1"])
    foreign = f"/api/v3/datasets/{pid_path(other)}/origdatablocks/isValid"
    assert scicat.request("POST", foreign, "user1", json={"bogus": 1}).status_code == 403
    hidden = seed_dataset(runtime, ownerGroup="group2", accessGroups=[])
    unseen = f"/api/v3/datasets/{pid_path(hidden)}/origdatablocks/isValid"
    unreadable = scicat.request("POST", unseen, "user1", json={})  # it exists: 403, as the backend
    assert unreadable.status_code == 403, unreadable.text
    assert unreadable.json()["message"] == "Unauthorized access"
    assert dataset_record(runtime, pid).native.get("numberOfFiles", 0) == 0  # type: ignore[union-attr]


def test_v4_block_is_valid_looks_up_the_dataset_first(scicat: Scicat, runtime: Runtime) -> None:
    """(scicat-sdk-py's method takes a whole stored OrigDatablock, server fields and all, so
    it is driven over HTTP here; test_datablock_routes covers the answer's shape.)"""
    pid = seed_dataset(runtime)
    path = "/api/v4/origdatablocks/isValid"
    good = scicat.request("POST", path, "user1", json=block(pid, ("a", 1)))
    assert good.json() == {"valid": True, "reason": []}
    other = seed_dataset(runtime, ownerGroup="group2", accessGroups=["group1"])
    assert scicat.request("POST", path, "user1", json=block(other, size=-1)).status_code == 403
    assert scicat.request("POST", path, "user1", json=block("no/such")).status_code == 404
    no_dataset = scicat.request("POST", path, "user1", json=block(None))
    assert no_dataset.status_code == 200, no_dataset.text
    assert no_dataset.json()["valid"] is False


# -- deleting all of a dataset's blocks / attachments -----------------------------------------


def test_deleting_all_blocks_of_a_dataset_recomputes_it_in_one_unit_of_work(
    scicat: Scicat, runtime: Runtime
) -> None:
    import scicat_sdk_py as sdk

    pid = seed_dataset(runtime)
    kept = seed_dataset(runtime)
    first = new_block(scicat, pid, ("a.txt", 3), ("b.txt", 4))
    new_block(scicat, pid, ("c.txt", 5))
    untouched = new_block(scicat, kept, ("z.txt", 1))
    assert (dataset_record(runtime, pid).native or {})["numberOfFiles"] == 3
    path = f"/api/v3/datasets/{pid_path(pid)}/origdatablocks"
    assert scicat.request("DELETE", path, None).status_code == 403
    owner = scicat.request("DELETE", path, "user1")  # the owner group may not (DELETE_GROUPS)
    assert owner.status_code == 403, owner.text
    assert (dataset_record(runtime, pid).native or {})["numberOfFiles"] == 3
    with sdk_client(scicat, "archivemanager") as api:
        answer = sdk.DatasetsApi(
            api
        ).datasets_controller_delete_all_orig_datablocks_from_dataset_id_v3(pid)
    assert answer.count == 2
    dataset = dataset_record(runtime, pid)
    assert (dataset.native or {})["size"] == 0
    assert (dataset.native or {})["numberOfFiles"] == 0
    assert "hasPart" not in dataset.metadata or dataset.metadata["hasPart"] == []
    assert (
        scicat.request("GET", f"/api/v4/origdatablocks/{first['_id']}", "user1").status_code == 404
    )
    assert scicat.request("GET", path, "user1").json() == []
    again = scicat.request("DELETE", path, "archivemanager")
    assert again.json() == {"count": 0}
    still = scicat.request("GET", f"/api/v4/origdatablocks/{untouched['_id']}", "user1")
    assert still.status_code == 200, still.text
    missing = scicat.request(
        "DELETE", "/api/v3/datasets/no%2Fsuch/origdatablocks", "archivemanager"
    )
    assert missing.status_code == 404, missing.text


def test_deleting_all_attachments_of_a_dataset(scicat: Scicat, runtime: Runtime) -> None:
    import scicat_sdk_py as sdk

    pid = seed_dataset(runtime)
    for caption in ("one", "two"):
        new_attachment(scicat, pid, caption=caption)
    path = f"/api/v3/datasets/{pid_path(pid)}/attachments"
    assert scicat.request("DELETE", path, None).status_code == 403
    reader = seed_dataset(runtime, ownerGroup="group2", accessGroups=["group1"])
    foreign = scicat.request("DELETE", f"/api/v3/datasets/{pid_path(reader)}/attachments", "user1")
    assert foreign.status_code == 403, foreign.text
    assert len(scicat.request("GET", path, "user1").json()) == 2
    with sdk_client(scicat, "user1") as api:
        answer = sdk.DatasetsApi(api).datasets_controller_find_attachments_and_remove_v3(pid)
    assert answer.count == 2
    assert scicat.request("GET", path, "user1").json() == []
    assert scicat.request("DELETE", path, "user1").json() == {"count": 0}


# -- a block's include ------------------------------------------------------------------------


def test_a_block_includes_its_dataset_when_the_caller_may_read_it(
    scicat: Scicat, runtime: Runtime
) -> None:
    import scicat_sdk_py as sdk

    pid = seed_dataset(runtime, accessGroups=["group3"])
    made = new_block(scicat, pid, ("a.txt", 3), accessGroups=["group2"])
    by_id = f"/api/v4/origdatablocks/{made['_id']}"
    for include in ("dataset", "all"):
        found = scicat.request("GET", by_id, "user1", params={"include": include})
        assert found.status_code == 200, found.text
        [dataset] = found.json()["dataset"]
        assert dataset["pid"] == pid
        assert dataset["ownerGroup"] == "group1"
    plain = scicat.request("GET", by_id, "user1").json()
    assert "dataset" not in plain
    # group2 reads the block by its own access, not its dataset: nothing is embedded
    hidden = scicat.request("GET", by_id, "user2", params={"include": "dataset"})
    assert hidden.status_code == 200, hidden.text
    assert hidden.json()["dataset"] == []
    bad = scicat.request("GET", by_id, "user1", params={"include": "datasets"})
    assert bad.status_code == 400, bad.text
    with sdk_client(scicat, "user1") as api:
        read = sdk.OrigdatablocksV4Api(api).orig_datablocks_v4_controller_find_by_id_v4(
            made["_id"], include=["dataset"]
        )
    assert read.dataset_id == pid
    where = {"where": {"_id": made["_id"]}, "include": [{"relation": "dataset"}]}
    for username, expected in (("user1", [pid]), ("user2", [])):
        listed = scicat.request(
            "GET", "/api/v4/origdatablocks", username, params={"filter": json.dumps(where)}
        )
        assert listed.status_code == 200, listed.text
        assert [d["pid"] for d in listed.json()[0]["dataset"]] == expected
    cut = {**where, "fields": ["size"]}
    listed = scicat.request(
        "GET", "/api/v4/origdatablocks", "user1", params={"filter": json.dumps(cut)}
    )
    assert set(listed.json()[0]) == {"_id", "size", "dataset"}
    wrong = {"include": ["proposals"]}
    refused = scicat.request(
        "GET", "/api/v4/origdatablocks", "user1", params={"filter": json.dumps(wrong)}
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"][0]["location"] == "filter.include[0]"


def test_a_public_block_includes_its_dataset_only_when_that_is_public(
    scicat: Scicat, runtime: Runtime
) -> None:
    public = seed_dataset(runtime, isPublished=True)
    private = seed_dataset(runtime)
    shown = new_block(scicat, public, ("a.txt", 1), isPublished=True)
    alone = new_block(scicat, private, ("b.txt", 1), isPublished=True)
    for made, expected in ((shown, [public]), (alone, [])):
        found = scicat.request(
            "GET", f"/api/v4/origdatablocks/public/{made['_id']}", None, params={"include": "all"}
        )
        assert found.status_code == 200, found.text
        assert [d["pid"] for d in found.json()["dataset"]] == expected
        where = {"where": {"_id": made["_id"]}, "include": ["dataset"]}
        listed = scicat.request(
            "GET", "/api/v4/origdatablocks/public", None, params={"filter": json.dumps(where)}
        )
        assert [d["pid"] for d in listed.json()[0]["dataset"]] == expected


# -- dataFileList[].time ----------------------------------------------------------------------


def file_at(path: str, time: object) -> dict[str, Any]:
    return {"path": path, "size": 1, "time": time}


def test_file_times_are_stored_as_utc_with_milliseconds_on_every_write(
    scicat: Scicat, runtime: Runtime
) -> None:
    pid = seed_dataset(runtime)
    v4 = scicat.request(
        "POST",
        "/api/v4/origdatablocks",
        "user1",
        json={
            "datasetId": pid,
            "size": 2,
            "dataFileList": [
                file_at("a", "2026-01-01T01:00:00+01:00"),
                file_at("b", "2026-03-04T05:06:07.123456Z"),
            ],
        },
    )
    assert v4.status_code == 201, v4.text
    assert [f["time"] for f in v4.json()["dataFileList"]] == [
        "2026-01-01T00:00:00.000Z",
        "2026-03-04T05:06:07.123Z",
    ]
    v3 = scicat.request(
        "POST",
        f"/api/v3/datasets/{pid_path(pid)}/origdatablocks",
        "user1",
        json={"size": 1, "dataFileList": [file_at("c", "2026-02-02")]},
    )
    assert v3.status_code == 201, v3.text
    assert v3.json()["dataFileList"][0]["time"] == "2026-02-02T00:00:00.000Z"
    patched = scicat.request(
        "PATCH",
        f"/api/v4/origdatablocks/{v4.json()['_id']}",
        "user1",
        json={"dataFileList": [file_at("a", "2026-06-01T12:00:00-02:00")]},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["dataFileList"][0]["time"] == "2026-06-01T14:00:00.000Z"
    read = scicat.request("GET", f"/api/v4/origdatablocks/{v4.json()['_id']}", "user1").json()
    assert read["dataFileList"][0]["time"] == "2026-06-01T14:00:00.000Z"
    # queries compare them as instants, whatever the spelling of the bound
    for bound, expected in (("2026-06-01T15:00:00+02:00", 1), ("2026-06-01T14:00:01Z", 0)):
        where = {"where": {"datasetId": pid, "dataFileList.time": {"gt": bound}}}
        found = scicat.request(
            "GET", "/api/v4/origdatablocks", "user1", params={"filter": json.dumps(where)}
        )
        assert found.status_code == 200, found.text
        assert len(found.json()) == expected, (bound, found.json())


def test_an_unparseable_file_time_is_a_400_naming_its_place(
    scicat: Scicat, runtime: Runtime
) -> None:
    pid = seed_dataset(runtime)
    files = [file_at(f"f{i}", "2026-01-01T00:00:00Z") for i in range(3)]
    files.append(file_at("f3", "2026-13-45T99:00:00Z"))
    body = {"size": 4, "dataFileList": files}
    routes = (
        ("POST", "/api/v4/origdatablocks", {**body, "datasetId": pid}),
        ("POST", f"/api/v3/datasets/{pid_path(pid)}/origdatablocks", body),
    )
    for method, path, sent in routes:
        refused = scicat.request(method, path, "user1", json=sent)
        assert refused.status_code == 400, refused.text
        assert [e["location"] for e in refused.json()["errors"]] == ["dataFileList[3].time"]
    made = new_block(scicat, pid, ("ok", 1))
    for time in ("soon", 17, None, "2026-01-01T00:00:00Z" + "0" * 50):
        patched = scicat.request(
            "PATCH",
            f"/api/v4/origdatablocks/{made['_id']}",
            "user1",
            json={"dataFileList": [file_at("ok", time)]},
        )
        assert patched.status_code == 400, patched.text
        assert patched.json()["errors"][0]["location"] == "dataFileList[0].time"
    assert (dataset_record(runtime, pid).native or {})["numberOfFiles"] == 1
