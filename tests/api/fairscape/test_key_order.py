"""A FAIRSCAPE record's metadata is read back with its keys in the order written, on both
databases (PostgreSQL's JSONB would answer shorter keys first)."""

from __future__ import annotations

import uuid

from tests.api.scicat.test_key_order import key_order

NESTED = {"zeta": "z", "alpha": {"bb": 1, "a": [{"yy": 1, "x": 2}]}, "mid": 3, "a": True}


def test_software_metadata_keeps_the_written_key_order(api) -> None:
    body = {
        "@type": "https://w3id.org/EVI#Software",
        "name": f"ordered tool {uuid.uuid4().hex[:6]}",
        "description": "keys in a deliberate order",
        "keywords": ["order"],
        "additionalProperty": NESTED,
    }
    created = api.http.post("/software", json=body, headers=api.auth("alice"))
    assert created.status_code == 201, created.text
    ark = created.json()["@id"]
    read = api.http.get(f"/software/{ark}")
    assert read.status_code == 200, read.text
    assert key_order(read.json()["metadata"]["additionalProperty"]) == key_order(NESTED)
