"""Server memory while ingesting a large crate, as a ratio to the same server's baseline.

Starts a real embedded server, ingests a small crate twice (the second, on a warmed-up server,
is the baseline), then a large one (default 2 GiB in 64 files), sampling the server's resident
memory throughout. Streaming upload and ingest should keep the peak close to the baseline,
whatever the size.

    .venv/bin/python benchmarks/ingest_memory.py [--size-mib 2048] [--files 64]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import Api
from tests.support.server import ServerProcess, embedded_env, free_port
from tests.support.zips import ROOT, crate_metadata


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def make_crate(path: Path, size: int, files: int) -> Path:
    per_file = size // files
    entities = [
        {"@id": f"data/part-{i:03d}.bin", "@type": "File", "name": f"part {i}"}
        for i in range(files)
    ]
    metadata = crate_metadata(*entities, root={**ROOT, "name": "Large crate"})
    block = os.urandom(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("ro-crate-metadata.json", json.dumps(metadata))
        for entity in entities:
            with archive.open(entity["@id"], "w", force_zip64=True) as member:
                for _ in range(per_file // len(block)):
                    member.write(block)
    return path


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.02)


def measure(api: Api, pid: int, crate: Path) -> tuple[int, float, dict]:
    sampler = Sampler(pid)
    sampler.start()
    started = time.perf_counter()
    job = api.ingest(crate)
    elapsed = time.perf_counter() - started
    sampler.running = False
    sampler.join()
    return sampler.peak, elapsed, job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--files", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        port = free_port()
        server = ServerProcess(embedded_env(root / "data", port), port, root / "server.log").start()
        try:
            assert server.process is not None
            pid = server.process.pid
            api = Api(server)
            small = make_crate(root / "small.zip", 4 * 1024 * 1024, 4)
            measure(api, pid, small)  # warm-up: first-use imports and caches
            base_peak, _elapsed, _job = measure(
                api, pid, make_crate(root / "small2.zip", 4 * 1024 * 1024, 4)
            )
            big = make_crate(root / "big.zip", args.size_mib * 1024 * 1024, args.files)
            size = big.stat().st_size
            peak, elapsed, job = measure(api, pid, big)
            assert job["status"] == "COMPLETE", job
        finally:
            server.stop()
    print(
        f"crate: {size / 2**20:.0f} MiB in {args.files} files; ingest {elapsed:.1f} s "
        f"({size / 2**20 / elapsed:.0f} MiB/s upload+ingest)"
    )
    print(
        f"server peak RSS: baseline (4 MiB crate) {base_peak / 1024:.0f} MiB, "
        f"large crate {peak / 1024:.0f} MiB"
    )
    print(
        f"ratio peak/baseline: {peak / base_peak:.2f}  (1.00 = flat; size ratio "
        f"{args.size_mib / 4:.0f}x)"
    )


if __name__ == "__main__":
    main()
