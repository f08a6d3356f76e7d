"""Concurrent updates of one record: none is lost, and stale ones are refused, not applied."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx


def _software(api) -> str:
    body = {"@type": "https://w3id.org/EVI#Software", "name": f"contended {uuid.uuid4().hex[:6]}"}
    return api.http.post("/software", json=body, headers=api.auth("alice")).json()["@id"]


def test_two_writers_with_the_same_etag_one_wins_one_gets_412(api) -> None:
    ark = _software(api)
    current = api.http.get(f"/{ark}")
    etag, metadata = current.headers["etag"], current.json()["metadata"]
    headers = {**api.auth("alice"), "If-Match": etag}

    def put(version: str) -> int:
        with httpx.Client(base_url=api.url, timeout=60) as client:
            return client.put(
                f"/{ark}", json={**metadata, "version": version}, headers=headers
            ).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(put, ["a", "b"]))
    assert codes == [200, 412]
    final = api.http.get(f"/{ark}").json()
    assert final["revision"] == current.json()["revision"] + 1


def test_many_concurrent_writers_lose_no_update(api) -> None:
    ark = _software(api)
    start = api.http.get(f"/{ark}").json()
    metadata = start["metadata"]

    def put(index: int) -> int:
        with httpx.Client(base_url=api.url, timeout=60) as client:
            return client.put(
                f"/{ark}", json={**metadata, "version": f"v{index}"}, headers=api.auth("alice")
            ).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(put, range(8)))
    assert set(codes) <= {200, 412}, codes
    succeeded = codes.count(200)
    assert succeeded >= 1
    final = api.http.get(f"/{ark}").json()
    # every accepted write made exactly one new revision: none overwrote another unseen
    assert final["revision"] == start["revision"] + succeeded
