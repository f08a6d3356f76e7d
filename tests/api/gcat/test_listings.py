"""`limit`, `offset` (rows) and `count` on every collection built so far."""

from __future__ import annotations

import pytest

COLLECTIONS = ["/organizations", "/groups", "/users"]


@pytest.fixture(scope="module")
def many(gcat) -> None:
    """More than a default page (10) of organizations and groups, whatever else exists."""
    for index in range(11):
        gcat.call("POST", "/organizations", "sysadmin", json={"name": gcat.name(f"o{index:02}")})
        gcat.call("POST", "/groups", "sysadmin", json={"name": gcat.name(f"g{index:02}")})


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_limit_offset_and_count(gcat, many, collection) -> None:
    everything = gcat.call("GET", f"{collection}?limit=-1", "sysadmin").json()
    assert len(everything) > 10
    assert everything == sorted(everything)
    assert gcat.call("GET", f"{collection}?limit=0", "sysadmin").json() == everything
    assert gcat.call("GET", collection, "sysadmin").json() == everything[:10]
    assert gcat.call("GET", f"{collection}?limit=3&offset=2", "sysadmin").json() == everything[2:5]
    counted = gcat.call("GET", f"{collection}?count=true", "sysadmin").json()
    assert counted == {"count": len(everything)}


@pytest.mark.parametrize("query", ["limit=ten", "offset=-1", "offset=x", "count=maybe"])
def test_bad_listing_parameters_are_400(gcat, query) -> None:
    answer = gcat.call("GET", f"/organizations?{query}", "sysadmin")
    assert answer.status_code == 400, answer.text
    assert answer.json()["problems"]
