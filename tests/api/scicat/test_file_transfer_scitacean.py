"""scitacean 26.10 end to end against our server, shared-file-system style: a real
`scitacean.Client` with `CopyFileTransfer` uploads a dataset with files (the server records
`sourceFolder` and the file list as an origdatablock), reads it back with its blocks and
attachments, and downloads the files byte-identical with their checksums verified.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.support.deployments import Deployment
from tests.support.scicat import USERS


def test_scitacean_uploads_with_copy_transfer_and_downloads_byte_identical(
    scicat_server: Deployment, tmp_path: Path
) -> None:
    from scitacean import Attachment, Client, Dataset, Thumbnail
    from scitacean.transfer.copy import CopyFileTransfer

    local = tmp_path / "local"
    (local / "sub").mkdir(parents=True)
    (local / "file1.txt").write_bytes(b"hello scicat\n" * 50)
    (local / "sub" / "song.mp3").write_bytes(bytes(range(256)) * 40)
    server_root = tmp_path / "fileserver"
    server_root.mkdir()
    client = Client.from_credentials(
        url=f"{scicat_server.base_url}/api",
        username="user1",
        password=USERS["user1"][0],
        file_transfer=CopyFileTransfer(
            source_folder=str(server_root / "{owner_group}" / "copy-transfer")
        ),
        allow_http=True,
    )
    dataset = Dataset(
        type="raw",
        name="scitacean copy transfer",
        owner="Ponder Stibbons",
        owner_group="group1",
        access_groups=["uu"],
        contact_email="ponder@uu.am",
        creation_location="UU",
        principal_investigators=["Ponder Stibbons"],
        source_folder="ignored/by/transfer",
        checksum_algorithm="sha256",
    )
    dataset.add_local_files(local / "file1.txt", local / "sub" / "song.mp3")
    dataset.attachments.append(
        Attachment(
            caption="preview",
            owner_group="group1",
            thumbnail=Thumbnail(mime="image/png", data=b"\x89PNG"),
        )
    )
    finished = client.upload_new_dataset_now(dataset)
    assert finished.pid is not None
    again = client.get_dataset(finished.pid, attachments=True)
    assert again.number_of_files == 2
    assert (
        again.size
        == (local / "file1.txt").stat().st_size + (local / "sub" / "song.mp3").stat().st_size
    )
    assert [a.caption for a in again.attachments or []] == ["preview"]
    target = tmp_path / "download"
    # a download reads the dataset's own sourceFolder, as the server recorded it (scitacean
    # 26.10 draws a transfer pattern's `{uid}` anew at each use: the files and the dataset's
    # sourceFolder got different ones, so the upload uses a fixed pattern)
    reader = Client.from_credentials(
        url=f"{scicat_server.base_url}/api",
        username="user1",
        password=USERS["user1"][0],
        file_transfer=CopyFileTransfer(),
        allow_http=True,
    )
    downloaded = reader.download_files(again, target=target, checksum_algorithm="sha256")
    for name in ("file1.txt", "sub/song.mp3"):
        original = (local / name).read_bytes()
        copy = next(target.rglob(Path(name).name)).read_bytes()
        assert hashlib.sha256(copy).digest() == hashlib.sha256(original).digest()
    assert len(list(downloaded.files)) == 2


def test_scitacean_from_token_derives_and_reads_published_data_without_login(
    scicat_server: Deployment, tmp_path: Path
) -> None:
    """The notebook's other steps on 26.10: a client from a token, `derive()` for a derived
    dataset (its input is the raw one), and `without_login` reading a published dataset
    (26.10 reads `datasets/public/{pid}` when anonymous)."""
    import httpx
    from scitacean import Client, Dataset, ScicatCommError

    login = httpx.post(
        f"{scicat_server.base_url}/api/v3/auth/login",
        json={"username": "user1", "password": USERS["user1"][0]},
        timeout=60,
    )
    assert login.status_code == 201, login.text
    client = Client.from_token(
        url=f"{scicat_server.base_url}/api", token=login.json()["id"], allow_http=True
    )
    raw = Dataset(
        type="raw",
        name="scitacean token raw",
        owner="Ponder Stibbons",
        owner_group="group1",
        access_groups=["uu"],
        contact_email="ponder@uu.am",
        creation_location="UU",
        principal_investigators=["Ponder Stibbons"],
        source_folder="/facility/token/raw",
        is_published=True,
    )
    uploaded = client.upload_new_dataset_now(raw)
    assert uploaded.pid is not None
    derived = uploaded.derive()
    derived.name = "scitacean token derived"
    derived.owner_group = "group1"
    derived.used_software = ["analysis 1.0"]
    derived.source_folder = "/facility/token/derived"
    derived_up = client.upload_new_dataset_now(derived)
    assert str(derived_up.type) == "derived"
    assert [str(p) for p in derived_up.input_datasets or []] == [str(uploaded.pid)]
    assert derived_up.used_software == ["analysis 1.0"]
    # what the server stored, read back by another client of the same token
    stored = client.get_dataset(derived_up.pid)
    assert [str(p) for p in stored.input_datasets or []] == [str(uploaded.pid)]
    assert stored.used_software == ["analysis 1.0"]
    assert stored.name == "scitacean token derived"

    anonymous = Client.without_login(url=f"{scicat_server.base_url}/api", allow_http=True)
    public = anonymous.get_dataset(uploaded.pid)
    assert public.name == "scitacean token raw"
    assert public.is_published is True
    # the derived dataset is not published: nobody without an account reads it
    with pytest.raises(ScicatCommError):
        anonymous.get_dataset(derived_up.pid)
