"""scitacean 26.10 end to end against our server, shared-file-system style: a real
`scitacean.Client` with `CopyFileTransfer` uploads a dataset with files (the server records
`sourceFolder` and the file list as an origdatablock), reads it back with its blocks and
attachments, and downloads the files byte-identical with their checksums verified.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

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
