"""Running the real fairdepot server (and workers) as subprocesses for tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PYTHON = sys.executable
FAIRDEPOT = [PYTHON, "-m", "fairdepot"]


_HANDED_OUT: set[int] = set()
"""Ports this process already gave out: a port is free again the moment its probe socket
closes, so two deployments' servers (or a balancer not yet listening and an API process) could
be given the same one and one of them fail with "address already in use"."""


def free_port() -> int:
    """A loopback port nothing listens on, never one this process handed out before."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


ACCOUNTS = [
    {
        "user": {"username": "alice", "email": "alice@example.org", "password": "alice-pw"},
        "role": "lab-a",
        "global": False,
    },
    {
        "user": {"username": "bob", "email": "bob@example.org", "password": "bob-pw"},
        "role": "lab-b",
        "global": False,
    },
    {
        "user": {"username": "carol", "email": "carol@example.org", "password": "carol-pw"},
        "role": "lab-a",
        "global": False,
    },
    {
        "user": {"username": "admin", "email": "admin@example.org", "password": "admin-pw"},
        "role": "admin",
        "global": True,
    },
]


class OnLoopback:
    """Addresses of something listening on 127.0.0.1:`port` with settings in `env`."""

    env: dict[str, str]
    port: int

    @property
    def data_dir(self) -> Path:
        return Path(self.env["FAIRDEPOT_DATA_DIR"])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api"


@dataclass
class ServerProcess(OnLoopback):
    """One `fairdepot serve` process with its own environment."""

    env: dict[str, str]
    port: int
    log_path: Path
    args: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    movable: bool = False
    """Whether the port may change: a process behind the balancer, whose port no setting names,
    is relaunched on another free port if something else took its port first."""

    def start(self, timeout: float = 60) -> ServerProcess:
        return self.launch().wait_until_healthy(timeout)

    def launch(self) -> ServerProcess:
        """Start the process without waiting, so that several can start at the same moment."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                *FAIRDEPOT,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                *self.args,
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_until_healthy(self, timeout: float = 60) -> ServerProcess:
        assert self.process is not None, "launch() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log_path.read_text()
                if self.movable and "address already in use" in log[-3000:]:
                    # another process bound the port between our probe and this server's bind
                    self.port = free_port()
                    self.launch()
                    continue
                raise RuntimeError(f"server exited: {log[-3000:]}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def embedded_env(data_dir: Path, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    accounts = data_dir.parent / "functionalAccounts.json"
    accounts.write_text(json.dumps(ACCOUNTS))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAIRDEPOT_")}
    env.update(
        {
            "FAIRDEPOT_DATA_DIR": str(data_dir),
            "FAIRDEPOT_ACCOUNTS_FILE": str(accounts),
            "FAIRDEPOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "FAIRDEPOT_WORKER_POLL_SECONDS": "0.2",
            # tests check that deletions remove blobs at once; backup tests set a real grace
            "FAIRDEPOT_BLOB_DELETION_GRACE_SECONDS": "0",
        }
    )
    env.update(extra or {})
    return env
