"""How the app is put together where it decides speed: route order and the start-up heap.

docs/performance.md §Resolver has the profiles: with every SciCat route tried before it, route
matching was half of a cached resolve; with the start-up objects in the collector's sight,
every full collection paused the event loop for 100-200 ms, the resolver's p99.
"""

from __future__ import annotations

import gc
from pathlib import Path

from fastapi.testclient import TestClient

from fairdepot.api import fairscape
from fairdepot.app import create_app
from fairdepot.config import Settings


def _included_routers(app) -> list:
    return [route for route in app.router.routes if hasattr(route, "original_router")]


def test_the_resolver_is_tried_before_every_face() -> None:
    app = create_app(Settings(), run_worker=False)
    first, second, *faces = _included_routers(app)
    assert first.original_router is fairscape.resolver_router
    assert second.original_router is fairscape.resolver_router
    assert all(face.original_router is not fairscape.resolver_router for face in faces)


def test_the_resolver_still_answers_under_both_prefixes(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", public_url="http://testserver")
    with TestClient(create_app(settings, run_worker=False)) as client:
        for prefix in ("/api", ""):
            response = client.get(f"{prefix}/ark:99999/no-such-record")
            assert response.status_code == 404, (prefix, response.text)


def test_start_up_objects_are_frozen_out_of_the_collector(tmp_path: Path) -> None:
    gc.unfreeze()
    settings = Settings(data_dir=tmp_path / "data", public_url="http://testserver")
    try:
        with TestClient(create_app(settings, run_worker=False)):
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
