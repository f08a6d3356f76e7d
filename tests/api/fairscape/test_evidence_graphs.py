"""Evidence graphs: built in a job from provenance links, read, listed, registered, deleted."""

from __future__ import annotations

import time
import uuid


def _built(api, node: str, username: str = "alice") -> dict:
    started = api.http.post(f"/evidencegraph/build/{node}", headers=api.auth(username))
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["status_endpoint"] == f"/evidencegraph/build/status/{body['task_id']}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = api.http.get(body["status_endpoint"], headers=api.auth(username)).json()
        if status["status"] in ("SUCCESS", "FAILURE"):
            return status
        time.sleep(0.1)
    raise AssertionError("evidence graph build did not finish")


def test_build_follows_provenance_back_to_the_inputs(api, fresh_fairscape_zip) -> None:
    job = api.ingest(fresh_fairscape_zip)
    ids = job["identifiers"]
    output = next(i for i in ids if "/dataset-summary-statistics" in i)
    status = _built(api, output)
    assert status["status"] == "SUCCESS", status
    assert status["task_type"] == "EvidenceGraphBuild"
    graph_id = status["result"]["evidence_graph_id"]
    graph = api.http.get(f"/evidencegraph/{graph_id}").json()["metadata"]
    members = {node["@id"] for node in graph["@graph"]}
    expected = {
        output,
        next(i for i in ids if "/computation-" in i),
        next(i for i in ids if "/dataset-input-expression" in i),
        next(i for i in ids if "/software-" in i),
    }
    assert expected <= members
    assert graph["outputs"] == [{"@id": output}]
    node = api.http.get(f"/{output}").json()["metadata"]
    assert node["hasEvidenceGraph"] == {"@id": graph_id}
    listed = api.http.get("/evidencegraph").json()["evidencegraphs"]
    assert graph_id in {g["@id"] for g in listed}
    again = _built(api, output)
    assert again["result"]["evidence_graph_id"] == graph_id  # rebuilt in place, same ARK


def test_graphs_belong_to_their_builder_and_publish_no_email(api, fresh_fairscape_zip) -> None:
    job = api.ingest(fresh_fairscape_zip)
    output = next(i for i in job["identifiers"] if "/dataset-summary-statistics" in i)
    started = api.http.post(f"/evidencegraph/build/{output}", headers=api.auth("alice")).json()
    endpoint = started["status_endpoint"]
    assert api.http.get(endpoint).status_code == 401
    assert api.http.get(endpoint, headers=api.auth("bob")).status_code == 403
    alices = _built(api, output)["result"]["evidence_graph_id"]
    bobs = _built(api, output, "bob")["result"]["evidence_graph_id"]
    assert bobs != alices  # rebuilding never takes someone else's graph
    graph = api.http.get(f"/evidencegraph/{alices}").json()
    assert "alice@example.org" not in str(graph)
    assert "permissions" not in graph
    assert (
        api.http.get(f"/evidencegraph/{bobs}", headers=api.auth("bob")).json()["permissions"][
            "owner"
        ]
        == "bob@example.org"
    )
    api.http.delete(f"/evidencegraph/{alices}", headers=api.auth("alice"))
    rebuilt = _built(api, output)["result"]["evidence_graph_id"]
    assert rebuilt not in (alices, bobs)  # a deleted graph's ARK stays a tombstone


def test_simultaneous_builds_of_one_graph_both_succeed_with_one_ark(
    api, fresh_fairscape_zip
) -> None:
    job = api.ingest(fresh_fairscape_zip)
    output = next(i for i in job["identifiers"] if "/dataset-summary-statistics" in i)
    endpoints = [
        api.http.post(f"/evidencegraph/build/{output}", headers=api.auth("alice")).json()[
            "status_endpoint"
        ]
        for _ in range(4)
    ]
    results = []
    for endpoint in endpoints:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = api.http.get(endpoint, headers=api.auth("alice")).json()
            if status["status"] in ("SUCCESS", "FAILURE"):
                break
            time.sleep(0.1)
        results.append(status)
    assert [r["status"] for r in results] == ["SUCCESS"] * 4, results
    assert len({r["result"]["evidence_graph_id"] for r in results}) == 1


def test_register_query_and_delete_a_graph(api) -> None:
    ark = f"ark:59852/evidence-graph-{uuid.uuid4().hex[:8]}"
    created = api.http.post(
        "/evidencegraph",
        headers=api.auth("alice"),
        json={"@id": ark, "name": "hand-made", "description": "by a client"},
    )
    assert created.status_code == 201, created.text
    assert (
        api.http.post(
            "/evidencegraph", headers=api.auth("alice"), json={"@id": ark, "name": "again"}
        ).status_code
        == 409
    )
    assert api.http.get(f"/evidencegraph/query/{ark}").status_code == 401
    queried = api.http.get(f"/evidencegraph/query/{ark}", headers=api.auth("bob"))
    assert queried.status_code == 200
    assert queried.json()["@id"] == ark
    assert queried.json()["metadata"]["name"] == "hand-made"
    assert api.http.delete(f"/evidencegraph/{ark}", headers=api.auth("bob")).status_code == 403
    deleted = api.http.delete(f"/evidencegraph/{ark}", headers=api.auth("alice"))
    assert deleted.json() == {"deleted": {"@id": ark}}


def test_unknown_builds_and_graphs_are_404(api) -> None:
    assert (
        api.http.get("/evidencegraph/build/status/nope", headers=api.auth("alice")).status_code
        == 404
    )
    assert (
        api.http.post(
            "/evidencegraph", headers=api.auth("alice"), json={"@id": "ark:12a/bad", "name": "x"}
        ).status_code
        == 400
    )
    assert api.http.get("/evidencegraph/ark:99999/fd1nothere").status_code == 404
    assert (
        api.http.post(
            "/evidencegraph/build/ark:99999/fd1nothere", headers=api.auth("alice")
        ).status_code
        == 404
    )
