"""Readiness: can this process serve requests now? Liveness (`/healthz`) only says it runs.

A load balancer polls this often, so each check has a short deadline and both run at once;
a check that outlives its deadline is reported down and left to finish in its thread (the blob
store's probe has timeouts of its own, so such a thread ends soon).
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from fairdepot.core.errors import DependencyUnavailable
from fairdepot.services.runtime import Runtime

log = logging.getLogger(__name__)

_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="readiness")


@dataclass(frozen=True)
class Readiness:
    ready: bool
    checks: dict[str, dict[str, object]]


def check(runtime: Runtime) -> Readiness:
    timeout = runtime.settings.readiness_timeout_seconds
    probes: dict[str, Callable[[], None]] = {
        "database": lambda: _ping_database(runtime),
        "blobStore": lambda: runtime.blobs.check_available(timeout),
    }
    started = time.monotonic()
    futures = {name: _POOL.submit(probe) for name, probe in probes.items()}
    checks: dict[str, dict[str, object]] = {}
    for name, future in futures.items():
        left = max(0.0, timeout - (time.monotonic() - started))
        try:
            future.result(timeout=left)
            checks[name] = {"status": "up"}
        except concurrent.futures.TimeoutError:
            checks[name] = {"status": "down", "error": f"no answer within {timeout:g} s"}
        except DependencyUnavailable as error:  # the cause may name hosts: the log gets it
            log.warning("not ready: %s", error)
            checks[name] = {"status": "down", "error": error.message}
        except Exception as error:
            log.warning("not ready: %s check failed: %r", name, error)
            checks[name] = {"status": "down", "error": f"the check failed ({type(error).__name__})"}
    return Readiness(all(c["status"] == "up" for c in checks.values()), checks)


def _ping_database(runtime: Runtime) -> None:
    runtime.database.ping()
