"""Files through fairdepot: scitacean 26.10 with our `FairdepotFileTransfer` uploads a
dataset's files into fairdepot's blob store (staged under its sourceFolder, linked by the
origdatablock) and downloads them back byte-identical; the same bytes download through the
FAIRSCAPE face at the dataset's ARK. The staging rules are driven over plain HTTP.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.support.deployments import Deployment
from tests.support.scicat import USERS, Scicat, pid_path

STAGED = "/api/v4/fairdepot/staged-files"


def _transfer(server: Deployment, username: str = "user1") -> Any:
    from fairdepot.client.scitacean_transfer import FairdepotFileTransfer

    return FairdepotFileTransfer(
        f"{server.base_url}/api", username=username, password=USERS[username][0]
    )


def _client(server: Deployment, username: str = "user1") -> Any:
    from scitacean import Client

    return Client.from_credentials(
        url=f"{server.base_url}/api",
        username=username,
        password=USERS[username][0],
        file_transfer=_transfer(server, username),
        allow_http=True,
    )


def _dataset(source_folder: str, **fields: Any) -> Any:
    from scitacean import Dataset

    return Dataset(
        type="raw",
        name=fields.pop("name", "fairdepot transfer"),
        owner="Ponder Stibbons",
        owner_group="group1",
        access_groups=["uu"],
        contact_email="ponder@uu.am",
        creation_location="UU",
        principal_investigators=["Ponder Stibbons"],
        source_folder=source_folder,
        **fields,
    )


def _stage(
    scicat: Scicat, folder: str, path: str, data: bytes, username: str | None = "user1"
) -> httpx.Response:
    return scicat.request(
        "PUT", STAGED, username, params={"sourceFolder": folder, "path": path}, content=data
    )


def _create_dataset(scicat: Scicat, folder: str, username: str = "user1") -> dict[str, Any]:
    group = USERS[username][1]
    body = {
        "type": "raw",
        "datasetName": f"staged {uuid.uuid4().hex[:8]}",
        "owner": "Ponder",
        "ownerGroup": group,
        "contactEmail": "p@uu.am",
        "creationLocation": "UU",
        "principalInvestigators": ["Ponder"],
        "sourceFolder": folder,
        "creationTime": "2026-01-01T00:00:00Z",
    }
    created = scicat.request("POST", "/api/v4/datasets", username, json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


def _block(pid: str, files: list[dict[str, Any]], chk_alg: str = "sha256") -> dict[str, Any]:
    return {
        "datasetId": pid,
        "size": sum(f["size"] for f in files),
        "chkAlg": chk_alg,
        "dataFileList": [{"time": "2026-01-01T00:00:00Z", **f} for f in files],
    }


def _ark_of(scicat: Scicat, name: str, username: str = "user1") -> str:
    found = scicat.request("GET", "/api/search/basic", username, params={"query": name})
    assert found.status_code == 200, found.text
    [hit] = found.json()["results"]
    return str(hit["@id"])


def test_scitacean_uploads_through_fairdepot_and_downloads_byte_identical(
    scicat_server: Deployment, scicat: Scicat, tmp_path: Path
) -> None:
    from scitacean import File

    local = tmp_path / "local"
    (local / "sub").mkdir(parents=True)
    small = local / "notes.txt"
    small.write_bytes(b"hello fairdepot\n" * 100)
    nested = local / "sub" / "frame.bin"
    nested.write_bytes(bytes(range(256)) * 64)
    big = local / "big.raw"  # > 8 MiB: S3 multipart on scale-out
    big.write_bytes(os.urandom(9 * 1024 * 1024 + 123))
    tag = f"transfer{uuid.uuid4().hex[:10]}"
    folder = f"/facility/{tag}"
    client = _client(scicat_server)
    dataset = _dataset(folder, name=tag, checksum_algorithm="sha256")
    dataset.add_files(
        *(
            File.from_local(p, remote_path=p.relative_to(local).as_posix())
            for p in (small, nested, big)
        )
    )
    finished = client.upload_new_dataset_now(dataset)
    assert finished.pid is not None

    again = client.get_dataset(finished.pid)
    assert again.number_of_files == 3
    assert again.size == sum(p.stat().st_size for p in (small, nested, big))
    assert again.source_folder.posix == folder
    target = tmp_path / "download"
    downloaded = client.download_files(again, target=target, checksum_algorithm="sha256")
    for original in (small, nested, big):
        copy = target / original.name  # scitacean downloads into one folder, by file name
        assert hashlib.sha256(copy.read_bytes()).digest() == (
            hashlib.sha256(original.read_bytes()).digest()
        )
    assert len(list(downloaded.files)) == 3
    assert not list(target.rglob("*.part"))

    # nothing stays staged once linked
    listed = scicat.request("GET", STAGED, "user1", params={"sourceFolder": folder})
    assert listed.status_code == 200
    assert listed.json() == []

    # the same bytes through the FAIRSCAPE face, at the dataset's ARK
    ark = _ark_of(scicat, tag)
    for path, original in (("sub/frame.bin", nested), ("big.raw", big)):
        got = scicat.request("GET", f"/api/download/{ark}", "user1", params={"path": path})
        assert got.status_code == 200, got.text
        assert got.content == original.read_bytes()
    # and the dataset's readers only: another group's account may not read the files (the
    # SciCat route: 403, the dataset exists, as GET /datasets/{pid}); FAIRSCAPE does not say
    # that a record one may not read exists (404)
    files = f"/api/v4/fairdepot/datasets/{pid_path(str(finished.pid))}/files"
    for reader in ("user2", None):
        refused = scicat.request("GET", files, reader, params={"path": "notes.txt"})
        assert refused.status_code == 403, (reader, refused.text)
        hidden = scicat.request("GET", f"/api/download/{ark}", reader, params={"path": "big.raw"})
        assert hidden.status_code == 404, (reader, hidden.text)


def test_a_block_whose_checksum_differs_from_the_staged_file_is_400_and_nothing_written(
    scicat: Scicat,
) -> None:
    folder = f"/facility/mismatch-{uuid.uuid4().hex[:8]}"
    data = b"measured bytes\n" * 10
    staged = _stage(scicat, folder, "a.dat", data)
    assert staged.status_code == 201, staged.text
    assert staged.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert staged.json()["md5"] == hashlib.md5(data).hexdigest()
    dataset = _create_dataset(scicat, folder)
    wrong = _block(dataset["pid"], [{"path": "a.dat", "size": len(data), "chk": "0" * 64}])
    refused = scicat.request("POST", "/api/v4/origdatablocks", "user1", json=wrong)
    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert body["statusCode"] == 400
    assert body["error"] == "Bad Request"
    assert [e["location"] for e in body["errors"]] == ["dataFileList[0].chk"]
    wrong_size = _block(dataset["pid"], [{"path": "a.dat", "size": len(data) + 1}])
    refused = scicat.request("POST", "/api/v4/origdatablocks", "user1", json=wrong_size)
    assert refused.status_code == 400
    assert [e["location"] for e in refused.json()["errors"]] == ["dataFileList[0].size"]
    pid = pid_path(dataset["pid"])
    blocks = scicat.request("GET", f"/api/v3/datasets/{pid}/origdatablocks", "user1")
    assert blocks.json() == []
    stored = scicat.request("GET", f"/api/v4/datasets/{pid}", "user1").json()
    assert stored.get("numberOfFiles", 0) == 0
    # still staged, and the right checksum links it
    listed = scicat.request("GET", STAGED, "user1", params={"sourceFolder": folder}).json()
    assert [s["path"] for s in listed] == ["a.dat"]
    right = _block(
        dataset["pid"],
        [{"path": "a.dat", "size": len(data), "chk": hashlib.sha256(data).hexdigest()}],
    )
    linked = scicat.request("POST", "/api/v4/origdatablocks", "user1", json=right)
    assert linked.status_code == 201, linked.text
    got = scicat.request(
        "GET", f"/api/v4/fairdepot/datasets/{pid}/files", "user1", params={"path": "a.dat"}
    )
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["x-checksum-sha256"] == hashlib.sha256(data).hexdigest()


def test_a_block_listing_a_path_not_staged_is_400_naming_the_entry(scicat: Scicat) -> None:
    folder = f"/facility/partial-{uuid.uuid4().hex[:8]}"
    assert _stage(scicat, folder, "one.dat", b"1").status_code == 201
    dataset = _create_dataset(scicat, folder)
    block = _block(dataset["pid"], [{"path": "one.dat", "size": 1}, {"path": "two.dat", "size": 2}])
    refused = scicat.request(
        "POST", f"/api/v3/datasets/{pid_path(dataset['pid'])}/origdatablocks", "user1", json=block
    )
    assert refused.status_code == 400, refused.text
    assert [e["location"] for e in refused.json()["errors"]] == ["dataFileList[1].path"]
    assert "two.dat" in str(refused.json()["message"]) or "two.dat" in refused.text


def test_another_accounts_staged_file_is_never_linked_nor_blocks_cataloguing(
    scicat: Scicat,
) -> None:
    """What user2 staged under a folder does not count for user1's block there: it only
    catalogues (no held file), so nobody can make another account's block fail by staging."""
    folder = f"/facility/shared-{uuid.uuid4().hex[:8]}"
    assert _stage(scicat, folder, "theirs.dat", b"of user2", "user2").status_code == 201
    dataset = _create_dataset(scicat, folder)
    block = _block(dataset["pid"], [{"path": "theirs.dat", "size": 8}, {"path": "x", "size": 1}])
    catalogued = scicat.request("POST", "/api/v4/origdatablocks", "user1", json=block)
    assert catalogued.status_code == 201, catalogued.text
    files = f"/api/v4/fairdepot/datasets/{pid_path(dataset['pid'])}/files"
    held = scicat.request("GET", files, "user1", params={"path": "theirs.dat"})
    assert held.status_code == 404, held.text
    # user1 does not see user2's staging area; user2 still does
    assert scicat.request("GET", STAGED, "user1", params={"sourceFolder": folder}).json() == []
    theirs = scicat.request("GET", STAGED, "user2", params={"sourceFolder": folder}).json()
    assert [s["path"] for s in theirs] == ["theirs.dat"]
    # and user1 cannot remove it
    removed = scicat.request(
        "DELETE", STAGED, "user1", params={"sourceFolder": folder, "path": "theirs.dat"}
    )
    assert removed.status_code == 404


def test_a_published_datasets_file_of_an_unpublished_block_is_not_anonymous(
    scicat: Scicat,
) -> None:
    """A block has its own access: the bytes of its files go to those who may read it."""
    folder = f"/facility/private-block-{uuid.uuid4().hex[:8]}"
    assert _stage(scicat, folder, "secret.dat", b"secret").status_code == 201
    dataset = _create_dataset(scicat, folder)
    published = scicat.request(
        "PATCH", f"/api/v4/datasets/{pid_path(dataset['pid'])}", "user1", json={"isPublished": True}
    )
    assert published.status_code == 200, published.text
    block = {**_block(dataset["pid"], [{"path": "secret.dat", "size": 6}]), "isPublished": False}
    assert scicat.request("POST", "/api/v4/origdatablocks", "user1", json=block).status_code == 201
    files = f"/api/v4/fairdepot/datasets/{pid_path(dataset['pid'])}/files"
    anonymous = scicat.request("GET", files, None, params={"path": "secret.dat"})
    assert anonymous.status_code == 403, anonymous.text
    owner = scicat.request("GET", files, "user1", params={"path": "secret.dat"})
    assert owner.content == b"secret"


def test_an_administrator_may_link_a_file_another_account_staged(scicat: Scicat) -> None:
    folder = f"/facility/admin-{uuid.uuid4().hex[:8]}"
    assert _stage(scicat, folder, "run.dat", b"run data").status_code == 201
    dataset = _create_dataset(scicat, folder)
    block = _block(dataset["pid"], [{"path": "run.dat", "size": 8}])
    linked = scicat.request("POST", "/api/v4/origdatablocks", "admin", json=block)
    assert linked.status_code == 201, linked.text
    got = scicat.request(
        "GET",
        f"/api/v4/fairdepot/datasets/{pid_path(dataset['pid'])}/files",
        "user1",
        params={"path": "run.dat"},
    )
    assert got.content == b"run data"
    assert scicat.request("GET", STAGED, "user1", params={"sourceFolder": folder}).json() == []


def test_anonymous_staging_is_403_in_scicats_shape(scicat: Scicat) -> None:
    refused = _stage(scicat, "/facility/anon", "x.dat", b"x", None)
    assert refused.status_code == 403
    body = refused.json()
    assert body["statusCode"] == 403
    assert body["error"] == "Forbidden"
    assert body["message"]
    assert scicat.request("GET", STAGED, None).status_code == 403


def test_staged_names_that_climb_out_are_400(scicat: Scicat) -> None:
    for folder, path in (("/facility/x", "../y"), ("/facility/../x", "a"), ("/f", "/abs")):
        refused = _stage(scicat, folder, path, b"x")
        assert refused.status_code == 400, (folder, path, refused.text)
        assert refused.json()["errors"][0]["location"] in ("path", "sourceFolder")


def test_unlinked_staged_files_are_listed_replaced_and_removable_by_their_owner(
    scicat: Scicat,
) -> None:
    folder = f"/facility/unlinked-{uuid.uuid4().hex[:8]}"
    assert _stage(scicat, folder, "sub/a.dat", b"first").status_code == 201
    again = _stage(scicat, folder, "sub/a.dat", b"second version")
    assert again.status_code == 201
    listed = scicat.request("GET", STAGED, "user1", params={"sourceFolder": folder}).json()
    assert [(s["path"], s["size"]) for s in listed] == [("sub/a.dat", 14)]
    assert listed[0]["sha256"] == hashlib.sha256(b"second version").hexdigest()
    removed = scicat.request(
        "DELETE", STAGED, "user1", params={"sourceFolder": folder, "path": "sub/a.dat"}
    )
    assert removed.status_code == 200, removed.text
    assert scicat.request("GET", STAGED, "user1", params={"sourceFolder": folder}).json() == []
    gone = scicat.request(
        "DELETE", STAGED, "user1", params={"sourceFolder": folder, "path": "sub/a.dat"}
    )
    assert gone.status_code == 404


def test_a_dataset_without_staged_files_still_only_catalogues(scicat: Scicat) -> None:
    """The shared-file-system way is untouched: nothing staged, nothing linked."""
    folder = f"/facility/shared-fs-{uuid.uuid4().hex[:8]}"
    dataset = _create_dataset(scicat, folder)
    block = _block(dataset["pid"], [{"path": "on-the-facility.dat", "size": 5}])
    created = scicat.request("POST", "/api/v4/origdatablocks", "user1", json=block)
    assert created.status_code == 201, created.text
    held = scicat.request(
        "GET",
        f"/api/v4/fairdepot/datasets/{pid_path(dataset['pid'])}/files",
        "user1",
        params={"path": "on-the-facility.dat"},
    )
    assert held.status_code == 404


def test_the_transfer_reverts_what_it_staged(
    scicat_server: Deployment, scicat: Scicat, tmp_path: Path
) -> None:
    """scitacean calls `revert_upload` when creating the dataset fails after the upload."""
    from scitacean import File

    local = tmp_path / "r.dat"
    local.write_bytes(b"to be reverted")
    folder = f"/facility/revert-{uuid.uuid4().hex[:8]}"
    transfer = _transfer(scicat_server)
    dataset = _dataset(folder)
    file = File.from_local(local, remote_path="deep/r.dat")
    with transfer.connect_for_upload(dataset, file.remote_path) as connection:
        [uploaded] = connection.upload_files(file)
        assert uploaded.is_on_remote
        listed = scicat.request("GET", STAGED, "user1", params={"sourceFolder": folder}).json()
        assert [(s["path"], s["size"]) for s in listed] == [("deep/r.dat", 14)]
        connection.revert_upload(uploaded)
    assert scicat.request("GET", STAGED, "user1", params={"sourceFolder": folder}).json() == []


def test_deleting_the_block_that_linked_a_file_removes_it_from_the_dataset(
    scicat: Scicat,
) -> None:
    """A held file belongs to the dataset only while a block lists it: once its block is
    deleted it no longer downloads (its blob goes after the commit), the other block's stays."""
    folder = f"/facility/unlink-{uuid.uuid4().hex[:8]}"
    for name, data in (("kept.dat", b"kept bytes"), ("gone.dat", b"gone bytes")):
        assert _stage(scicat, folder, name, data).status_code == 201
    dataset = _create_dataset(scicat, folder)
    kept = _block(dataset["pid"], [{"path": "kept.dat", "size": 10}])
    gone = _block(dataset["pid"], [{"path": "gone.dat", "size": 10}])
    assert scicat.request("POST", "/api/v4/origdatablocks", "user1", json=kept).status_code == 201
    made = scicat.request("POST", "/api/v4/origdatablocks", "user1", json=gone)
    assert made.status_code == 201, made.text
    files = f"/api/v4/fairdepot/datasets/{pid_path(dataset['pid'])}/files"
    assert scicat.request("GET", files, "user1", params={"path": "gone.dat"}).status_code == 200

    deleted = scicat.request(
        "DELETE", f"/api/v4/origdatablocks/{made.json()['_id']}", "archivemanager"
    )
    assert deleted.status_code == 200, deleted.text

    assert scicat.request("GET", files, "user1", params={"path": "gone.dat"}).status_code == 404
    still = scicat.request("GET", files, "user1", params={"path": "kept.dat"})
    assert still.status_code == 200
    assert still.content == b"kept bytes"
    again = scicat.request("GET", f"/api/v4/datasets/{pid_path(dataset['pid'])}", "user1")
    assert again.json()["numberOfFiles"] == 1


def _download_routes(scicat: Scicat, pid: str, name: str) -> list[str]:
    """Every route that hands out a held file's bytes: the SciCat file route, and the
    FAIRSCAPE face's downloads (and inline view) at the dataset's ARK."""
    ark = _ark_of(scicat, name)
    return [
        f"/api/v4/fairdepot/datasets/{pid_path(pid)}/files",
        f"/api/download/{ark}",
        f"/api/dataset/download/{ark}",
        f"/api/view/{ark}",
    ]


def test_a_held_file_downloads_by_its_blocks_access_through_every_route(
    scicat: Scicat,
) -> None:
    """A held file's access is that of the blocks listing it: anonymous and foreign readers
    of a published dataset get a published block's file but 403 for an unpublished block's
    (it exists; they may not read it), on the SciCat route and every FAIRSCAPE download alike,
    and the dataset's listing of files names only the published block's file."""
    folder = f"/facility/two-blocks-{uuid.uuid4().hex[:8]}"
    assert _stage(scicat, folder, "secret.dat", b"s3cr3t").status_code == 201
    assert _stage(scicat, folder, "open.dat", b"open bytes").status_code == 201
    dataset = _create_dataset(scicat, folder)
    pid = dataset["pid"]
    published = scicat.request(
        "PATCH", f"/api/v4/datasets/{pid_path(pid)}", "user1", json={"isPublished": True}
    )
    assert published.status_code == 200, published.text
    hidden = {**_block(pid, [{"path": "secret.dat", "size": 6}]), "isPublished": False}
    shown = {**_block(pid, [{"path": "open.dat", "size": 10}]), "isPublished": True}
    for block in (hidden, shown):
        made = scicat.request("POST", "/api/v4/origdatablocks", "user1", json=block)
        assert made.status_code == 201, made.text

    for route in _download_routes(scicat, pid, dataset["datasetName"]):
        for reader in (None, "user2"):
            refused = scicat.request("GET", route, reader, params={"path": "secret.dat"})
            assert refused.status_code == 403, (route, reader, refused.text)
            assert b"s3cr3t" not in refused.content
            got = scicat.request("GET", route, reader, params={"path": "open.dat"})
            assert got.status_code == 200, (route, reader, got.text)
            assert got.content == b"open bytes"
            # without ?path= the one file they may read is the dataset's only file
            if not route.endswith("/files"):
                only = scicat.request("GET", route, reader)
                assert only.status_code == 200, (route, reader, only.text)
                assert only.content == b"open bytes"
        owner = scicat.request("GET", route, "user1", params={"path": "secret.dat"})
        assert owner.status_code == 200, (route, owner.text)
        assert owner.content == b"s3cr3t"

    ark = _ark_of(scicat, dataset["datasetName"])
    for reader in (None, "user2", "user1"):
        resolved = scicat.request("GET", f"/{ark}", reader)
        assert resolved.status_code == 200, resolved.text
        assert "secret.dat" not in resolved.text
        assert resolved.json()["distribution"]["location"] == {"path": "open.dat"}


def test_a_derived_dataset_uploads_its_own_files_through_fairdepot(
    scicat_server: Deployment, tmp_path: Path
) -> None:
    """The notebook's `derive()` with files of its own, through our transfer: the derived
    dataset names its input, holds only its files, and they download byte-identical."""
    from scitacean import File

    local = tmp_path / "local"
    local.mkdir()
    raw_file, result = local / "raw.dat", local / "result.h5"
    raw_file.write_bytes(os.urandom(4096))
    result.write_bytes(os.urandom(70_000))
    tag = f"derive{uuid.uuid4().hex[:10]}"
    client = _client(scicat_server)
    raw = _dataset(f"/facility/{tag}/raw", name=tag, checksum_algorithm="sha256")
    raw.add_files(File.from_local(raw_file, remote_path="raw.dat"))
    uploaded = client.upload_new_dataset_now(raw)

    derived = uploaded.derive()
    derived.name = f"{tag} derived"
    derived.owner_group = "group1"
    derived.used_software = ["reduce 2.1"]
    derived.source_folder = f"/facility/{tag}/derived"
    derived.checksum_algorithm = "sha256"
    derived.add_files(File.from_local(result, remote_path="result.h5"))
    finished = client.upload_new_dataset_now(derived)

    again = client.get_dataset(finished.pid)
    assert str(again.type) == "derived"
    assert [str(p) for p in again.input_datasets or []] == [str(uploaded.pid)]
    assert [f.remote_path.posix for f in again.files] == ["result.h5"]
    assert again.size == result.stat().st_size
    target = tmp_path / "download"
    client.download_files(again, target=target, checksum_algorithm="sha256")
    assert (target / "result.h5").read_bytes() == result.read_bytes()
