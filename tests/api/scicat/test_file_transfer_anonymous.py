"""Files through fairdepot without an account: scitacean 26.10's `Client.without_login` with
an anonymous `FairdepotFileTransfer(url)` downloads a published dataset's held files
(streamed, checksums compared), gets a clear 403 for an unpublished one (no hang, nothing left
behind), and uploading without an account is refused before any file is staged or any dataset
created.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.support.deployments import Deployment
from tests.support.scicat import USERS, Scicat

TIMEOUT = 20.0


def _api(server: Deployment) -> str:
    return f"{server.base_url}/api"


def _anonymous_transfer(server: Deployment) -> Any:
    from fairdepot.client.scitacean_transfer import FairdepotFileTransfer

    return FairdepotFileTransfer(_api(server), timeout=TIMEOUT)


def _owner_client(server: Deployment) -> Any:
    from scitacean import Client

    from fairdepot.client.scitacean_transfer import FairdepotFileTransfer

    transfer = FairdepotFileTransfer(
        _api(server), username="user1", password=USERS["user1"][0], timeout=TIMEOUT
    )
    return Client.from_credentials(
        url=_api(server),
        username="user1",
        password=USERS["user1"][0],
        file_transfer=transfer,
        allow_http=True,
    )


def _anonymous_client(server: Deployment) -> Any:
    from scitacean import Client

    return Client.without_login(
        url=_api(server), file_transfer=_anonymous_transfer(server), allow_http=True
    )


def _dataset_with_files(local: Path, tag: str, *, published: bool) -> Any:
    from scitacean import Dataset, File

    local.mkdir(parents=True)
    (local / "notes.txt").write_bytes(b"anyone may read this\n" * 200)
    (local / "frame.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 17))  # several chunks
    dataset = Dataset(
        type="raw",
        name=tag,
        owner="Ponder Stibbons",
        owner_group="group1",
        access_groups=[],
        contact_email="ponder@uu.am",
        creation_location="UU",
        principal_investigators=["Ponder Stibbons"],
        source_folder=f"/facility/{tag}",
        checksum_algorithm="sha256",
        is_published=published,
    )
    dataset.add_files(
        *(File.from_local(local / n, remote_path=n) for n in ("notes.txt", "frame.bin"))
    )
    return dataset


def _tag(kind: str) -> str:
    return f"anon-{kind}-{uuid.uuid4().hex[:10]}"


def test_without_login_downloads_a_published_datasets_files_byte_identical(
    scicat_server: Deployment, tmp_path: Path
) -> None:
    tag = _tag("published")
    local = tmp_path / "local"
    uploaded = _owner_client(scicat_server).upload_new_dataset_now(
        _dataset_with_files(local, tag, published=True)
    )
    anonymous = _anonymous_client(scicat_server)
    public = anonymous.get_dataset(uploaded.pid)
    assert public.is_published is True
    assert sorted(f.remote_path.posix for f in public.files) == ["frame.bin", "notes.txt"]
    target = tmp_path / "download"
    downloaded = anonymous.download_files(public, target=target, checksum_algorithm="sha256")
    for name in ("notes.txt", "frame.bin"):
        assert hashlib.sha256((target / name).read_bytes()).digest() == (
            hashlib.sha256((local / name).read_bytes()).digest()
        )
    assert {f.local_path.name for f in downloaded.files if f.local_path} == {
        "notes.txt",
        "frame.bin",
    }
    assert not list(target.rglob("*.part"))


def test_without_login_an_unpublished_datasets_files_are_a_clear_403(
    scicat_server: Deployment, tmp_path: Path
) -> None:
    from scitacean import ScicatCommError
    from scitacean.error import FileNotAccessibleError

    tag = _tag("private")
    owner = _owner_client(scicat_server)
    uploaded = owner.upload_new_dataset_now(
        _dataset_with_files(tmp_path / "local", tag, published=False)
    )
    anonymous = _anonymous_client(scicat_server)
    with pytest.raises(ScicatCommError):  # SciCat's public route does not show it
        anonymous.get_dataset(uploaded.pid)
    # the owner's copy of the dataset, handed to an anonymous transfer: the server says no
    dataset = owner.get_dataset(uploaded.pid)
    target = tmp_path / "download"
    started = time.monotonic()
    with pytest.raises(FileNotAccessibleError) as refused:
        anonymous.download_files(dataset, target=target, checksum_algorithm="sha256")
    assert time.monotonic() - started < TIMEOUT
    assert "403" in str(refused.value)
    assert "published" in str(refused.value)
    assert [p for p in target.rglob("*") if p.is_file()] == []


def test_uploading_without_an_account_is_refused_before_anything_is_stored(
    scicat_server: Deployment, scicat: Scicat, tmp_path: Path
) -> None:
    from scitacean import Client, ScicatCommError
    from scitacean.error import FileUploadError

    tag = _tag("upload")
    # a logged-in client whose transfer has no account: refused before a byte is sent
    client = Client.from_credentials(
        url=_api(scicat_server),
        username="user1",
        password=USERS["user1"][0],
        file_transfer=_anonymous_transfer(scicat_server),
        allow_http=True,
    )
    with pytest.raises(FileUploadError, match="needs an account"):
        client.upload_new_dataset_now(_dataset_with_files(tmp_path / "a", tag, published=True))
    # scitacean without a login at all: the server refuses (403), before files move
    with pytest.raises((ScicatCommError, FileUploadError)):
        _anonymous_client(scicat_server).upload_new_dataset_now(
            _dataset_with_files(tmp_path / "b", tag, published=True)
        )
    staged = scicat.request(
        "GET",
        "/api/v4/fairdepot/staged-files",
        "user1",
        params={"sourceFolder": f"/facility/{tag}"},
    )
    assert staged.status_code == 200, staged.text
    assert staged.json() == []
    found = scicat.request(
        "GET",
        "/api/v4/datasets/count",
        "admin",
        params={"filter": f'{{"where": {{"datasetName": "{tag}"}}}}'},
    )
    assert found.status_code == 200, found.text
    assert found.json() == {"count": 0}
