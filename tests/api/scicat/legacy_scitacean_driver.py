"""The scitacean notebook flow (spec: scitacean-uploading-datasets.txt) with scitacean 26.2.

Run by the legacy virtual environment's interpreter (tests/support/legacy_scitacean.py), not
by pytest: 26.2 cannot be imported beside 26.10. It talks v3 (`{url}/api/v3`, the nested
`datasets/{pid}/origdatablocks` and `datasets/{pid}/attachments` routes, login at
`api/v3/auth/login`) and prints one JSON object of what it saw, which the test asserts on.

Usage: python legacy_scitacean_driver.py '{"url": ..., "username": ..., "password": ...,
"work": <folder>}'
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(url: str, username: str, password: str, work: Path) -> dict[str, Any]:
    import scitacean
    from scitacean import Attachment, Client, Dataset, Thumbnail
    from scitacean.transfer.copy import CopyFileTransfer

    data = work / "data"
    (data / "sub").mkdir(parents=True)
    (data / "witchcraft.dat").write_text("7.9 13 666")
    (data / "sub" / "broom.bin").write_bytes(bytes(range(256)) * 16)
    logo = work / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    file_server = work / "fileserver"
    file_server.mkdir()

    client = Client.from_credentials(
        url=url,
        username=username,
        password=password,
        file_transfer=CopyFileTransfer(source_folder=str(file_server / "{owner_group}")),
    )
    dset = Dataset(
        name="Spellpower of the Three Witches",
        description="The spellpower of the maiden, mother, and crone.",
        type="raw",
        owner_group="group1",
        access_groups=["witches"],
        owner="Nanny Ogg",
        principal_investigator="Esme Weatherwax",
        contact_email="nogg@wyrd.lancre",
        creation_location="lancre/whichhut",
        data_format="space-separated",
        source_folder="/somewhere/on/remote",
        checksum_algorithm="sha256",
        is_published=True,
    )
    # 26.2 has no base_path: files land flat in the source folder
    dset.add_local_files(data / "witchcraft.dat", data / "sub" / "broom.bin")
    dset.attachments.append(
        Attachment(
            caption="Scitacean logo",
            owner_group="group1",
            thumbnail=Thumbnail.load_file(logo),
        )
    )
    finalized = client.upload_new_dataset_now(dset)
    pid = str(finalized.pid)

    downloaded = client.get_dataset(finalized.pid, attachments=True)
    target = work / "download"
    reader = Client.from_credentials(
        url=url, username=username, password=password, file_transfer=CopyFileTransfer()
    )
    with_files = reader.download_files(downloaded, target=target, checksum_algorithm="sha256")

    derived = finalized.derive()
    derived.name = "Spellpower, averaged"
    derived.owner_group = "group1"
    derived.access_groups = ["witches"]
    derived.investigator = "Esme Weatherwax"
    derived.contact_email = "nogg@wyrd.lancre"
    derived.source_folder = "/somewhere/derived"
    (data / "mean.dat").write_text("229")
    derived.add_local_files(data / "mean.dat")
    derived_done = client.upload_new_dataset_now(derived)

    anonymous = Client.without_login(url=url).get_dataset(finalized.pid, attachments=True)
    return {
        "scitacean": scitacean.__version__,
        "pid": pid,
        "source_folder": finalized.source_folder.posix if finalized.source_folder else None,
        "got": {
            "name": downloaded.name,
            "type": str(downloaded.type),
            "size": downloaded.size,
            "number_of_files": downloaded.number_of_files,
            "files": sorted(f.remote_path.posix for f in downloaded.files),
            "attachments": [
                {"caption": a.caption, "mime": a.thumbnail.mime if a.thumbnail else None}
                for a in downloaded.attachments or []
            ],
            "thumbnail_bytes_equal": bool(downloaded.attachments)
            and downloaded.attachments[0].thumbnail.decoded_data() == logo.read_bytes(),
        },
        "download": {
            f.remote_path.posix: sha256(f.local_path) for f in with_files.files if f.local_path
        },
        "originals": {
            "witchcraft.dat": sha256(data / "witchcraft.dat"),
            "broom.bin": sha256(data / "sub" / "broom.bin"),
        },
        "derived": {
            "pid": str(derived_done.pid),
            "type": str(derived_done.type),
            "input_datasets": [str(p) for p in derived_done.input_datasets],
            "number_of_files": derived_done.number_of_files,
        },
        "anonymous": {
            "name": anonymous.name,
            "is_published": anonymous.is_published,
            "attachments": len(anonymous.attachments or []),
        },
    }


def main() -> None:
    args = json.loads(sys.argv[1])
    result = run(args["url"], args["username"], args["password"], Path(args["work"]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
