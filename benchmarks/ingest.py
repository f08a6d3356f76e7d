"""Crate ingest against the floor of the same machine, in the same run.

For each size (default 1 GiB: one large file plus 2,000 small files of 224 MiB in all), a
fresh embedded deployment is started as two processes, `fairdepot serve --no-worker` and
`fairdepot worker`, sharing one SQLite catalogue and one data folder. The crate is uploaded
over HTTP and timed from the first byte sent to the job's COMPLETE. The floor is what any
ingest must do at least: read the same bytes, compute sha256 and md5 over them, and write them
once, durably, into the same folder; it is measured just before and just after the ingest,
and the mean is used. Printed per size:

- ratio floor / ingest (1.0 = as fast as the floor; the target is >= 0.5);
- the peak resident memory (VmHWM) of the server and of the worker (target < 300 MiB, flat
  as the crate grows);
- stored bytes / content bytes, summed over the blob store after COMPLETE (target <= 1.05).

    .venv/bin/python benchmarks/ingest.py [--sizes 1,2,4] [--small-files 2000]

Profile a run with py-spy: `--profile-worker FILE` records the worker (a flame graph, or
collapsed stacks when FILE ends in .txt).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import Api
from tests.support.server import FAIRDEPOT, ServerProcess, embedded_env, free_port
from tests.support.zips import ROOT, crate_metadata

MiB = 1024 * 1024
SMALL_TOTAL = 224 * MiB


def make_crate(
    path: Path, size: int, small_files: int, small_total: int = SMALL_TOTAL
) -> tuple[Path, int]:
    """A STORED zip (the bytes are random, so compression would not help anyway)."""
    small = small_total // small_files
    big = size - small * small_files
    names = ["data/large.bin", *(f"data/small/{n:05d}.bin" for n in range(small_files))]
    entities = [{"@id": n, "@type": "File", "name": n} for n in names]
    metadata = json.dumps(crate_metadata(*entities, root={**ROOT, "name": "ingest benchmark"}))
    block = os.urandom(4 * MiB)
    content = len(metadata)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("ro-crate-metadata.json", metadata)
        with archive.open(names[0], "w", force_zip64=True) as member:
            left = big
            while left > 0:
                member.write(block[: min(left, len(block))])
                left -= len(block)
        content += big
        for n, name in enumerate(names[1:]):
            start = (n * 4099) % (len(block) - small)
            archive.writestr(name, block[start : start + small])
            content += small
    return path, content


def floor_seconds(source: Path, folder: Path) -> float:
    """Read + sha256 + md5 + write once, durably: what an ingest cannot avoid."""
    target = folder / "floor.copy"
    started = time.perf_counter()
    sha256, md5 = hashlib.sha256(), hashlib.md5()
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(MiB):
            sha256.update(chunk)
            md5.update(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stored_bytes(blobs: Path, job: str) -> int:
    """Every byte the job left in the store: its files and (if still there) its upload."""
    files = [*(blobs / "crates" / job).rglob("*"), blobs / "uploads" / f"{job}.zip"]
    return sum(p.stat().st_size for p in files if p.is_file())


def run_size(
    root: Path, size: int, small_files: int, profile: str | None, profile_server: str | None
) -> dict[str, float]:
    crate, content = make_crate(root / "crate.zip", size, small_files)
    # the floor is measured just before and just after the ingest (the mean is used), so a
    # change of load on a shared machine weighs on both sides of the ratio alike
    before = floor_seconds(crate, root)
    port = free_port()
    env = embedded_env(root / "data", port)
    server = ServerProcess(env, port, root / "server.log", args=["--no-worker"]).start()
    worker_cmd = [*FAIRDEPOT, "worker", "--log-level", "warning"]
    if profile:
        spy = str(Path(sys.executable).with_name("py-spy"))
        kind = "raw" if profile.endswith(".txt") else "flamegraph"
        worker_cmd = [spy, "record", "-f", kind, "-o", profile, "--", *worker_cmd]
    with (root / "worker.log").open("ab") as log:
        worker = subprocess.Popen(worker_cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        api = Api(server)
        api.token("alice")  # log in before the clock starts
        warm = make_crate(root / "warm.zip", 16 * MiB, 4, 4 * MiB)[0]
        assert api.ingest(warm)["status"] == "COMPLETE"  # first-use imports, caches
        spy = None
        if profile_server:  # attach to the running server for the timed upload and ingest
            spy_command = [str(Path(sys.executable).with_name("py-spy")), "record", "-f", "raw"]
            spy_command += ["-o", profile_server, "--pid", str(server.process.pid)]
            spy = subprocess.Popen(spy_command)
            time.sleep(1)
        started = time.perf_counter()
        response = api.upload(crate)
        assert response.status_code == 202, response.text
        uploaded = time.perf_counter() - started
        job = api.wait(response.json()["guid"], timeout=3600)
        elapsed = time.perf_counter() - started
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(120)
        assert job["status"] == "COMPLETE", job
        upload = root / "data" / "blobs" / "uploads" / f"{job['guid']}.zip"
        for _ in range(100):  # the outbox removes the upload just after the commit
            if not upload.exists():
                break
            time.sleep(0.1)
        stored = stored_bytes(root / "data" / "blobs", job["guid"])
        server_rss, worker_rss = peak_rss_mib(server.process.pid), peak_rss_mib(worker.pid)
    finally:
        worker.send_signal(signal.SIGINT if profile else signal.SIGTERM)  # py-spy writes on ^C
        worker.wait(120)
        server.stop()
    floor = (before + floor_seconds(crate, root / "data")) / 2
    return {
        "size": crate.stat().st_size,
        "ingest": elapsed,
        "upload": uploaded,
        "floor": floor,
        "server_rss": server_rss,
        "worker_rss": worker_rss,
        "stored_ratio": stored / content,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1", help="crate sizes in GiB, comma-separated")
    parser.add_argument("--small-files", type=int, default=2000)
    parser.add_argument("--profile-worker", help="write a py-spy flame graph of the worker here")
    parser.add_argument("--profile-server", help="write py-spy raw stacks of the server here")
    args = parser.parse_args()
    print(
        "size      ingest (upload)   floor   floor/ingest  server RSS  worker RSS  stored/content"
    )
    for gib in (float(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
            r = run_size(
                Path(tmp),
                int(gib * 1024 * MiB),
                args.small_files,
                args.profile_worker,
                args.profile_server,
            )
        print(
            f"{r['size'] / 2**30:4.2f} GiB  {r['ingest']:6.1f} s ({r['upload']:5.1f} s)"
            f" {r['floor']:6.1f} s"
            f"  {r['floor'] / r['ingest']:11.2f}  {r['server_rss']:7.0f} MiB"
            f"  {r['worker_rss']:7.0f} MiB  {r['stored_ratio']:13.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
