"""Assembly: settings -> runtime -> FastAPI app with every face mounted, plus the worker."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from fairdepot import __version__
from fairdepot.api import fairscape, gcat, scicat
from fairdepot.api.common.errors import declare_problems, install_error_handlers
from fairdepot.api.common.raw_path import RawPathRouting
from fairdepot.api.gcat.errors import gcat_router_error
from fairdepot.api.home import FaceLink, home_router
from fairdepot.api.scicat.errors import scicat_router_error
from fairdepot.config import Settings
from fairdepot.services import accounts, readiness
from fairdepot.services.runtime import build_runtime
from fairdepot.worker.runner import Worker

log = logging.getLogger(__name__)

FACES = [
    FaceLink(
        "FAIRSCAPE",
        "/api",
        "log in, upload RO-Crates, resolve ARKs (fairscape-cli works against it)",
    ),
    FaceLink(
        "SciCat",
        "/api/v3",
        "datasets, origdatablocks, attachments (scitacean, pyscicat, scicat-sdk-py)",
    ),
    FaceLink(
        "gCat",
        "/gcat",
        "the gCube Catalogue REST API: organizations, groups, users, namespaces so far",
    ),
]
"""The public APIs mounted below; `GET /` lists them."""


def _settle_start_up_objects() -> None:
    """Take what start-up made (modules, routes, the runtime: ~270k objects) out of the cyclic
    garbage collector's sight, so that a full collection scans only what requests made since.

    Without it every full collection walked them all: a 100-200 ms pause of the event loop
    every few seconds under load, which every request in flight waited out (the resolver's
    p99, docs/performance.md §Resolver). Frozen objects are still freed by reference counting;
    only cycles among them wait until the app stops (`gc.unfreeze`, below), which matters to a
    process that starts several apps (tests), not to `fairdepot serve`'s one.
    """
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None, *, run_worker: bool = True) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # SQLite (embedded) migrates itself; a shared PostgreSQL is migrated by the operator
        # (`fairdepot db upgrade`) so that N API processes never race to migrate it.
        runtime = build_runtime(
            settings, migrate=settings.resolved_database_url.startswith("sqlite")
        )
        if settings.accounts_file:
            loaded = accounts.load_accounts_file(runtime, settings.accounts_file)
            log.info("loaded %d accounts from %s", len(loaded), settings.accounts_file)
        app.state.runtime = runtime
        worker = Worker(runtime) if run_worker else None
        if worker:
            worker.start_thread()
        _settle_start_up_objects()
        try:
            yield
        finally:
            if worker:
                worker.stop()
            runtime.close()
            gc.unfreeze()  # what start-up made may be collected again once the app is gone

    app = FastAPI(
        title="fairdepot",
        version=__version__,
        lifespan=lifespan,
        description="FAIR research-data repository: FAIRSCAPE, SciCat and gCat APIs "
        "over one catalogue, with ARKs for every record.",
    )

    @app.get("/healthz", tags=["operations"])
    @app.get("/api/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "healthy"}

    @app.get("/readyz", tags=["operations"])
    @app.get("/api/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        """200 when the database and the blob store answer, 503 naming what is down."""
        result = await run_in_threadpool(readiness.check, request.app.state.runtime)
        body = {"status": "ready" if result.ready else "unavailable", "checks": result.checks}
        return JSONResponse(body, status_code=200 if result.ready else 503)

    @app.get("/.well-known/ark", include_in_schema=False)
    async def ark_discovery() -> PlainTextResponse:
        # ARK resolver discovery: where this server's ARK resolution path starts.
        return PlainTextResponse(f"{settings.base_url}/api/\n")

    router_errors = {prefix: scicat_router_error for prefix in scicat.ROUTING_PREFIXES}
    router_errors[gcat.GCAT_PREFIX] = gcat_router_error
    install_error_handlers(app, router_errors)
    generated_openapi = app.openapi
    app.openapi = lambda: declare_problems(generated_openapi())  # type: ignore[method-assign]
    # The resolver before every face: the hot path, tried first (api/fairscape/__init__.py).
    app.include_router(fairscape.resolver_router, prefix="/api")
    app.include_router(fairscape.resolver_router, include_in_schema=False)
    app.include_router(home_router(FACES, settings.base_url))
    # SciCat first: its versioned prefixes must not reach FAIRSCAPE's catch-all routes
    app.include_router(scicat.router)
    app.add_middleware(RawPathRouting, prefixes=scicat.ROUTING_PREFIXES)
    # gCat before FAIRSCAPE's root routes; its method table answers OPTIONS, 405 and HEAD
    app.include_router(gcat.router)
    app.add_middleware(gcat.GcatMethods)
    # The real FAIRSCAPE server answers both under /api and at the root; so do we.
    app.include_router(fairscape.router, prefix="/api")
    app.include_router(fairscape.router, include_in_schema=False)
    return app
