"""Every malformed request gets a 4xx with a JSON body saying what is wrong and where.

Problems visible without reading the content (not a zip, unsafe members, bombs) are refused at
upload; problems in the content (metadata, missing files) end the job as FAILED, and a failed
job leaves no records and no blobs behind.
"""

from __future__ import annotations

import json
import time

import jwt
import pytest

from tests.support.zips import bomb_zip, crate_metadata, crate_zip, symlink_zip, write_zip


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(
        ("application/problem+json", "application/json")
    )
    body = response.json()
    assert body["detail"]
    assert body["status"] == status
    return body


def _failed(api, zip_path, username: str = "alice") -> dict:
    upload = api.upload(zip_path, username)
    assert upload.status_code == 202, upload.text
    job = api.wait(upload.json()["guid"], username)
    assert job["status"] == "FAILED", job
    assert job["completed"] is True
    assert job["success"] is False
    assert job["error"]
    return job


def test_not_a_zip_is_refused_at_upload(api, tmp_path) -> None:
    path = tmp_path / "crate.zip"
    path.write_text("this is not a zip file at all")
    body = _problem(api.upload(path), 400)
    assert "zip" in body["detail"].lower()


def test_an_empty_file_is_refused(api, tmp_path) -> None:
    path = tmp_path / "empty.zip"
    path.write_bytes(b"")
    body = _problem(api.upload(path), 400)
    assert "empty" in body["detail"]


def test_the_wrong_multipart_field_is_named_in_the_error(api, plain_zip) -> None:
    with plain_zip.open("rb") as handle:
        response = api.http.post(
            "/rocrate/upload-async",
            headers=api.auth("alice"),
            files={"file": ("crate.zip", handle, "application/zip")},
        )
    body = _problem(response, 400)
    assert "'crate'" in body["detail"]
    assert "'file'" in json.dumps(body["errors"])


def test_a_json_body_instead_of_multipart_is_unsupported(api) -> None:
    response = api.http.post("/rocrate/upload-async", headers=api.auth("alice"), json={})
    _problem(response, 415)


def test_a_zip_without_metadata_is_refused(api, tmp_path) -> None:
    path = write_zip(tmp_path / "no-metadata.zip", {"data/x.csv": "a,b\n"})
    body = _problem(api.upload(path), 400)
    assert "ro-crate-metadata.json" in json.dumps(body)


@pytest.mark.parametrize("name", ["../escape.txt", "/abs/path.txt", "a/../../b.txt"])
def test_path_traversal_members_are_refused(api, tmp_path, name) -> None:
    path = write_zip(
        tmp_path / "traversal.zip",
        {"ro-crate-metadata.json": json.dumps(crate_metadata()), name: "x"},
    )
    body = _problem(api.upload(path), 400)
    assert any(
        name.strip("/") in (e.get("location") or "") or name in (e.get("location") or "")
        for e in body["errors"]
    ), body


def test_symlinks_are_refused(api, tmp_path) -> None:
    body = _problem(api.upload(symlink_zip(tmp_path / "link.zip")), 400)
    assert "evil-link" in json.dumps(body)


def test_a_compression_bomb_is_refused(api, tmp_path) -> None:
    response = api.upload(bomb_zip(tmp_path / "bomb.zip"))
    body = _problem(response, 413)
    assert "zeros.bin" in json.dumps(body)


def test_invalid_json_fails_the_job_with_its_position(api, tmp_path) -> None:
    job = _failed(api, crate_zip(tmp_path / "bad-json.zip", "{ this is not json "))
    assert "ro-crate-metadata.json" in job["error"]
    assert "invalid JSON" in job["error"]
    assert "line 1" in job["error"]


def test_a_graph_without_its_root_fails_the_job(api, tmp_path) -> None:
    metadata = crate_metadata()
    metadata["@graph"] = [metadata["@graph"][0]]  # the descriptor only
    job = _failed(api, crate_zip(tmp_path / "no-root.zip", metadata))
    assert "root" in job["error"]


def test_an_unknown_remote_context_is_refused_not_fetched(api, tmp_path) -> None:
    metadata = crate_metadata()
    metadata["@context"] = [
        "https://w3id.org/ro/crate/1.1/context",
        "http://169.254.169.254/latest/meta-data/",
    ]
    job = _failed(api, crate_zip(tmp_path / "ssrf.zip", metadata))
    assert "169.254.169.254" in job["error"]
    assert "never fetched" in job["error"]


def test_a_file_referenced_but_missing_fails_the_job(api, tmp_path) -> None:
    metadata = crate_metadata({"@id": "data/missing.csv", "@type": "File", "name": "Missing"})
    job = _failed(api, crate_zip(tmp_path / "missing.zip", metadata))
    assert '@graph[2] "data/missing.csv"' in job["error"]
    assert "not in the zip" in job["error"]


def test_a_contextual_entity_without_name_is_reported_where_it_is(api, tmp_path) -> None:
    metadata = crate_metadata({"@id": "#x", "@type": "Person"})
    job = _failed(api, crate_zip(tmp_path / "noname.zip", metadata))
    assert 'ro-crate-metadata.json: @graph[2] "#x": missing name' in job["error"]


def test_a_fairscape_crate_failing_the_model_names_the_entity(
    api, fairscape_crate_dir, tmp_path
) -> None:
    from tests.support.crates import fresh_copy, zip_folder

    crate = fresh_copy(fairscape_crate_dir, tmp_path / "crate")
    metadata_path = crate / "ro-crate-metadata.json"
    metadata = json.loads(metadata_path.read_text())
    dataset = next(e for e in metadata["@graph"] if "Input Expression" in str(e.get("name")))
    del dataset["keywords"]
    metadata_path.write_text(json.dumps(metadata))
    job = _failed(api, zip_folder(crate, tmp_path / "invalid.zip"))
    assert f'"{dataset["@id"]}": keywords: Field required' in job["error"]


def test_a_failed_job_leaves_no_records_and_no_blobs(api, server, tmp_path) -> None:
    from tests.support.blobs import blob_keys

    metadata = crate_metadata(
        {"@id": "data/ok.csv", "@type": "File", "name": "Present"},
        {"@id": "data/missing.csv", "@type": "File", "name": "Missing"},
    )
    job = _failed(api, crate_zip(tmp_path / "partial.zip", metadata, {"data/ok.csv": b"1,2\n"}))
    deadline = time.monotonic() + 30
    while any(job["guid"] in key for key in blob_keys(server)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [key for key in blob_keys(server) if job["guid"] in key]
    assert job["identifiers"] is None
    assert api.http.get("/search/basic", params={"query": "Present"}).json()["total_results"] == 0


def test_an_ark_held_by_another_owner_fails_the_job(api, fresh_fairscape_zip) -> None:
    first = api.ingest(fresh_fairscape_zip, "alice")
    assert first["status"] == "COMPLETE"
    job = _failed(api, fresh_fairscape_zip, "bob")
    assert "held by another owner" in job["error"]
    assert first["rocrateIdentifier"] in job["error"]


def test_unknown_and_malformed_arks(api) -> None:
    _problem(api.http.get("/ark:99999/fd1doesnotexist"), 404)
    _problem(api.http.get("/ark:12a45/x"), 400)


def test_bad_and_expired_tokens_are_401(api, server) -> None:
    response = api.http.get("/rocrate", headers={"Authorization": "Bearer not-a-token"})
    assert _problem(response, 401)["detail"].startswith("invalid token")
    assert response.headers["www-authenticate"] == "Bearer"
    secret = server.env.get("FAIRDEPOT_SECRET_KEY") or (
        (server.data_dir / "secret_key").read_text().strip()
    )
    claims = jwt.decode(api.token("alice"), options={"verify_signature": False})
    expired = jwt.encode({**claims, "exp": int(time.time()) - 10}, secret, algorithm="HS256")
    response = api.http.get("/rocrate", headers={"Authorization": f"Bearer {expired}"})
    assert "expired" in _problem(response, 401)["detail"]
    _problem(api.http.get("/rocrate"), 401)


def test_status_of_someone_elses_job_is_refused(api, plain_zip) -> None:
    guid = api.upload(plain_zip, "alice").json()["guid"]
    assert (
        api.http.get(f"/rocrate/upload/status/{guid}", headers=api.auth("bob")).status_code == 403
    )
    assert api.http.get("/rocrate/upload/status/nope", headers=api.auth("bob")).status_code == 404
