"""Downloads whose bytes cannot be read answer an error status, never a 200 cut short."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from fairdepot.services.crates.ingest import member_blob_key
from tests.support.blobs import blob_keys, delete_blob
from tests.support.zips import ROOT, crate_metadata, crate_zip


def _server_logs(server) -> list[str]:
    return [s.log_path.read_text(errors="replace") for s in server.servers]


def test_a_record_whose_blob_is_missing_answers_a_json_error_naming_record_and_file(
    api, server, tmp_path: Path
) -> None:
    entities = [{"@id": f"data/{n}.bin", "@type": "File", "name": n} for n in ("kept", "lost")]
    zip_path = crate_zip(
        tmp_path / "missing.zip",
        crate_metadata(*entities, root={**ROOT, "name": "missing blob"}),
        {e["@id"]: os.urandom(2048) for e in entities},
    )
    job = api.ingest(zip_path)
    assert job["status"] == "COMPLETE", job
    graph = api.http.get(f"/rocrate/{job['rocrateIdentifier']}").json()["@graph"]
    lost_ark = next(e["@id"] for e in graph if e.get("name") == "lost")
    lost_name = member_blob_key("", "data/lost.bin")  # keys are hashes of the member's path
    lost_key = next(k for k in blob_keys(server) if job["guid"] in k and k.endswith(lost_name))
    zip_key = f"uploads/{job['guid']}.zip"
    logs_before = _server_logs(server)
    delete_blob(server, lost_key)
    delete_blob(server, zip_key)
    auth = api.auth("alice")

    for path, names in (
        (f"/download/{lost_ark}", ["data/lost.bin", lost_ark]),
        (f"/dataset/download/{lost_ark}", ["data/lost.bin", lost_ark]),
        (f"/view/{lost_ark}", ["data/lost.bin", lost_ark]),
        (f"/rocrate/download/{job['rocrateIdentifier']}", ["zip", job["rocrateIdentifier"]]),
    ):
        response = httpx.get(f"{api.url}{path}", headers=auth, timeout=30)
        assert response.status_code == 500, (path, response.status_code, response.text[:200])
        assert response.headers["content-type"].startswith("application/problem+json"), path
        body = response.json()
        for name in names:
            assert name in body["detail"], (path, body)
        assert "missing" in body["detail"], body
        assert lost_key not in response.text
        assert zip_key not in response.text

    logs = "".join(
        now[len(before) :] for now, before in zip(_server_logs(server), logs_before, strict=True)
    )
    assert f"blob {lost_key} is missing" in logs
    assert f"zip archive: blob {lost_key} is missing" in logs  # the zip is built from files
    assert "Traceback" not in logs
