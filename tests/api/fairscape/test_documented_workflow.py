"""The FAIRSCAPE documentation's scripts, run against our server with only BASE_URL changed.

The scripts are those of shared/spec/fairscape-upload-and-fetch.txt ("Complete Python Script")
and shared/spec/fairscape-identifier-resolution.txt, with their indentation restored (the text
export flattened it), the credentials and crate path filled in, and `time.sleep(5)` shortened.
"""

from __future__ import annotations

import requests
from rdflib import Graph
from rdflib.compare import isomorphic


def test_complete_python_script_runs_verbatim(api, fresh_fairscape_zip) -> None:
    BASE_URL = api.url
    CRATE_PATH = str(fresh_fairscape_zip)
    import time

    # 1. Authenticate
    login = requests.post(
        f"{BASE_URL}/login", data={"username": "alice@example.org", "password": "alice-pw"}
    )
    login.raise_for_status()
    token = login.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    # 2. Upload
    with open(CRATE_PATH, "rb") as f:
        upload = requests.post(
            f"{BASE_URL}/rocrate/upload-async",
            files={"crate": ("crate.zip", f, "application/zip")},
            headers=headers,
        )
    upload.raise_for_status()
    submission_uuid = upload.json()["guid"]
    # 3. Poll (bounded here: the documentation's `while True` would hang a broken server's test)
    for _ in range(600):
        job = requests.get(
            f"{BASE_URL}/rocrate/upload/status/{submission_uuid}", headers=headers
        ).json()
        if job["status"] == "COMPLETE":
            rocrate_id = job["rocrate_id"]
            break
        elif job["status"] == "FAILED":
            raise RuntimeError(f"Failed: {job.get('error')}")
        time.sleep(0.2)
    else:
        raise AssertionError(f"job {submission_uuid} did not finish in 120 s: {job}")
    # 4. Fetch by ARK
    result = requests.get(f"{BASE_URL}/{rocrate_id}").json()
    print(f"RO-Crate '{result['metadata']['name']}' is live at: {rocrate_id}")

    assert upload.status_code == 202
    assert result["metadata"]["name"] == "Example Expression Crate"
    assert rocrate_id.startswith("ark:59852/rocrate-example-expression-crate-")


def test_step_by_step_snippets_give_the_documented_shapes(api, fresh_fairscape_zip) -> None:
    BASE_URL = api.url
    response = requests.post(
        f"{BASE_URL}/login", data={"username": "alice@example.org", "password": "alice-pw"}
    )
    response.raise_for_status()
    assert response.json()["token_type"] == "bearer"
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}

    with open(fresh_fairscape_zip, "rb") as f:
        upload_response = requests.post(
            f"{BASE_URL}/rocrate/upload-async",
            files={"crate": ("my-rocrate.zip", f, "application/zip")},
            headers=headers,
        )
    upload_response.raise_for_status()
    upload_job = upload_response.json()
    assert upload_job["status"] == "PENDING"
    assert upload_job["guid"] == upload_job["transactionFolder"]
    assert "time_created" in upload_job

    job = api.wait(upload_job["guid"])
    assert job["status"] == "COMPLETE"
    assert job["success"] is True
    rocrate_id = job["rocrate_id"]

    resolve_response = requests.get(
        f"{BASE_URL}/{rocrate_id}", headers={"Accept": "application/json"}
    )
    resolve_response.raise_for_status()
    metadata = resolve_response.json()
    assert metadata["@id"] == rocrate_id
    assert metadata["metadata"]["name"] == "Example Expression Crate"
    assert metadata["metadata"]["description"].startswith("Tiny RO-Crate")

    rc_response = requests.get(
        f"{BASE_URL}/rocrate/{rocrate_id}", headers={"Accept": "application/json"}
    )
    rocrate_data = rc_response.json()
    assert rocrate_data["@graph"][0]["about"] == {"@id": rocrate_id}
    croissant_response = requests.get(
        f"{BASE_URL}/rocrate/{rocrate_id}",
        headers={"Accept": "application/vnd.mlcommons-croissant+json"},
    )
    croissant_data = croissant_response.json()
    assert croissant_data["@type"] == "sc:Dataset"
    assert len(croissant_data["distribution"]) == 2  # the two CSV datasets


def test_identifier_resolution_snippets(api, fresh_fairscape_zip) -> None:
    BASE_URL = api.url
    job = api.ingest(fresh_fairscape_zip)
    dataset = next(i for i in job["identifiers"] if "/dataset-input-expression" in i)
    token = api.token("alice")

    response = requests.get(f"{BASE_URL}/{dataset}")
    metadata = response.json()
    assert metadata["metadata"]["name"] == "Input Expression Data"

    turtle_response = requests.get(f"{BASE_URL}/{dataset}", headers={"Accept": "text/turtle"})
    assert turtle_response.headers["content-type"].startswith("text/turtle")
    rdfxml = requests.get(f"{BASE_URL}/{dataset}", headers={"Accept": "application/rdf+xml"})
    jsonld = requests.get(f"{BASE_URL}/{dataset}", headers={"Accept": "application/ld+json"})
    from_turtle = Graph().parse(data=turtle_response.text, format="turtle")
    from_xml = Graph().parse(data=rdfxml.text, format="xml")
    from_jsonld = Graph().parse(data=jsonld.text, format="json-ld")
    assert len(from_jsonld) > 10
    assert isomorphic(from_turtle, from_jsonld)
    assert isomorphic(from_xml, from_jsonld)

    updated_metadata = {
        "@id": dataset,
        "name": "AP-MS Embeddings (Updated)",
        "description": "Updated description with additional details.",
        "keywords": ["proteomics", "b2ai", "cm4ai"],
    }
    response = requests.put(
        f"{BASE_URL}/{dataset}", json=updated_metadata, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    assert requests.get(f"{BASE_URL}/{dataset}").json()["metadata"]["name"] == (
        "AP-MS Embeddings (Updated)"
    )

    # Safe delete (fails if other objects depend on this)
    response = requests.delete(
        f"{BASE_URL}/{dataset}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 409
    assert response.json()["dependents"]
    # Force delete
    response = requests.delete(
        f"{BASE_URL}/{dataset}",
        params={"force": "true"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert requests.get(f"{BASE_URL}/{dataset}").status_code == 410
