"""Paging parameters beyond what a database can count are refused, never a 500.

Found by the schemathesis run (tests/api/test_openapi_conformance.py): an `offset` larger
than a 64-bit integer reached SQLite/PostgreSQL and failed there.
"""

from __future__ import annotations

import pytest

HUGE = str(2**64 + 7)


@pytest.mark.parametrize(
    ("path", "params", "login"),
    [
        ("/rocrate", {}, True),
        ("/search/basic", {"query": "expression"}, False),
        ("/evidencegraph", {}, False),
    ],
)
def test_an_offset_past_any_database_integer_is_a_422_problem(api, path, params, login) -> None:
    headers = api.auth("alice") if login else {}
    response = api.http.get(path, params={**params, "offset": HUGE}, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "offset" in response.json()["detail"]


def test_a_large_but_countable_offset_is_an_empty_page(api) -> None:
    response = api.http.get("/search/basic", params={"query": "expression", "offset": 10**9})
    assert response.status_code == 200, response.text
    assert response.json()["results"] == []
