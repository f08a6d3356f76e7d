"""How the app is put together where it decides speed: route order and the start-up heap.

docs/performance.md §Resolver has the profiles: with every SciCat route tried before it, route
matching was half of a cached resolve; with the start-up objects in the collector's sight,
every full collection paused the event loop for 100-200 ms, the resolver's p99.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from fairdepot.app import create_app
from fairdepot.config import Settings


def _first_match(app: FastAPI, path: str, method: str = "GET") -> int | None:
    """The position, among the app's top-level routes, of the first that takes the request:
    the order routing tries them in (whatever FastAPI version: included routers or routes)."""
    scope = {
        "type": "http",
        "path": path,
        "method": method,
        "root_path": "",
        "headers": [],
        "query_string": b"",
        "app": app,
    }
    for position, route in enumerate(app.router.routes):
        if route.matches(scope)[0] is Match.FULL:
            return position
    return None


def test_the_resolver_is_tried_before_every_face() -> None:
    app = create_app(Settings(), run_worker=False)
    resolver = max(_first_match(app, "/api/ark:99999/x"), _first_match(app, "/ark:99999/x"))
    faces = [
        _first_match(app, path, method)
        for path, method in (
            ("/api/v3/datasets", "GET"),
            ("/api/v4/datasets", "GET"),
            ("/gcat/items", "GET"),
            ("/api/rocrate/upload-async", "POST"),
            ("/rocrate/upload-async", "POST"),
            ("/api/login", "POST"),
        )
    ]
    assert None not in faces
    assert all(resolver < face for face in faces), (resolver, faces)


def test_the_resolver_still_answers_under_both_prefixes(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", public_url="http://testserver")
    with TestClient(create_app(settings, run_worker=False)) as client:
        for prefix in ("/api", ""):
            response = client.get(f"{prefix}/ark:99999/no-such-record")
            assert response.status_code == 404, (prefix, response.text)


def test_start_up_objects_are_frozen_while_the_app_runs_and_freed_after(tmp_path: Path) -> None:
    gc.unfreeze()
    settings = Settings(data_dir=tmp_path / "data", public_url="http://testserver")
    app = create_app(settings, run_worker=False)
    with TestClient(app):
        assert gc.get_freeze_count() > 10_000
        runtime = weakref.ref(app.state.runtime)
    assert gc.get_freeze_count() == 0
    del app
    gc.collect()
    assert runtime() is None  # a process that starts several apps keeps none of them
