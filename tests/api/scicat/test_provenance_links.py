"""A derived SciCat dataset's inputs are provenance links: its ARK's JSON-LD points to each
input's ARK (`usedDataset`, `isBasedOn`) and FAIRSCAPE's evidence graph follows them."""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.support.scicat import Scicat, pid_path


def _ark_of(scicat: Scicat, pid: str) -> str:
    """The ARK of a dataset: the search hit whose JSON-LD names its pid."""
    name = scicat.request("GET", f"/api/v3/datasets/{pid_path(pid)}", "admin").json()["datasetName"]
    found = scicat.request("GET", "/api/search/basic", "admin", params={"query": name})
    assert found.status_code == 200, found.text
    arks = [h["@id"] for h in found.json()["results"]]
    [ark] = [a for a in arks if _jsonld(scicat, a).get("identifier") == [pid]]
    return str(ark)


def _jsonld(scicat: Scicat, ark: str) -> dict[str, Any]:
    resolved = scicat.request("GET", f"/api/{ark}")
    assert resolved.status_code == 200, resolved.text
    return dict(resolved.json()["metadata"])


def _evidence_graph(scicat: Scicat, ark: str) -> list[dict[str, Any]]:
    started = scicat.request("POST", f"/api/evidencegraph/build/{ark}")
    assert started.status_code == 202, started.text
    endpoint = "/api" + started.json()["status_endpoint"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = scicat.request("GET", endpoint).json()
        if status["status"] in ("SUCCESS", "FAILURE"):
            assert status["status"] == "SUCCESS", status
            graph_ark = status["result"]["evidence_graph_id"]
            graph = scicat.request("GET", f"/api/evidencegraph/{graph_ark}")
            assert graph.status_code == 200, graph.text
            return list(graph.json()["metadata"]["@graph"])
        time.sleep(0.1)
    raise AssertionError("evidence graph build did not finish")


def test_a_scitacean_derived_dataset_links_its_input_ark_and_the_evidence_graph_has_it(
    scicat: Scicat,
) -> None:
    from scitacean import Client, Dataset

    tag = f"prov{uuid.uuid4().hex[:10]}"
    client = Client.from_token(
        url=f"{scicat.base_url}/api", token=scicat.token("user1"), allow_http=True
    )
    raw = Dataset(
        type="raw",
        name=f"{tag} raw",
        owner="Ponder Stibbons",
        owner_group="group1",
        contact_email="ponder@uu.am",
        creation_location="UU",
        principal_investigators=["Ponder Stibbons"],
        source_folder=f"/facility/{tag}/raw",
    )
    uploaded = client.upload_new_dataset_now(raw)
    derived = uploaded.derive()
    derived.name = f"{tag} derived"
    derived.owner_group = "group1"
    derived.used_software = ["https://example.org/reduce", "reduce 1.0"]
    derived.input_datasets = [uploaded.pid, "elsewhere/0001"]
    derived.source_folder = f"/facility/{tag}/derived"
    derived_up = client.upload_new_dataset_now(derived)

    input_ark = _ark_of(scicat, str(uploaded.pid))
    derived_ark = _ark_of(scicat, str(derived_up.pid))
    document = _jsonld(scicat, derived_ark)
    links = [{"@id": input_ark}, {"identifier": "elsewhere/0001"}]
    assert document["usedDataset"] == links
    assert document["isBasedOn"] == links
    assert document["usedSoftware"] == [{"@id": "https://example.org/reduce"}, "reduce 1.0"]
    # the SciCat client still reads the pids it wrote
    assert [str(p) for p in client.get_dataset(derived_up.pid).input_datasets or []] == [
        str(uploaded.pid),
        "elsewhere/0001",
    ]

    nodes = {node["@id"]: node for node in _evidence_graph(scicat, derived_ark)}
    assert input_ark in nodes
    assert nodes[input_ark]["name"] == f"{tag} raw"


def test_an_input_created_later_is_linked_at_the_next_write_and_a_deleted_one_stays(
    scicat: Scicat,
) -> None:
    """The JSON-LD is computed when the dataset is written: an input that did not exist yet
    is a pid until the derived dataset changes; a deleted input stays an `@id` (its ARK
    answers 410, as FAIRSCAPE keeps links to ARKs that are gone) and the evidence graph
    leaves it out."""
    tag = f"provlate{uuid.uuid4().hex[:10]}"
    late_pid = f"{tag}/input"
    body = {
        "type": "derived",
        "datasetName": f"{tag} derived",
        "owner": "Ann",
        "contactEmail": "ann@example.org",
        "ownerGroup": "group1",
        "sourceFolder": f"/data/{tag}",
        "creationTime": "2024-06-01T08:00:00.000Z",
        "principalInvestigators": ["Ann"],
        "inputDatasets": [late_pid],
        "usedSoftware": ["reduce"],
    }
    created = scicat.request("POST", "/api/v4/datasets", json=body)
    assert created.status_code == 201, created.text
    derived_pid = created.json()["pid"]
    derived_ark = _ark_of(scicat, derived_pid)
    assert _jsonld(scicat, derived_ark)["usedDataset"] == [{"identifier": late_pid}]

    raw = {
        **{k: v for k, v in body.items() if k not in ("inputDatasets", "usedSoftware")},
        "type": "raw",
        "pid": late_pid,
        "datasetName": f"{tag} input",
        "creationLocation": "UU",
    }
    made = scicat.request("POST", "/api/v4/datasets", "admin", json=raw)
    assert made.status_code == 201, made.text
    input_ark = _ark_of(scicat, late_pid)
    assert _jsonld(scicat, derived_ark)["usedDataset"] == [{"identifier": late_pid}]
    patched = scicat.request(
        "PATCH", f"/api/v4/datasets/{pid_path(derived_pid)}", json={"description": "again"}
    )
    assert patched.status_code == 200, patched.text
    assert _jsonld(scicat, derived_ark)["usedDataset"] == [{"@id": input_ark}]
    assert input_ark in {n["@id"] for n in _evidence_graph(scicat, derived_ark)}

    gone = scicat.request("DELETE", f"/api/v4/datasets/{pid_path(late_pid)}", "archivemanager")
    assert gone.status_code == 200, gone.text
    assert _jsonld(scicat, derived_ark)["usedDataset"] == [{"@id": input_ark}]
    assert scicat.request("GET", f"/api/{input_ark}").status_code == 410
    assert input_ark not in {n["@id"] for n in _evidence_graph(scicat, derived_ark)}
