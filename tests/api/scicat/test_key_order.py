"""Documents are read back with their keys in the order the client wrote them, on both
databases: PostgreSQL's JSONB would answer shorter keys first (issue 8). Compared as lists of
keys at every depth, since dict equality ignores order."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.support.scicat import Scicat, pid_path

# neither sorted nor by length (JSONB's order: "a", "mid", "zeta", "alpha"); no value/unit
# pair, so no valueSI/unitSI is added
WRITTEN: dict[str, Any] = {
    "zeta": "last letter first",
    "alpha": 1,
    "mid": {"b": 1, "a": 2, "list": [{"yy": 1, "x": 2}]},
    "a": True,
}


def key_order(value: object) -> object:
    """The keys of every object in `value`, in order, nested as the value is."""
    if isinstance(value, dict):
        return [(key, key_order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [key_order(item) for item in value]
    return None


def test_key_order_helper_sees_a_reordering() -> None:
    assert key_order({"b": 1, "a": 2}) != key_order({"a": 2, "b": 1})
    assert key_order({"x": [{"b": 1, "a": 2}]}) != key_order({"x": [{"a": 2, "b": 1}]})


def _dataset(tag: str) -> dict[str, Any]:
    return {
        "type": "raw",
        "ownerGroup": "group1",
        "accessGroups": [],
        "owner": "Ann Owner",
        "contactEmail": "ann@example.org",
        "sourceFolder": f"/data/{tag}/run",
        "creationTime": "2024-05-01T10:00:00Z",
        "principalInvestigators": ["Pat Investigator"],
        "creationLocation": "Beamline X",
        "datasetName": f"dataset {tag}",
        "scientificMetadata": WRITTEN,
    }


def test_scientific_metadata_keeps_the_written_key_order(scicat: Scicat) -> None:
    tag = f"keyorder-{uuid.uuid4().hex[:8]}"
    created = scicat.request("POST", "/api/v4/datasets", "user1", json=_dataset(tag))
    assert created.status_code == 201, created.text
    expected = key_order(WRITTEN)
    assert key_order(created.json()["scientificMetadata"]) == expected
    pid = pid_path(created.json()["pid"])
    for path in (f"/api/v4/datasets/{pid}", f"/api/v3/datasets/{pid}"):
        read = scicat.request("GET", path, "user1")
        assert read.status_code == 200, read.text
        assert key_order(read.json()["scientificMetadata"]) == expected, path
    where = json.dumps({"where": {"datasetName": f"dataset {tag}"}})
    for path in ("/api/v4/datasets", "/api/v3/datasets"):
        listed = scicat.request("GET", path, "user1", params={"filter": where})
        assert listed.status_code == 200, listed.text
        assert [key_order(d["scientificMetadata"]) for d in listed.json()] == [expected], path


def test_sample_characteristics_keep_the_written_key_order(scicat: Scicat) -> None:
    body = {"ownerGroup": "group1", "description": "ordered", "sampleCharacteristics": WRITTEN}
    created = scicat.request("POST", "/api/v3/samples", "user1", json=body)
    assert created.status_code == 201, created.text
    sample_id = created.json()["sampleId"]
    expected = key_order(WRITTEN)
    read = scicat.request("GET", f"/api/v3/samples/{pid_path(sample_id)}", "user1")
    assert read.status_code == 200, read.text
    assert key_order(read.json()["sampleCharacteristics"]) == expected
    where = json.dumps({"where": {"sampleId": sample_id}})
    listed = scicat.request("GET", "/api/v3/samples", "user1", params={"filter": where})
    assert listed.status_code == 200, listed.text
    assert [key_order(s["sampleCharacteristics"]) for s in listed.json()] == [expected]
