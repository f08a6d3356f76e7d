"""Single-record registration, typed GET/DELETE, publication and full-text search."""

from __future__ import annotations

import json
import uuid

from tests.support.blobs import blob_keys
from tests.support.catalogue import insert_private_record


def test_register_software_and_read_it_back_by_type(api) -> None:
    body = {
        "@type": "https://w3id.org/EVI#Software",
        "name": f"tool {uuid.uuid4().hex[:6]}",
        "description": "a stand-alone tool",
        "keywords": ["tool"],
    }
    created = api.http.post("/software", json=body, headers=api.auth("alice"))
    assert created.status_code == 201, created.text
    ark = created.json()["@id"]
    assert ark.startswith("ark:99999/fd1")
    assert api.http.get(f"/software/{ark}").json()["metadata"]["name"] == body["name"]
    assert api.http.get(f"/dataset/{ark}").status_code == 400  # not a dataset
    assert api.http.delete(f"/software/{ark}", headers=api.auth("alice")).status_code == 200
    assert api.http.get(f"/software/{ark}").status_code == 410


def test_a_given_ark_is_kept_and_a_duplicate_is_409(api) -> None:
    ark = f"ark:59852/computation-x-{uuid.uuid4().hex[:8]}"
    body = {"@id": ark, "@type": "https://w3id.org/EVI#Computation", "name": "A computation"}
    assert api.http.post("/computation", json=body, headers=api.auth("alice")).json()["@id"] == ark
    again = api.http.post("/computation", json=body, headers=api.auth("bob"))
    assert again.status_code == 409


def test_register_a_dataset_with_its_file(api) -> None:
    metadata = {
        "@type": "https://w3id.org/EVI#Dataset",
        "name": "Uploaded table",
        "description": "a table",
        "keywords": ["table"],
    }
    created = api.http.post(
        "/dataset",
        headers=api.auth("alice"),
        files={
            "datasetMetadata": (None, json.dumps(metadata)),
            "uploadFile": ("table.csv", b"a,b\n1,2\n", "text/csv"),
        },
    )
    assert created.status_code == 201, created.text
    ark = created.json()["@id"]
    stored = api.http.get(f"/{ark}").json()["metadata"]
    assert stored["contentSize"] == "8"
    assert stored["encodingFormat"] == "text/csv"
    download = api.http.get(f"/dataset/download/{ark}", headers=api.auth("alice"))
    assert download.content == b"a,b\n1,2\n"


def test_a_dataset_with_bad_metadata_leaves_no_file_behind(api, server) -> None:
    before = set(blob_keys(server))
    response = api.http.post(
        "/dataset",
        headers=api.auth("alice"),
        files={
            "datasetMetadata": (None, "{not json"),
            "uploadFile": ("table.csv", b"a,b\n", "text/csv"),
        },
    )
    assert response.status_code == 400
    assert "datasetMetadata" in json.dumps(response.json()["errors"])
    assert set(blob_keys(server)) <= before


def test_register_and_put_refuse_contexts_we_do_not_bundle(api) -> None:
    body = {
        "@context": "https://example.org/private-context.jsonld",
        "@type": "https://w3id.org/EVI#Software",
        "name": "x",
    }
    response = api.http.post("/software", json=body, headers=api.auth("alice"))
    assert response.status_code == 400
    assert "never fetched" in response.json()["detail"]


def test_register_rejects_bad_bodies(api) -> None:
    auth = api.auth("alice")
    assert api.http.post("/software", json={"name": "no type"}, headers=auth).status_code == 400
    assert (
        api.http.post("/software", json={"@type": "Dataset", "name": "x"}, headers=auth).status_code
        == 400
    )
    assert api.http.post("/software", json={"@type": "Software"}, headers=auth).status_code == 400
    assert (
        api.http.post(
            "/software", content=b"{broken", headers={**auth, "Content-Type": "application/json"}
        ).status_code
        == 422
    )
    assert api.http.post("/software", json={"@type": "Software", "name": "x"}).status_code == 401


def test_search_finds_words_and_prefixes(api) -> None:
    word = f"zyx{uuid.uuid4().hex[:8]}"
    body = {
        "@type": "https://w3id.org/EVI#Software",
        "name": f"Spectral {word} fitter",
        "description": "fits spectra",
        "keywords": ["spectroscopy"],
    }
    ark = api.http.post("/software", json=body, headers=api.auth("alice")).json()["@id"]
    found = api.http.get("/search/basic", params={"query": word}).json()
    assert [r["@id"] for r in found["results"]] == [ark]
    assert found["total_results"] == 1
    prefix = api.http.get("/search/basic", params={"query": word[:7]}).json()
    assert ark in [r["@id"] for r in prefix["results"]]
    assert api.http.get("/search/basic", params={"query": "  "}).status_code == 400
    # punctuation and FTS syntax are never passed through as operators
    odd = api.http.get("/search/basic", params={"query": f'"{word}" OR NEAR(* -'})
    assert odd.status_code == 200
    assert odd.json()["total_results"] == 0  # every word must match: "or", "near" do not


def test_search_hides_private_records_from_those_who_may_not_read_them(api, server) -> None:
    word = f"hid{uuid.uuid4().hex[:8]}"
    private = f"ark:99999/fd1{word}"
    insert_private_record(server, private, "alice", "lab-a", {"@type": "Dataset", "name": word})

    def found(user: str | None) -> list[str]:
        headers = api.auth(user) if user else {}
        body = api.http.get("/search/basic", params={"query": word}, headers=headers).json()
        assert body["total_results"] == len(body["results"])
        return [r["@id"] for r in body["results"]]

    assert found(None) == []
    assert found("bob") == []
    assert found("alice") == [private]  # owner
    assert found("carol") == [private]  # owner's group
    assert found("admin") == [private]


def test_publish_accepts_both_documented_bodies(api) -> None:
    body = {"@type": "https://w3id.org/EVI#Software", "name": "to publish"}
    ark = api.http.post("/software", json=body, headers=api.auth("alice")).json()["@id"]
    auth = api.auth("alice")

    def status() -> str:
        return api.http.get(f"/{ark}").json()["publicationStatus"]

    assert status() == "DRAFT"
    assert (
        api.http.put("/publish", json={"@id": ark, "published": True}, headers=auth).json()[
            "publicationStatus"
        ]
        == "PUBLISHED"
    )
    assert status() == "PUBLISHED"
    reference = {"@id": ark, "publicationStatus": "ARCHIVED"}
    assert api.http.put("/publish", json=reference, headers=auth).status_code == 200
    assert status() == "ARCHIVED"
    assert (
        api.http.put("/publish", json={"@id": ark, "published": False}, headers=auth).json()[
            "publicationStatus"
        ]
        == "DRAFT"
    )
    assert status() == "DRAFT"
    assert (
        api.http.put(
            "/publish", json={"@id": ark, "publicationStatus": "nope"}, headers=auth
        ).status_code
        == 400
    )
    assert (
        api.http.put(
            "/publish", json={"@id": ark, "publicationStatus": "PUBLISHED"}, headers=api.auth("bob")
        ).status_code
        == 403
    )
    assert status() == "DRAFT"  # neither the bad body nor bob changed it
