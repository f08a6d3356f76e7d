"""Whether downloading one held file costs the same from a dataset of 10 files or of 2,000.

Makes two SciCat datasets through the services (as the server runs them), stages their
files and links them with origdatablocks (`--per-block` files each: 10 files are 2 blocks of
5, 2,000 are 20 blocks of 100 by default), then downloads files from each: the SciCat file
route's use case (`held_files.held_file`, what scitacean's `download_files` asks for each
file) and the FAIRSCAPE `?path=` download's (`records.resolve_files` with a path), each
followed by reading the blob. Prints the median time per download (the two datasets take
turns) and the ratio of the large dataset against the small one measured in the same run
(target: ~1, not growing with the files). With --profile, a pyinstrument profile of 20
downloads from the large dataset.

    .venv/bin/python benchmarks/scicat_downloads.py                    # SQLite
    .venv/bin/python benchmarks/scicat_downloads.py --database postgresql --profile
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.deployments import create_database, drop_database

from fairdepot.config import Settings
from fairdepot.core.crosswalks.scicat_validation import ApiVersion
from fairdepot.core.policy import Actor
from fairdepot.core.records import IdentifierScheme
from fairdepot.services import accounts, records
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.services.scicat import datablocks, datasets, held_files, staging

DATA = b"held bytes\n" * 10


def _dataset(runtime: Runtime, actor: Actor, files: int, per_block: int) -> tuple[str, str]:
    """A dataset of `files` held files in blocks of `per_block`: its pid and its ARK."""
    folder = f"/data/bench-{uuid.uuid4().hex[:8]}"
    body = {
        "type": "raw",
        "ownerGroup": "group1",
        "owner": "Ann",
        "contactEmail": "ann@example.org",
        "sourceFolder": folder,
        "creationTime": "2024-01-01T00:00:00Z",
        "datasetName": f"bench {files}",
        "principalInvestigators": ["Pat"],
        "creationLocation": "X",
    }
    pid = str(datasets.create(runtime, actor, body)["pid"])
    for start in range(0, files, per_block):
        paths = [
            f"b{start // per_block}/f{i}.dat" for i in range(start, min(files, start + per_block))
        ]
        for path in paths:
            info = runtime.blobs.write(staging.staging_key(), [DATA])
            staging.record_upload(runtime, actor, folder, path, info)
        entries = [{"path": p, "size": len(DATA), "time": "2024-01-01T00:00:00Z"} for p in paths]
        block = {"datasetId": pid, "size": len(DATA) * len(paths), "dataFileList": entries}
        datablocks.create(runtime, actor, block, ApiVersion.V4)
    with runtime.reading() as store:
        row = store.row_by_identifier(IdentifierScheme.SCICAT_PID.value, pid)
        assert row is not None
        return pid, row.ark


def _paths(files: int, per_block: int) -> list[str]:
    return [f"b{i // per_block}/f{i}.dat" for i in range(files)]


def _scicat(runtime: Runtime, actor: Actor, pid: str) -> Callable[[str], bytes]:
    def download(path: str) -> bytes:
        found = held_files.held_file(runtime, actor, pid, path)
        assert found.blob_key is not None
        return b"".join(runtime.blobs.iter_read(found.blob_key))

    return download


def _fairscape(runtime: Runtime, actor: Actor, ark: str) -> Callable[[str], bytes]:
    def download(path: str) -> bytes:
        record = records.resolve_files(runtime, actor, ark, path)
        [found] = [f for f in record.files if f.path == path]
        assert found.blob_key is not None
        return b"".join(runtime.blobs.iter_read(found.blob_key))

    return download


def _medians(
    downloads: dict[int, tuple[Callable[[str], bytes], list[str]]], rounds: int
) -> dict[int, float]:
    """The median seconds per download of each dataset's files, picked at random (after a
    warm-up), the datasets taking turns: noise from other work on the machine falls on all
    of them alike, and the median ignores its spikes."""
    picker = random.Random(7)
    times: dict[int, list[float]] = {files: [] for files in downloads}
    for download, paths in downloads.values():
        assert download(paths[0]) == DATA
    for _ in range(rounds):
        for files, (download, paths) in downloads.items():
            path = picker.choice(paths)
            start = time.perf_counter()
            download(path)
            times[files].append(time.perf_counter() - start)
    return {files: statistics.median(spent) for files, spent in times.items()}


def run(database: str, small: int, large: int, per_block: int, rounds: int, profile: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        name = f"fairdepot_bench_downloads_{uuid.uuid4().hex[:8]}"
        url = create_database(name) if database == "postgresql" else None
        settings = Settings(
            data_dir=Path(folder) / "data", **({"database_url": url} if url else {})
        )
        runtime = build_runtime(settings)
        try:
            user = accounts.add_user(runtime, "bench", "bench@your.site", "pw", ["group1"])
            actor = accounts.actor_for(user, runtime.settings.facility_groups)
            small_block = max(1, small // 2)
            made: dict[int, Any] = {
                small: (_dataset(runtime, actor, small, small_block), small_block),
                large: (_dataset(runtime, actor, large, per_block), per_block),
            }
            results = {}
            for face, route in (("SciCat file route", _scicat), ("FAIRSCAPE ?path=", _fairscape)):
                downloads = {}
                for files, ((pid, ark), block) in made.items():
                    named = pid if route is _scicat else ark
                    downloads[files] = (route(runtime, actor, named), _paths(files, block))
                results[face] = _medians(downloads, rounds)
            if profile:
                from pyinstrument import Profiler

                (pid, _), block = made[large]
                download = _scicat(runtime, actor, pid)
                profiler = Profiler()
                profiler.start()
                for path in _paths(large, block)[:20]:
                    download(path)
                profiler.stop()
                print(f"--- profile: 20 SciCat downloads from the {large}-file dataset ---")
                print(profiler.output_text(unicode=False, color=False, show_all=False))
        finally:
            runtime.close()
            if url:
                drop_database(name)
    print(
        f"{database}: {small} files ({max(1, small // 2)} per block) vs "
        f"{large} files ({per_block} per block), median of {rounds} downloads each"
    )
    for face, times in results.items():
        few, many = times[small], times[large]
        print(
            f"  {face:<18} {small:>5} files {few * 1000:7.2f} ms   {large:>5} files "
            f"{many * 1000:7.2f} ms   ratio {many / few:5.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--per-block", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    run(args.database, args.small, args.large, args.per_block, args.rounds, args.profile)


if __name__ == "__main__":
    main()
