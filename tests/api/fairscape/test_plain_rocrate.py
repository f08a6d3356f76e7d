"""Standard RO-Crates (ro-crate-py, root `./`, local ids): the server mints every ARK."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from fairdepot.core import ark as arks


def test_every_entity_of_a_plain_crate_gets_a_minted_ark(api, plain_zip) -> None:
    job = api.ingest(plain_zip)
    assert job["status"] == "COMPLETE", job
    identifiers = job["identifiers"]
    # root, two files and the #jane person; the license is a global IRI and stays as it is
    assert len(identifiers) == 4
    for identifier in identifiers:
        assert identifier.startswith("ark:99999/fd1")
        assert arks.has_valid_check_character(identifier)

    crate = api.http.get(f"/rocrate/{job['rocrateIdentifier']}").json()
    ids = {e["@id"] for e in crate["@graph"]}
    assert ids >= set(identifiers)
    assert not ids & {"./", "#jane", "data/measurements.csv", "notes.txt"}
    root = next(e for e in crate["@graph"] if e["@id"] == job["rocrateIdentifier"])
    jane = next(e for e in crate["@graph"] if e.get("name") == "Jane Doe")
    assert root["author"] == {"@id": jane["@id"]}  # references were rewritten too
    assert {p["@id"] for p in root["hasPart"]} <= set(identifiers)


def test_plain_crate_files_are_stored_byte_identical(api, plain_zip) -> None:
    job = api.ingest(plain_zip)
    with zipfile.ZipFile(plain_zip) as archive:
        original = archive.read("plain-crate/data/measurements.csv")
    crate = api.http.get(f"/rocrate/{job['rocrateIdentifier']}").json()
    measured = next(e for e in crate["@graph"] if e.get("name") == "Measurements")
    assert measured["sha256"] == hashlib.sha256(original).hexdigest()
    assert measured["contentSize"] == str(len(original))
    download = api.http.get(f"/download/{measured['@id']}", headers=api.auth("alice"))
    assert download.status_code == 200
    assert download.content == original


def assert_same_crate(api, download: bytes, uploaded: Path, crate: str) -> None:
    """The zip built from the stored files holds the uploaded members, in order, byte for byte,
    and the catalogue's metadata of the crate (not the uploaded text)."""
    with zipfile.ZipFile(uploaded) as original, zipfile.ZipFile(io.BytesIO(download)) as built:
        assert built.namelist() == original.namelist()
        for name in original.namelist():
            if not name.endswith(("/", "ro-crate-metadata.json")):
                assert built.read(name) == original.read(name), name
        meta = next(n for n in built.namelist() if n.endswith("ro-crate-metadata.json"))
        assert json.loads(built.read(meta)) == api.http.get(f"/rocrate/{crate}").json()


def test_the_crate_zip_can_be_downloaded_by_its_owner_only(api, plain_zip) -> None:
    job = api.ingest(plain_zip)
    crate = job["rocrateIdentifier"]
    own = api.http.get(f"/rocrate/download/{crate}", headers=api.auth("alice"))
    assert own.status_code == 200
    assert_same_crate(api, own.content, plain_zip, crate)
    assert api.http.get(f"/rocrate/download/{crate}", headers=api.auth("bob")).status_code == 403
    assert api.http.get(f"/rocrate/download/{crate}").status_code == 401


def test_group_members_may_read_files_of_a_draft(api, plain_zip) -> None:
    job = api.ingest(plain_zip)  # alice, group lab-a; carol is in lab-a too
    crate = job["rocrateIdentifier"]
    download = api.http.get(f"/rocrate/download/{crate}", headers=api.auth("carol"))
    assert download.status_code == 200
    assert_same_crate(api, download.content, plain_zip, crate)


def test_metadata_is_public_at_once_but_files_only_after_publishing(api, plain_zip) -> None:
    job = api.ingest(plain_zip)
    crate = job["rocrateIdentifier"]
    assert api.http.get(f"/{crate}").status_code == 200
    member = next(i for i in job["identifiers"] if i != crate)
    record = api.http.get(f"/{member}").json()
    assert "permissions" not in record  # the owner's e-mail is not shown to strangers
    assert api.http.get(f"/download/{crate}").status_code == 401
    published = api.http.put(
        "/publish", headers=api.auth("alice"), json={"@id": crate, "publicationStatus": "PUBLISHED"}
    )
    assert published.status_code == 200, published.text
    anonymous = api.http.get(f"/download/{crate}")
    assert anonymous.status_code == 200
    assert_same_crate(api, anonymous.content, plain_zip, crate)
    assert api.http.get(f"/{member}").json()["publicationStatus"] == "PUBLISHED"


def test_a_plain_crate_keeps_its_own_json_ld_context(api, plain_zip) -> None:
    with zipfile.ZipFile(plain_zip) as archive:
        uploaded = json.loads(archive.read("plain-crate/ro-crate-metadata.json"))
    job = api.ingest(plain_zip)
    document = api.http.get(f"/rocrate/{job['rocrateIdentifier']}").json()
    assert document["@context"] == uploaded["@context"]
    assert document["@context"].startswith("https://w3id.org/ro/crate/")
