"""The two deployment shapes the suite runs against, started for real.

- embedded: one `fairdepot serve` (SQLite, local blobs, in-process worker);
- scaleout: a fresh PostgreSQL database and S3 bucket (SeaweedFS), `fairdepot db upgrade`, two
  API processes (`serve --no-worker`) behind a round-robin balancer, and two `fairdepot worker`s.

Choose with FAIRDEPOT_TEST_BACKEND=embedded|scaleout (default embedded).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from tests.support.balancer import RoundRobinBalancer, listening_socket
from tests.support.server import FAIRDEPOT, OnLoopback, ServerProcess, embedded_env, free_port

POSTGRES_ADMIN_URL = os.environ.get(
    "FAIRDEPOT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def backend_name() -> str:
    return os.environ.get("FAIRDEPOT_TEST_BACKEND", "embedded")


@dataclass
class Deployment(OnLoopback):
    """What a test talks to: one base URL, plus the environment to look behind it."""

    env: dict[str, str]
    port: int
    root: Path
    servers: list[ServerProcess] = field(default_factory=list)
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    balancer: RoundRobinBalancer | None = None
    cleanups: list = field(default_factory=list)

    def start_worker(self) -> subprocess.Popen[bytes]:
        """A `fairdepot worker` process; it gets no FAIRDEPOT_PUBLIC_URL (it needs none: what
        it stores holds no host, tests/e2e/test_links_follow_public_url.py)."""
        log = (self.root / f"worker-{len(self.workers)}.log").open("ab")
        process = subprocess.Popen(
            [*FAIRDEPOT, "worker", "--log-level", "warning"],
            env={k: v for k, v in self.env.items() if k != "FAIRDEPOT_PUBLIC_URL"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(process)
        return process

    def stop_workers(self) -> None:
        """SIGTERM every worker still running (SIGKILL after 20 s); servers keep running."""
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.balancer:
            self.balancer.stop()
        for server in self.servers:
            server.stop()
        self.stop_workers()
        for cleanup in reversed(self.cleanups):
            with contextlib.suppress(Exception):
                cleanup()


def embedded(root: Path, extra: dict[str, str] | None = None) -> Deployment:
    port = free_port()
    env = embedded_env(root / "data", port, extra)
    deployment = Deployment(env, port, root)
    deployment.servers.append(ServerProcess(env, port, root / "server.log").start())
    return deployment


def create_database(name: str, template: str | None = None) -> str:
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    copied = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"{copied}')
    admin.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def delete_bucket(seaweedfs, bucket: str) -> None:
    client = seaweedfs.client()
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys})
    client.delete_bucket(Bucket=bucket)


def scaleout(
    root: Path,
    seaweedfs,
    *,
    api_processes: int = 2,
    workers: int = 2,
    extra: dict[str, str] | None = None,
) -> Deployment:
    tag = uuid.uuid4().hex[:10]
    database = f"fairdepot_test_{tag}"
    bucket = f"fairdepot-test-{tag}"
    listener = listening_socket()  # the balancer's port, held from now on
    port = int(listener.getsockname()[1])
    options = seaweedfs.store_options()
    env = embedded_env(
        root / "data",
        port,
        {
            "FAIRDEPOT_DATABASE_URL": create_database(database),
            "FAIRDEPOT_STORAGE_URL": f"s3://{bucket}",
            "FAIRDEPOT_S3_ENDPOINT_URL": options["endpoint_url"],
            "FAIRDEPOT_S3_REGION": options["region"],
            "FAIRDEPOT_S3_ACCESS_KEY_ID": options["access_key_id"],
            "FAIRDEPOT_S3_SECRET_ACCESS_KEY": options["secret_access_key"],
            "FAIRDEPOT_SECRET_KEY": uuid.uuid4().hex,
            **(extra or {}),
        },
    )
    deployment = Deployment(env, port, root)
    deployment.cleanups.append(listener.close)
    deployment.cleanups.append(lambda: drop_database(database))
    deployment.cleanups.append(lambda: delete_bucket(seaweedfs, bucket))
    try:
        subprocess.run([*FAIRDEPOT, "db", "upgrade"], env=env, check=True, capture_output=True)
        # All API processes start at the same moment, as an orchestrator starts replicas: what
        # they do at start-up must be safe concurrently (tests/e2e/test_concurrent_startup.py).
        deployment.servers.extend(
            ServerProcess(
                env, free_port(), root / f"api-{index}.log", ["--no-worker"], movable=True
            ).launch()
            for index in range(api_processes)
        )
        for server in deployment.servers:
            server.wait_until_healthy()
        backends = [server.port for server in deployment.servers]
        for _ in range(workers):
            deployment.start_worker()
        deployment.balancer = RoundRobinBalancer(listener, backends).start()
    except BaseException:
        deployment.stop()
        raise
    return deployment
