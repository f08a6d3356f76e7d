"""Whether a SciCat block write costs the same with 1 block or 150 already on its dataset.

Makes one dataset through the services (as the server runs them), POSTs `--blocks`
origdatablocks of `--files` files each to it, then PATCHes the dataset's `description`.
Prints the mean time of the first and last ten block POSTs, of the PATCH, and the ratios
against the first block POST measured in the same run (target: ~1, not growing with the
blocks). With --profile, a pyinstrument profile of the last block POST and the PATCH.

    .venv/bin/python benchmarks/scicat_block_writes.py                    # SQLite
    .venv/bin/python benchmarks/scicat_block_writes.py --database postgresql --profile
"""

from __future__ import annotations

import argparse
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
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.services import accounts
from fairdepot.services.runtime import build_runtime
from fairdepot.services.scicat import datablocks, dataset_changes, datasets


def _block(pid: str, index: int, files: int) -> dict[str, Any]:
    entries = [
        {"path": f"b{index}/f{i}.dat", "size": 10, "time": "2024-01-01T00:00:00Z", "chk": "ab"}
        for i in range(files)
    ]
    return {"datasetId": pid, "size": 10 * files, "chkAlg": "md5", "dataFileList": entries}


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(database: str, blocks: int, files: int, profile: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        name = f"fairdepot_bench_blocks_{uuid.uuid4().hex[:8]}"
        url = create_database(name) if database == "postgresql" else None
        settings = Settings(
            data_dir=Path(folder) / "data", **({"database_url": url} if url else {})
        )
        runtime = build_runtime(settings)
        try:
            user = accounts.add_user(runtime, "bench", "bench@your.site", "pw", ["group1"])
            actor = accounts.actor_for(user, runtime.settings.facility_groups)
            body = {
                "type": "raw",
                "ownerGroup": "group1",
                "owner": "Ann",
                "contactEmail": "ann@example.org",
                "sourceFolder": "/data/bench",
                "creationTime": "2024-01-01T00:00:00Z",
                "datasetName": "bench",
                "principalInvestigators": ["Pat"],
                "creationLocation": "X",
            }
            pid = datasets.create(runtime, actor, body)["pid"]

            def post(i: int) -> Callable[[], object]:
                return lambda: datablocks.create(
                    runtime, actor, _block(pid, i, files), ApiVersion.V4
                )

            times = [_timed(post(i)) for i in range(blocks)]
            patch = lambda: dataset_changes.update(runtime, actor, pid, {"description": "changed"})  # noqa: E731
            patched = statistics.mean(_timed(patch) for _ in range(3))
            last = post(blocks)
            if profile:
                from pyinstrument import Profiler

                for label, action in (("block POST", last), ("dataset PATCH", patch)):
                    profiler = Profiler()
                    profiler.start()
                    action()
                    profiler.stop()
                    print(f"--- profile: {label} with {blocks}+ blocks ---")
                    print(profiler.output_text(unicode=False, color=False, show_all=False))
            else:
                times.append(_timed(last))
        finally:
            runtime.close()
            if url:
                drop_database(name)
    first, tail = statistics.mean(times[:10]), statistics.mean(times[-10:])
    print(f"{database}: {blocks} blocks x {files} files")
    print(f"  first ten block POSTs  {first * 1000:8.1f} ms")
    print(f"  last ten block POSTs   {tail * 1000:8.1f} ms   ratio {tail / first:5.2f}")
    latest = times[-1]
    print(
        f"  block POST #{len(times):<4}      {latest * 1000:8.1f} ms   ratio {latest / first:5.2f}"
    )
    print(f"  description PATCH      {patched * 1000:8.1f} ms   ratio {patched / first:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--blocks", type=int, default=150)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    run(args.database, args.blocks, args.files, args.profile)


if __name__ == "__main__":
    main()
