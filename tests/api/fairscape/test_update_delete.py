"""PUT (owner only, revisions kept, optimistic concurrency) and dependency-checked DELETE."""

from __future__ import annotations

import time

from tests.support.blobs import blob_keys
from tests.support.catalogue import stored_revisions


def _ingest(api, fresh_fairscape_zip):
    job = api.ingest(fresh_fairscape_zip)
    ids = job["identifiers"]
    return job, {
        "crate": job["rocrateIdentifier"],
        "input": next(i for i in ids if "/dataset-input-expression" in i),
        "output": next(i for i in ids if "/dataset-summary-statistics" in i),
        "software": next(i for i in ids if "/software-" in i),
        "computation": next(i for i in ids if "/computation-" in i),
    }


def test_put_by_the_owner_replaces_metadata_and_keeps_the_old_revision(
    api, server, fresh_fairscape_zip
) -> None:
    _job, arks = _ingest(api, fresh_fairscape_zip)
    before = api.http.get(f"/{arks['software']}")
    metadata = before.json()["metadata"]
    new = {**metadata, "description": "Updated description via PUT"}
    response = api.http.put(f"/{arks['software']}", json=new, headers=api.auth("alice"))
    assert response.status_code == 200, response.text
    after = api.http.get(f"/{arks['software']}").json()
    assert after["metadata"]["description"] == "Updated description via PUT"
    assert after["revision"] == before.json()["revision"] + 1
    # checksums describe bytes we hold: a PUT cannot change them
    assert after["metadata"]["sha256"] == metadata["sha256"]
    kept = stored_revisions(server, arks["software"])
    assert kept[before.json()["revision"]]["description"] == metadata["description"]
    assert kept[before.json()["revision"]]["description"] != "Updated description via PUT"


def test_put_needs_a_token_and_ownership(api, fresh_fairscape_zip) -> None:
    _job, arks = _ingest(api, fresh_fairscape_zip)
    body = {"@type": "https://w3id.org/EVI#Software", "name": "Hijacked"}
    assert api.http.put(f"/{arks['software']}", json=body).status_code == 401
    assert (
        api.http.put(f"/{arks['software']}", json=body, headers=api.auth("bob")).status_code == 403
    )
    # carol shares alice's group, but only the owner may replace metadata
    assert (
        api.http.put(f"/{arks['software']}", json=body, headers=api.auth("carol")).status_code
        == 403
    )
    assert api.http.get(f"/{arks['software']}").json()["metadata"]["name"] == "Summarize Script"


def test_put_validates_its_body(api, fresh_fairscape_zip) -> None:
    _job, arks = _ingest(api, fresh_fairscape_zip)
    target = f"/{arks['software']}"
    auth = api.auth("alice")
    assert api.http.put(target, json={"@type": 7, "name": "x"}, headers=auth).status_code == 400
    assert api.http.put(target, json={"name": ["not text"]}, headers=auth).status_code == 400
    assert api.http.put(target, json=["not", "an", "object"], headers=auth).status_code == 400
    assert api.http.put(target, json={}, headers=auth).status_code == 400
    other = {"@id": arks["input"], "@type": "Dataset", "name": "x"}
    response = api.http.put(target, json=other, headers=auth)
    assert response.status_code == 400
    assert "identifiers cannot change" in response.json()["detail"]


def test_if_match_prevents_lost_updates(api, fresh_fairscape_zip) -> None:
    _job, arks = _ingest(api, fresh_fairscape_zip)
    target = f"/{arks['software']}"
    first = api.http.get(target)
    etag = first.headers["etag"]
    metadata = first.json()["metadata"]
    auth = api.auth("alice")
    ok = api.http.put(
        target, json={**metadata, "version": "0.2"}, headers={**auth, "If-Match": etag}
    )
    assert ok.status_code == 200
    stale = api.http.put(
        target, json={**metadata, "version": "0.3"}, headers={**auth, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert api.http.get(target).json()["metadata"]["version"] == "0.2"


def test_delete_refuses_while_others_depend_and_lists_them(api, fresh_fairscape_zip) -> None:
    _job, arks = _ingest(api, fresh_fairscape_zip)
    response = api.http.delete(f"/{arks['input']}", headers=api.auth("alice"))
    assert response.status_code == 409
    dependents = {(d["@id"], d["relation"]) for d in response.json()["dependents"]}
    assert (arks["computation"], "usedDataset") in dependents
    assert (arks["crate"], "hasPart") in dependents
    crate = api.http.delete(f"/{arks['crate']}", headers=api.auth("alice"))
    assert crate.status_code == 409
    assert {d["relation"] for d in crate.json()["dependents"]} == {"isPartOf"}
    assert api.http.get(f"/{arks['input']}").status_code == 200


def test_delete_needs_ownership(api, fresh_fairscape_zip) -> None:
    _job, arks = _ingest(api, fresh_fairscape_zip)
    assert api.http.delete(f"/{arks['crate']}?force=true").status_code == 401
    response = api.http.delete(f"/{arks['crate']}?force=true", headers=api.auth("bob"))
    assert response.status_code == 403
    for identifier in arks.values():  # refused means untouched: crate and members still there
        still = api.http.get(f"/{identifier}")
        assert still.status_code == 200
        assert still.json()["@id"] == identifier
    graph = api.http.get(f"/rocrate/{arks['crate']}").json()["@graph"]
    assert set(arks.values()) <= {e["@id"] for e in graph}


def test_forced_delete_of_a_member_takes_it_out_of_its_crate(api, fresh_fairscape_zip) -> None:
    _job, arks = _ingest(api, fresh_fairscape_zip)
    response = api.http.delete(
        f"/{arks['output']}", params={"force": "true"}, headers=api.auth("alice")
    )
    assert response.status_code == 200
    gone = api.http.get(f"/{arks['output']}")
    assert gone.status_code == 410
    assert gone.json()["tombstone"]["name"] == "Summary Statistics"
    crate = api.http.get(f"/{arks['crate']}").json()["metadata"]
    assert arks["output"] not in {p["@id"] for p in crate["hasPart"]}
    graph_ids = {e["@id"] for e in api.http.get(f"/rocrate/{arks['crate']}").json()["@graph"]}
    assert arks["output"] not in graph_ids


def test_forced_delete_of_a_crate_removes_members_and_files(
    api, server, fresh_fairscape_zip
) -> None:
    job, arks = _ingest(api, fresh_fairscape_zip)
    assert any(job["guid"] in key for key in blob_keys(server))
    response = api.http.delete(f"/{arks['crate']}?force=true", headers=api.auth("alice"))
    assert response.status_code == 200
    assert set(response.json()["deleted"]) == set(arks.values())
    for identifier in arks.values():
        assert api.http.get(f"/{identifier}").status_code == 410
    deadline = time.monotonic() + 10
    while any(job["guid"] in key for key in blob_keys(server)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [key for key in blob_keys(server) if job["guid"] in key]
    assert (
        api.http.get("/search/basic", params={"query": arks["crate"].split("-")[-1]}).json()[
            "total_results"
        ]
        == 0
    )


def test_a_deleted_ark_is_never_reused(api, fresh_fairscape_zip) -> None:
    _job, arks = _ingest(api, fresh_fairscape_zip)
    api.http.delete(f"/{arks['crate']}?force=true", headers=api.auth("alice"))
    upload = api.upload(fresh_fairscape_zip)
    job = api.wait(upload.json()["guid"])
    assert job["status"] == "FAILED"
    assert "deleted" in job["error"]


def test_reupload_by_the_owner_makes_new_revisions(api, fresh_fairscape_zip) -> None:
    _job, arks = _ingest(api, fresh_fairscape_zip)
    first = api.http.get(f"/{arks['crate']}").json()
    again = api.ingest(fresh_fairscape_zip)
    assert again["status"] == "COMPLETE"
    second = api.http.get(f"/{arks['crate']}").json()
    assert second["revision"] == first["revision"] + 1
