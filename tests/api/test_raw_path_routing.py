"""Raw-path routing (api/common/raw_path.py): a `%2F` stays inside its segment, paths match
case-insensitively and with a trailing slash, and the handler reads the segment as sent."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from fairdepot.api.common.raw_path import RawPathRouting, raw_segment


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/v3/datasets/{pid}")
    def one(request: Request, pid: str) -> dict[str, str]:
        return {"route": "one", "pid": raw_segment(request, "pid")}

    @app.get("/api/v3/datasets/{pid}/origdatablocks")
    def blocks(request: Request, pid: str) -> dict[str, str]:
        return {"route": "blocks", "pid": raw_segment(request, "pid")}

    @app.get("/api/other/{name:path}")
    def other(name: str) -> dict[str, str]:
        return {"route": "other", "name": name}

    app.add_middleware(RawPathRouting, prefixes=["/api/v3"])
    return app


@pytest.fixture
def client() -> TestClient:
    return TestClient(_app())


@pytest.mark.parametrize(
    ("path", "route", "pid"),
    [
        ("/api/v3/datasets/PID.prefix.a0b1%2FAbC-1", "one", "PID.prefix.a0b1/AbC-1"),
        ("/api/v3/Datasets/PID.prefix.a0b1%2FAbC-1/", "one", "PID.prefix.a0b1/AbC-1"),
        ("/API/V3/DATASETS/x%2Fy/OrigDatablocks", "blocks", "x/y"),
        ("/api/v3/datasets/a+b%20c", "one", "a+b c"),
        ("/api/v3/datasets/%C3%A9t%C3%A9", "one", "été"),
    ],
)
def test_an_encoded_slash_stays_in_its_segment(
    client: TestClient, path: str, route: str, pid: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.json() == {"route": route, "pid": pid}


def test_an_unencoded_slash_is_another_path(client: TestClient) -> None:
    # as on the real backend: prefix/uuid unencoded is not the dataset route
    response = client.get("/api/v3/datasets/prefix/uuid")
    assert response.status_code == 404


def test_other_prefixes_route_as_before(client: TestClient) -> None:
    response = client.get("/api/other/A%2FB")
    assert response.json() == {"route": "other", "name": "A/B"}
    assert (client.get("/API/other/x")).status_code == 404
