"""A crate's bytes are stored once; its zip is built from them, the same bytes every time."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from pathlib import Path

from tests.support.blobs import blob_sizes
from tests.support.zips import ROOT, crate_metadata

FILES = {
    "data/big.bin": os.urandom(3 * 1024 * 1024),
    **{f"data/small/{n:03}.txt": os.urandom(n * 37 + 1) for n in range(60)},
}


def _upload_zip(path: Path) -> Path:
    """A crate in a top-level folder, with folder entries, members out of alphabetical order."""
    entities = [{"@id": p, "@type": "File", "name": p} for p in FILES]
    metadata = json.dumps(crate_metadata(*entities, root={**ROOT, "name": "stored once"}))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("crate/", b"")
        archive.writestr("crate/data/", b"")
        for name in sorted(FILES, reverse=True):
            archive.writestr(f"crate/{name}", FILES[name])
        archive.writestr("crate/ro-crate-metadata.json", metadata)
    return path


def _eventually_gone(server, key: str) -> dict[str, int]:
    for _ in range(100):
        sizes = blob_sizes(server)
        if key not in sizes:
            return sizes
        time.sleep(0.1)
    raise AssertionError(f"{key} is still in the store")


def test_a_crate_is_stored_once_and_its_upload_deleted_once_complete(api, server, tmp_path) -> None:
    upload = _upload_zip(tmp_path / "once.zip")
    with zipfile.ZipFile(upload) as archive:
        content = sum(info.file_size for info in archive.infolist())
    job = api.ingest(upload)
    assert job["status"] == "COMPLETE", job

    sizes = _eventually_gone(server, f"uploads/{job['guid']}.zip")
    stored = sum(size for key, size in sizes.items() if job["guid"] in key)
    assert stored <= 1.05 * content, (stored, content)
    assert stored >= sum(len(b) for b in FILES.values())


def test_the_crate_zip_has_the_uploaded_members_in_order_with_the_catalogue_metadata(
    api, tmp_path
) -> None:
    upload = _upload_zip(tmp_path / "layout.zip")
    job = api.ingest(upload)
    crate = job["rocrateIdentifier"]
    auth = api.auth("alice")

    first = api.http.get(f"/rocrate/download/{crate}", headers=auth)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/zip"
    assert int(first.headers["content-length"]) == len(first.content)
    with zipfile.ZipFile(upload) as original, zipfile.ZipFile(io.BytesIO(first.content)) as built:
        assert built.namelist() == original.namelist()
        assert built.testzip() is None
        for info in built.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
        for name in FILES:
            assert built.read(f"crate/{name}") == FILES[name]
        metadata = json.loads(built.read("crate/ro-crate-metadata.json"))
    assert metadata == api.http.get(f"/rocrate/{crate}").json()

    again = api.http.get(f"/rocrate/download/{crate}", headers=auth)
    assert again.content == first.content  # the same crate gives the same bytes
    assert again.headers["etag"] == first.headers["etag"]
    also = api.http.get(f"/download/{crate}", headers=auth)
    assert also.content == first.content


def test_head_and_ranges_resume_a_crate_download(api, tmp_path) -> None:
    job = api.ingest(_upload_zip(tmp_path / "ranges.zip"))
    url = f"/rocrate/download/{job['rocrateIdentifier']}"
    auth = api.auth("alice")
    whole = api.http.get(url, headers=auth)
    size = len(whole.content)
    etag = whole.headers["etag"]

    head = api.http.head(url, headers=auth)
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == size
    assert head.headers["accept-ranges"] == "bytes"
    assert head.headers["etag"] == etag

    cut = size // 3
    parts = []
    for wanted in (f"bytes=0-{cut - 1}", f"bytes={cut}-"):
        part = api.http.get(url, headers={**auth, "Range": wanted, "If-Range": etag})
        assert part.status_code == 206, part.text
        parts.append(part.content)
    assert parts[1]
    assert parts[0] + parts[1] == whole.content
    assert part.headers["content-range"] == f"bytes {cut}-{size - 1}/{size}"

    tail = api.http.get(url, headers={**auth, "Range": "bytes=-100"})
    assert (tail.status_code, tail.content) == (206, whole.content[-100:])
    stale = api.http.get(url, headers={**auth, "Range": "bytes=0-9", "If-Range": '"other"'})
    assert (stale.status_code, stale.content) == (200, whole.content)
    beyond = api.http.get(url, headers={**auth, "Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"
