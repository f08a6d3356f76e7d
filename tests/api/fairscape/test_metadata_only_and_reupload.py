"""File-less crates (POST /rocrate/metadata) and re-uploads that drop members."""

from __future__ import annotations

import json
import time
import uuid

from tests.support.blobs import blob_keys
from tests.support.crates import fresh_copy, zip_folder


def _fairscape_metadata(crate_dir) -> dict:
    return json.loads((crate_dir / "ro-crate-metadata.json").read_text())


def test_a_metadata_only_crate_is_registered_with_its_arks(
    api, fairscape_crate_dir, tmp_path
) -> None:
    crate = fresh_copy(fairscape_crate_dir, tmp_path / "c")
    metadata = _fairscape_metadata(crate)
    for entity in metadata["@graph"]:
        if str(entity.get("contentUrl", "")).startswith("file://"):
            entity["contentUrl"] = f"https://data.example.org/{uuid.uuid4().hex}.csv"
    created = api.http.post("/rocrate/metadata", json=metadata, headers=api.auth("alice"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert len(body["minted_element_identifiers"]) == 5
    root = body["rocrate_guid"]
    assert api.http.get(f"/{root}").json()["metadata"]["name"] == "Example Expression Crate"
    dataset = next(i for i in body["minted_element_identifiers"] if "/dataset-input" in i)
    assert api.http.get(f"/{dataset}").json()["distribution"]["distributionType"] == "url"


def test_a_metadata_only_crate_with_local_files_is_refused(
    api, fairscape_crate_dir, tmp_path
) -> None:
    metadata = _fairscape_metadata(fresh_copy(fairscape_crate_dir, tmp_path / "c"))
    response = api.http.post("/rocrate/metadata", json=metadata, headers=api.auth("alice"))
    assert response.status_code == 400
    assert "file://" in response.json()["detail"]
    assert {e["message"] for e in response.json()["errors"]} >= {
        "contentUrl 'file:///data/input_data.csv' is a local file reference"
    }


def test_a_reupload_without_a_member_tombstones_it_and_frees_its_blobs(
    api, server, fairscape_crate_dir, tmp_path
) -> None:
    crate = fresh_copy(fairscape_crate_dir, tmp_path / "c")
    first = api.ingest(zip_folder(crate, tmp_path / "first.zip"))
    metadata = _fairscape_metadata(crate)
    dropped = next(e for e in metadata["@graph"] if e.get("name") == "Summary Statistics")
    metadata["@graph"].remove(dropped)
    for entity in metadata["@graph"]:
        for key in ("hasPart", "generated", "outputs", "EVI:outputs"):
            if isinstance(entity.get(key), list):
                entity[key] = [r for r in entity[key] if r.get("@id") != dropped["@id"]]
    (crate / "ro-crate-metadata.json").write_text(json.dumps(metadata))
    (crate / "data" / "summary_stats.csv").unlink()
    second = api.ingest(zip_folder(crate, tmp_path / "second.zip"))
    assert second["status"] == "COMPLETE", second
    assert api.http.get(f"/{dropped['@id']}").status_code == 410
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        keys = blob_keys(server)
        if not any(first["guid"] in k for k in keys):
            break
        time.sleep(0.3)
    assert not [k for k in keys if first["guid"] in k]  # the first upload's zip and files


def test_a_crates_own_id_is_its_identifier_and_another_owner_gets_409(
    api, fairscape_crate_dir, tmp_path
) -> None:
    """The root's own `@id` (not an ARK) is the record's `crate_id`: the owner's re-upload is
    its next revision; anybody else's crate with that `@id` is a 409 naming it."""
    metadata = _fairscape_metadata(fresh_copy(fairscape_crate_dir, tmp_path / "c"))
    for entity in metadata["@graph"]:
        if str(entity.get("contentUrl", "")).startswith("file://"):
            entity["contentUrl"] = f"https://data.example.org/{uuid.uuid4().hex}.csv"
    root_id = metadata["@graph"][0]["about"]["@id"]
    doi = f"https://doi.org/10.5555/{uuid.uuid4().hex}"
    text = json.dumps(metadata).replace(json.dumps(root_id), json.dumps(doi))
    document = json.loads(text)

    first = api.http.post("/rocrate/metadata", json=document, headers=api.auth("alice"))
    assert first.status_code == 201, first.text
    again = api.http.post("/rocrate/metadata", json=document, headers=api.auth("alice"))
    assert again.status_code == 201, again.text
    assert again.json()["rocrate_guid"] == first.json()["rocrate_guid"]

    taken = api.http.post("/rocrate/metadata", json=document, headers=api.auth("bob"))

    assert taken.status_code == 409, taken.text
    assert taken.json()["detail"] == f"the crate_id {doi!r} is already taken by another record"
    assert [e["location"] for e in taken.json()["errors"]] == ["crate_id"]
    crate = api.http.get(f"/{first.json()['rocrate_guid']}", headers=api.auth("alice"))
    assert crate.status_code == 200
