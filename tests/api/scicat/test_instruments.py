"""SciCat instruments on a real server: administrators create (uniqueName and name required,
pid a uuid4) and patch them; anyone reads them; a duplicate pid is 409; pyscicat's findOne
without `filter=` finds by name."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

from tests.support.scicat import Scicat


def test_an_instrument_is_created_by_an_administrator_and_read_by_anyone(scicat: Scicat) -> None:
    name = f"hexapod-{uuid.uuid4()}"
    body = {"uniqueName": name, "name": name, "customMetadata": {"beamline": "ID31"}}
    assert scicat.request("POST", "/api/v3/instruments", "user1", json=body).status_code == 403
    created = scicat.request("POST", "/api/v3/instruments", "admin", json=body)
    assert created.status_code == 201, created.text
    out = created.json()
    assert uuid.UUID(out["pid"]).version == 4
    assert out["customMetadata"] == {"beamline": "ID31"}
    anonymous = scicat.request("GET", f"/api/v3/Instruments/{out['pid']}", None)
    assert anonymous.status_code == 200
    assert anonymous.json() == out
    listed = scicat.request("GET", "/api/v3/instruments", None).json()
    assert out["pid"] in [i["pid"] for i in listed]
    again = scicat.request("POST", "/api/v3/instruments", "admin", json={**body, "pid": out["pid"]})
    assert again.status_code == 409


def test_instrument_bodies_and_patches_are_checked(scicat: Scicat) -> None:
    missing = scicat.request("POST", "/api/v3/instruments", "admin", json={"name": "x"})
    assert missing.status_code == 400
    assert missing.json()["message"] == ["uniqueName must be a string"]
    body = {"uniqueName": f"u-{uuid.uuid4()}", "name": "first"}
    out = scicat.request("POST", "/api/v3/instruments", "admin", json=body).json()
    path = f"/api/v3/instruments/{out['pid']}"
    assert scicat.request("PATCH", path, "user1", json={"name": "no"}).status_code == 403
    patched = scicat.request("PATCH", path, "admin", json={"name": "second"})
    assert patched.status_code == 200
    assert patched.json()["name"] == "second"
    assert scicat.request("GET", path, None).json()["name"] == "second"
    assert scicat.request("PATCH", path, "admin", json={"name": 5}).status_code == 400
    assert scicat.request("GET", f"/api/v3/instruments/{uuid.uuid4()}", None).status_code == 404


def test_find_one_reads_a_whole_query_string_as_the_filter(scicat: Scicat) -> None:
    name = f"pyscicat-{uuid.uuid4()}"
    body = {"uniqueName": name, "name": name}
    assert scicat.request("POST", "/api/v3/instruments", "admin", json=body).status_code == 201
    query = json.dumps({"where": {"name": {"like": name}}})
    found = scicat.request("GET", f"/api/v3/Instruments/findOne?{query}", "user1")
    assert found.status_code == 200, found.text
    assert found.json()["uniqueName"] == name
    encoded = scicat.request("GET", f"/api/v3/instruments/findOne?{quote(query)}", "user1")
    assert encoded.json()["uniqueName"] == name
    none = json.dumps({"where": {"name": f"absent-{uuid.uuid4()}"}})
    nothing = scicat.request("GET", "/api/v3/instruments/findone", "user1", params={"filter": none})
    assert nothing.status_code == 200
    assert nothing.json() is None
