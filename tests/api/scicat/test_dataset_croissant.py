"""A SciCat dataset's ARK as Croissant: the resolver answers the Croissant media type with a
document mlcroissant loads offline; its files are the held files every reader may download
(absolute links on this host, checksums as stored) and the facility's files with a sha256 or
md5, named under the dataset's sourceFolder; `/api/rocrate/{ark}` points at the resolver; a
record with no Croissant view (an origdatablock) is a 406 that lists what it does have.
"""

from __future__ import annotations

import hashlib
import socket
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks.scicat_files import ORIGDATABLOCK
from fairdepot.core.metadata.croissant import CROISSANT_MEDIA_TYPE
from fairdepot.services.runtime import Runtime
from tests.support.deployments import Deployment
from tests.support.scicat import USERS, Scicat, pid_path

STAGED = "/api/v4/fairdepot/staged-files"
OTHER_OFFERS = [
    "application/json",
    "application/ld+json",
    "text/turtle",
    "application/rdf+xml",
    "application/n-triples",
]


def _loaded(document: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """mlcroissant's Dataset for the document, every socket connection refused (a
    ValidationError, any error of the document, fails the test)."""
    import mlcroissant as mlc

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network access attempted during an offline check")

    with monkeypatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        return mlc.Dataset(jsonld=document)


def _croissant(scicat: Scicat, ark: str, username: str | None = "user1") -> httpx.Response:
    return scicat.request("GET", f"/{ark}", username, headers={"Accept": CROISSANT_MEDIA_TYPE})


def _ark_of(scicat: Scicat, name: str) -> str:
    found = scicat.request("GET", "/api/search/basic", "user1", params={"query": name})
    assert found.status_code == 200, found.text
    [hit] = found.json()["results"]
    return str(hit["@id"])


def _create(scicat: Scicat, folder: str, **fields: Any) -> dict[str, Any]:
    body = {
        "type": "raw",
        "datasetName": f"croissant {uuid.uuid4().hex[:10]}",
        "owner": "Ponder Stibbons",
        "ownerGroup": "group1",
        "contactEmail": "ponder@uu.am",
        "creationLocation": "UU",
        "principalInvestigators": ["Mustrum Ridcully"],
        "sourceFolder": folder,
        "creationTime": "2026-01-01T00:00:00Z",
        "license": "CC-BY-4.0",
        **fields,
    }
    created = scicat.request("POST", "/api/v4/datasets", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


def _block(pid: str, chk_alg: str | None, *files: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "datasetId": pid,
        "size": sum(f["size"] for f in files),
        "dataFileList": [{"time": "2026-01-01T00:00:00Z", **f} for f in files],
        **fields,
    }
    if chk_alg is not None:
        body["chkAlg"] = chk_alg
    return body


def _post_block(scicat: Scicat, body: dict[str, Any]) -> None:
    made = scicat.request("POST", "/api/v4/origdatablocks", json=body)
    assert made.status_code == 201, made.text


def test_a_dataset_uploaded_by_scitacean_is_croissant_of_its_held_files(
    scicat_server: Deployment, scicat: Scicat, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scitacean import Client, Dataset, File

    from fairdepot.client.scitacean_transfer import FairdepotFileTransfer

    local = tmp_path / "local"
    (local / "sub").mkdir(parents=True)
    contents = {"notes.txt": b"hello croissant\n" * 50, "sub/frame.h5": bytes(range(256)) * 40}
    for path, data in contents.items():
        (local / path).write_bytes(data)
    tag = f"croissant{uuid.uuid4().hex[:10]}"
    api = f"{scicat_server.base_url}/api"
    password = USERS["user1"][0]
    client = Client.from_credentials(
        url=api,
        username="user1",
        password=password,
        file_transfer=FairdepotFileTransfer(api, username="user1", password=password),
        allow_http=True,
    )
    dataset = Dataset(
        type="raw",
        name=tag,
        owner="Ponder Stibbons",
        owner_group="group1",
        access_groups=["uu"],
        contact_email="ponder@uu.am",
        creation_location="UU",
        principal_investigators=["Ponder Stibbons"],
        source_folder=f"/facility/{tag}",
        license="CC-BY-4.0",
        keywords=["neutron", "croissant"],
        checksum_algorithm="sha256",
    )
    dataset.add_files(*(File.from_local(local / p, remote_path=p) for p in contents))
    client.upload_new_dataset_now(dataset)
    ark = _ark_of(scicat, tag)

    got = _croissant(scicat, ark)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith(CROISSANT_MEDIA_TYPE)
    assert got.headers["vary"] == "Accept"
    document = got.json()
    loaded = _loaded(document, monkeypatch)
    assert loaded.metadata.issues.errors == set()
    assert len(loaded.metadata.file_objects) == 2
    assert document["name"] == tag
    assert document["license"] == "CC-BY-4.0"
    assert document["keywords"] == ["neutron", "croissant"]
    assert [c["name"] for c in document["creator"]] == ["Ponder Stibbons"]
    assert "recordSet" not in document
    files = {fo["name"]: fo for fo in document["distribution"]}
    assert set(files) == set(contents)
    assert files["sub/frame.h5"]["encodingFormat"] == "application/x-hdf5"
    for path, data in contents.items():
        described = files[path]
        assert described["contentUrl"].startswith(f"{scicat.base_url}/api/download/{ark}?")
        assert described["sha256"] == hashlib.sha256(data).hexdigest()
        assert described["md5"] == hashlib.md5(data).hexdigest()
        assert described["contentSize"] == f"{len(data)} B"
        download = scicat.http.get(described["contentUrl"], headers=scicat.auth("user1"))
        assert download.status_code == 200, download.text
        assert download.content == data

    # a strong ETag: a revalidation is a 304, and the bytes are the same the next time
    etag = got.headers["etag"]
    assert etag.startswith('"'), etag
    again = scicat.request(
        "GET",
        f"/{ark}",
        headers={"Accept": CROISSANT_MEDIA_TYPE, "If-None-Match": etag},
    )
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    assert _croissant(scicat, ark).content == got.content
    # a wildcard still gets the FAIRSCAPE wrapper: Croissant is only served when asked for
    wildcard = scicat.request("GET", f"/{ark}", headers={"Accept": "*/*"})
    assert wildcard.headers["content-type"].startswith("application/json")


def test_the_facilitys_files_are_named_under_the_source_folder(
    scicat: Scicat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files only on the facility's file system (nothing staged): a FileObject each where
    the block gives a sha256 or md5, whose contentUrl is its path under sourceFolder; the
    others (another algorithm, no checksum) are left out, as mlcroissant requires."""
    folder = f"/facility/shared-fs-{uuid.uuid4().hex[:8]}"
    dataset = _create(scicat, folder)
    pid = dataset["pid"]
    _post_block(
        scicat,
        _block(pid, "SHA-256", {"path": "raw/run.nxs", "size": 10, "chk": "a" * 64}),
    )
    _post_block(scicat, _block(pid, "md5", {"path": "log.txt", "size": 3, "chk": "b" * 32}))
    _post_block(scicat, _block(pid, "blake2b", {"path": "other.nxs", "size": 4, "chk": "cd"}))
    _post_block(scicat, _block(pid, None, {"path": "bare.nxs", "size": 5}))
    ark = _ark_of(scicat, dataset["datasetName"])

    got = _croissant(scicat, ark)
    assert got.status_code == 200, got.text
    document = got.json()
    assert _loaded(document, monkeypatch).metadata.issues.errors == set()
    files = {fo["name"]: fo for fo in document["distribution"]}
    assert set(files) == {"raw/run.nxs", "log.txt"}
    assert files["raw/run.nxs"]["contentUrl"] == f"{folder}/raw/run.nxs"
    assert files["raw/run.nxs"]["sha256"] == "a" * 64
    assert files["raw/run.nxs"]["contentSize"] == "10 B"
    assert (files["log.txt"]["contentUrl"], files["log.txt"]["md5"]) == (
        f"{folder}/log.txt",
        "b" * 32,
    )


def test_anonymous_readers_do_not_see_an_unpublished_blocks_file(
    scicat: Scicat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A published dataset with a published and an unpublished block, each linking a held
    file: the Croissant every reader gets (anonymous, another group, the owner) names only
    the published block's file, as the resolver's `distribution` does."""
    folder = f"/facility/two-blocks-{uuid.uuid4().hex[:8]}"
    contents = {"secret.dat": b"s3cr3t", "open.dat": b"open bytes"}
    for path, data in contents.items():
        staged = scicat.request(
            "PUT", STAGED, params={"sourceFolder": folder, "path": path}, content=data
        )
        assert staged.status_code == 201, staged.text
    dataset = _create(scicat, folder)
    pid = dataset["pid"]
    published = scicat.request(
        "PATCH", f"/api/v4/datasets/{pid_path(pid)}", json={"isPublished": True}
    )
    assert published.status_code == 200, published.text
    for path, shown in (("secret.dat", False), ("open.dat", True)):
        size = len(contents[path])
        _post_block(scicat, _block(pid, "sha256", {"path": path, "size": size}, isPublished=shown))
    ark = _ark_of(scicat, dataset["datasetName"])

    for reader in (None, "user2", "user1"):
        got = _croissant(scicat, ark, reader)
        assert got.status_code == 200, (reader, got.text)
        assert "secret" not in got.text, reader
        document = got.json()
        assert _loaded(document, monkeypatch).metadata.issues.errors == set()
        [described] = document["distribution"]
        assert described["name"] == "open.dat"
        assert described["sha256"] == hashlib.sha256(b"open bytes").hexdigest()
        download = scicat.http.get(described["contentUrl"])
        assert download.status_code == 200, download.text
        assert download.content == b"open bytes"


def test_the_rocrate_route_points_a_croissant_client_at_the_resolver(scicat: Scicat) -> None:
    dataset = _create(scicat, f"/facility/{uuid.uuid4().hex[:8]}")
    ark = _ark_of(scicat, dataset["datasetName"])
    refused = scicat.request("GET", f"/api/rocrate/{ark}", headers={"Accept": CROISSANT_MEDIA_TYPE})
    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    body = refused.json()
    resolver = f"{scicat.base_url}/api/{ark}"
    assert body["resolver"] == resolver
    assert resolver in body["detail"]
    assert CROISSANT_MEDIA_TYPE in body["detail"]
    assert refused.headers["link"] == (
        f'<{resolver}>; rel="alternate"; type="{CROISSANT_MEDIA_TYPE}"'
    )
    followed = scicat.http.get(
        body["resolver"], headers={**scicat.auth("user1"), "Accept": CROISSANT_MEDIA_TYPE}
    )
    assert followed.status_code == 200, followed.text
    assert followed.json()["name"] == dataset["datasetName"].replace(" ", "_")
    # the route is the crate's: other representations of a dataset stay refused as before
    json_ld = scicat.request(
        "GET", f"/api/rocrate/{ark}", headers={"Accept": "application/ld+json"}
    )
    assert json_ld.status_code == 400
    assert "not an RO-Crate" in json_ld.json()["detail"]


def test_an_origdatablock_has_no_croissant_view_and_says_what_it_has(
    scicat: Scicat, runtime: Runtime
) -> None:
    dataset = _create(scicat, f"/facility/{uuid.uuid4().hex[:8]}")
    _post_block(
        scicat, _block(dataset["pid"], "md5", {"path": "a.dat", "size": 1, "chk": "1" * 32})
    )
    ark = _ark_of(scicat, dataset["datasetName"])
    with runtime.reading() as store:
        row = store.row_by_key(arks.normalise(ark))
        assert row is not None
        [block] = [m.ark for m in store.members(row) if m.kind == ORIGDATABLOCK]
    refused = _croissant(scicat, block)
    assert refused.status_code == 406, refused.text
    assert refused.json()["available"] == OTHER_OFFERS
    assert "no Croissant view" in refused.json()["detail"]
    assert refused.headers["vary"] == "Accept"
    # what it does have is served
    assert scicat.request("GET", f"/{block}", headers={"Accept": "text/turtle"}).status_code == 200
