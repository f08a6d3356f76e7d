"""A worker loop: claim a job, run it, repeat; tidy up between jobs.

The same loop runs as a thread inside `fairdepot serve` (embedded) and as its own process
(`fairdepot worker`) on any number of machines; the job table's leases keep them apart.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from fairdepot.core.errors import DependencyUnavailable
from fairdepot.core.jobs import Claim
from fairdepot.services import provenance
from fairdepot.services.crates import ingest
from fairdepot.services.jobs import fail_exhausted_jobs
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import unit_of_work

log = logging.getLogger(__name__)
Handler = Callable[[Runtime, Claim], None]
_HOUSEKEEPING_EVERY = 10.0


class Worker:
    def __init__(
        self, runtime: Runtime, name: str | None = None, handlers: dict[str, Handler] | None = None
    ) -> None:
        self.runtime = runtime
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.handlers = handlers or {
            ingest.CRATE_INGEST: ingest.run_crate_ingest,
            provenance.EVIDENCE_GRAPH_BUILD: provenance.run_build,
        }
        self.stopping = threading.Event()
        self._last_housekeeping = 0.0

    def run_once(self) -> bool:
        """Run at most one job; True if one was run."""
        self._housekeeping()
        lease = timedelta(seconds=self.runtime.settings.job_lease_seconds)
        with unit_of_work(self.runtime) as work:
            claim = work.jobs.claim_next(self.name, lease, self.runtime.settings.job_max_attempts)
        if claim is None:
            return False
        handler = self.handlers.get(claim.kind)
        if handler is None:
            log.error("no handler for job kind %r (job %s)", claim.kind, claim.job_id)
            return True
        log.info(
            "worker %s runs %s job %s (attempt %s)",
            self.name,
            claim.kind,
            claim.job_id,
            claim.attempt,
        )
        handler(self.runtime, claim)
        return True

    def run_forever(self) -> None:
        poll = self.runtime.settings.worker_poll_seconds
        while not self.stopping.is_set():
            try:
                if self.run_once():
                    continue
            except DependencyUnavailable as exc:  # an outage: no traceback, try again later
                log.warning("worker %s: %s", self.name, exc)
            except Exception:  # the loop must survive anything
                log.exception("worker %s: error while looking for jobs", self.name)
            self.runtime.job_submitted.wait(poll)
            self.runtime.job_submitted.clear()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="fairdepot-worker", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopping.set()
        self.runtime.job_submitted.set()

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if now - self._last_housekeeping < _HOUSEKEEPING_EVERY:
            return
        self._last_housekeeping = now
        try:
            fail_exhausted_jobs(self.runtime, {ingest.CRATE_INGEST: ingest.crate_orphans})
            self.runtime.flush_blob_deletions()
        except DependencyUnavailable as exc:
            log.warning("worker %s: housekeeping postponed: %s", self.name, exc)
        except Exception:
            log.exception("worker %s: housekeeping failed", self.name)
