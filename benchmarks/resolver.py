"""Resolver throughput against `/healthz` of the same process, under wrk at 64 connections.

Starts a real embedded server (`fairdepot serve`), ingests the fairscape-cli example crate, then
drives `GET /api/ark:...` as JSON, JSON-LD and Turtle, and `GET /healthz`, with wrk. Prints
req/s, p50 and p99 for each and the ratio of each to /healthz (the same process, the same
machine, the same run: the ratio is what we compare between versions, not the raw figures).

    apt-get install -y wrk      # the load generator (Debian package)
    .venv/bin/python benchmarks/resolver.py [--seconds 10] [--connections 64] [--warmup 2]
    .venv/bin/python benchmarks/resolver.py --py-spy profile.svg   # profile the JSON run
    .venv/bin/python benchmarks/resolver.py --py-spy stacks.txt    # the same, collapsed stacks
    .venv/bin/python benchmarks/resolver.py --py-spy stacks.txt --idle  # idle threads too
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import Api
from tests.support.crates import fairscape_crate, fresh_copy, zip_folder
from tests.support.server import ServerProcess, embedded_env, free_port

TARGETS = {"json": 0.35, "turtle": 0.25}
"""Ratios to /healthz the resolver must reach (issue 7); JSON-LD is reported beside them."""

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass
class Run:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: str


def wrk(url: str, accept: str | None, seconds: int, connections: int, threads: int) -> Run:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if accept:
        command[1:1] = ["-H", f"Accept: {accept}"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = " ".join(
        line.strip() for line in out.splitlines() if "Non-2xx" in line or "Socket errors" in line
    )
    return Run("", rate, _percentile(out, "50"), _percentile(out, "99"), errors)


def _percentile(out: str, which: str) -> float:
    found = re.search(rf"^\s+{which}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    if not found:
        raise RuntimeError(f"no {which}% latency in wrk's output:\n{out}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def alone_ms(url: str, accept: str | None, count: int = 200) -> float:
    """Median time of one request on an idle server (one keep-alive connection)."""
    headers = {"Accept": accept} if accept else {}
    times = []
    with httpx.Client() as client:
        for _ in range(count):
            started = time.perf_counter()
            client.get(url, headers=headers).raise_for_status()
            times.append((time.perf_counter() - started) * 1e3)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="seconds of unmeasured load per case first (the first case measured right after"
        " a cold start was consistently the slowest)",
    )
    parser.add_argument(
        "--py-spy",
        metavar="FILE",
        help="py-spy record the server in the JSON run (.svg: flame graph, else raw stacks)",
    )
    parser.add_argument(
        "--idle",
        action="store_true",
        help="with --py-spy: sample idle threads too (what slow requests wait for)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk (Debian/Ubuntu package)")
    py_spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if args.py_spy and py_spy is None:
        sys.exit("py-spy is not installed: pip install py-spy")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        port = free_port()
        server = ServerProcess(embedded_env(root / "data", port), port, root / "server.log").start()
        try:
            assert server.process is not None
            api = Api(server)
            crate = fresh_copy(fairscape_crate(root / "crates"), root / "crate")
            job = api.ingest(zip_folder(crate, root / "crate.zip"))
            assert job["status"] == "COMPLETE", job
            ark = next(i for i in job["identifiers"] if "/dataset-" in i)
            resolver = f"{server.api_url}/{ark}"
            cases = [
                ("healthz", f"{server.base_url}/healthz", None),
                ("json", resolver, "application/json"),
                ("jsonld", resolver, "application/ld+json"),
                ("turtle", resolver, "text/turtle"),
            ]
            runs: dict[str, Run] = {}
            alone: dict[str, float] = {}
            for _, url, accept in cases if args.warmup > 0 else ():
                wrk(url, accept, args.warmup, args.connections, args.threads)
            for name, url, accept in cases:
                alone[name] = alone_ms(url, accept)
                spy = None
                if args.py_spy and name == "json":
                    spy = subprocess.Popen(
                        [py_spy, "record", "-o", args.py_spy, "-p", str(server.process.pid),
                         "-d", str(args.seconds), "--nonblocking",
                         "--format", "flamegraph" if args.py_spy.endswith(".svg") else "raw",
                         *(["--idle"] if args.idle else [])],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )  # fmt: skip
                runs[name] = wrk(url, accept, args.seconds, args.connections, args.threads)
                runs[name].name = name
                if spy:
                    spy.wait()
        finally:
            server.stop()
    base = runs["healthz"].requests_per_second
    print(f"wrk {args.connections} connections, {args.seconds} s each; one server process")
    print(f"{'':8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'p99/p50':>8} {'alone ms':>9} ratio")
    for name, run in runs.items():
        ratio = run.requests_per_second / base
        target = f" (target >= {TARGETS[name]})" if name in TARGETS else ""
        print(
            f"{name:8} {run.requests_per_second:9.0f} {run.p50_ms:8.2f} {run.p99_ms:8.2f} "
            f"{run.p99_ms / run.p50_ms:8.1f} {alone[name]:9.2f} {ratio:.2f}{target}"
            + (f"  [{run.errors}]" if run.errors else "")
        )


if __name__ == "__main__":
    main()
