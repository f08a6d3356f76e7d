"""What a SciCat dataset listing of 1,000 datasets costs (`filter={"limit": 1000}`), and its
count and fullfacet: time and SQL statements.

Makes `--datasets` datasets through the services (as the server runs them), each with one
origdatablock of `--files` files (so its JSON-LD lists them in `hasPart`, as a real one's
does) and a few scientificMetadata quantities; then, for one user of their owner group,
times the v4 listing with `limit` = all of them, the same listing asking for two `fields`,
the count and a fullfacet on `type` and `keywords` (median wall and CPU time of `--repeats`
runs each), and counts their statements. With --documents, also how long the listing's page
statement takes with and without each document column (what reading, and so parsing, costs).

    .venv/bin/python benchmarks/scicat_listing.py                     # SQLite
    .venv/bin/python benchmarks/scicat_listing.py --database postgresql
    .venv/bin/python benchmarks/scicat_listing.py --reuse listing1k   # seeds once, then reuses
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event
from tests.support.deployments import POSTGRES_ADMIN_URL, create_database, drop_database

from fairdepot.config import Settings
from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.errors import AuthenticationRequired
from fairdepot.core.policy import Actor
from fairdepot.services import accounts
from fairdepot.services.runtime import Runtime, build_runtime
from fairdepot.services.scicat import datablocks, datasets
from fairdepot.services.scicat.filters import dataset_filter
from fairdepot.services.scicat.fullquery import full_facet


def _dataset(index: int) -> dict[str, Any]:
    return {
        "type": "raw",
        "ownerGroup": "group1",
        "owner": "Ann",
        "contactEmail": "ann@example.org",
        "sourceFolder": f"/data/bench/{index}",
        "creationTime": "2024-01-01T00:00:00Z",
        "datasetName": f"bench {index}",
        "description": "a benchmark dataset " * 4,
        "keywords": ["bench", f"k{index % 10}"],
        "principalInvestigators": ["Pat"],
        "creationLocation": "X",
        "scientificMetadata": {
            "temperature": {"value": 20 + index % 50, "unit": "degC"},
            "length": {"value": index, "unit": "mm"},
            "sample": {"name": f"s{index}", "mass": {"value": 2.5, "unit": "g"}},
        },
    }


def _block(pid: str, index: int, files: int) -> dict[str, Any]:
    entries = [
        {"path": f"run{index}/f{i}.h5", "size": 10, "time": "2024-01-01T00:00:00Z", "chk": "ab"}
        for i in range(files)
    ]
    return {"datasetId": pid, "size": 10 * files, "chkAlg": "md5", "dataFileList": entries}


@contextmanager
def _counted(runtime: Runtime) -> Iterator[list[str]]:
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            sent.append(statement)

    event.listen(runtime.database.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(runtime.database.engine, "before_cursor_execute", count)


def _measure(
    runtime: Runtime, action: Callable[[], object], repeats: int
) -> tuple[float, float, int]:
    """Median wall and CPU seconds of this process over `repeats` runs (after one warm-up),
    and the statements of one. On a shared machine the CPU time is the steadier figure (on
    SQLite it holds the database's work too; PostgreSQL's is in its own processes)."""
    action()
    with _counted(runtime) as sent:
        action()
    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), len(sent)


def _seed(runtime: Runtime, actor: Actor, count: int, files: int) -> None:
    for index in range(count):
        pid = datasets.create(runtime, actor, _dataset(index))["pid"]
        if files:
            datablocks.create(runtime, actor, _block(pid, index, files), ApiVersion.V4)


def _page_documents(runtime: Runtime, count: int, repeats: int) -> None:
    """The listing's rows read with both documents, without the JSON-LD, without either."""
    import sqlalchemy as sa
    from sqlalchemy.orm import defer

    from fairdepot.storage.db.models import RecordRow

    page = sa.select(RecordRow).where(RecordRow.kind == "raw").limit(count)
    variants = {
        "both documents": (),
        "no metadata (JSON-LD)": (defer(RecordRow.metadata_doc),),
        "no metadata, no native": (defer(RecordRow.metadata_doc), defer(RecordRow.native_doc)),
    }
    for label, options in variants.items():

        def read(options: Any = options) -> None:
            with runtime.reading() as store:
                store.session.scalars(page.options(*options)).all()

        wall, cpu, _ = _measure(runtime, read, repeats)
        print(f"  page rows, {label:<24} {wall * 1000:8.1f} ms  (CPU {cpu * 1000:6.1f} ms)")


def _catalogue(database: str, folder: Path, reuse: str | None) -> tuple[Settings, str | None]:
    """Settings of a new catalogue (or, with `reuse`, of the one kept under that name: a
    folder in the temporary directory, and on PostgreSQL a database), and the database to
    drop afterwards (none when kept)."""
    if reuse is None:
        name = f"fairdepot_bench_listing_{uuid.uuid4().hex[:8]}"
        url = create_database(name) if database == "postgresql" else None
        return Settings(data_dir=folder / "data", **({"database_url": url} if url else {})), (
            name if url else None
        )
    kept = Path(tempfile.gettempdir()) / reuse
    url = None
    if database == "postgresql":
        if not kept.exists():
            create_database(reuse)
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{reuse}"
    return Settings(data_dir=kept / "data", **({"database_url": url} if url else {})), None


def _bench_actor(runtime: Runtime, count: int, files: int) -> Actor:
    """The benchmark's user, with its datasets made first if the catalogue has none."""
    try:
        user = accounts.authenticate(runtime, "bench", "pw")
    except AuthenticationRequired:
        user = accounts.add_user(runtime, "bench", "bench@your.site", "pw", ["group1"])
        actor = accounts.actor_for(user, runtime.settings.facility_groups)
        started = time.perf_counter()
        _seed(runtime, actor, count, files)
        print(f"(seeded in {time.perf_counter() - started:.0f} s)")
    return accounts.actor_for(user, runtime.settings.facility_groups)


def run(
    database: str, count: int, files: int, repeats: int, documents: bool, reuse: str | None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings, dropped = _catalogue(database, Path(folder), reuse)
        runtime = build_runtime(settings)
        try:
            actor = _bench_actor(runtime, count, files)
            print(f"{database}: {count} datasets x 1 block of {files} files")
            listing = dataset_filter(f'{{"limit": {count}}}', ApiVersion.V4)
            fields = dataset_filter(
                f'{{"limit": {count}, "fields": ["pid", "datasetName"]}}', ApiVersion.V4
            )
            counting = dataset_filter('{"where": {"keywords": "bench"}}', ApiVersion.V4, count=True)
            facet = full_facet("{}", '["type", "keywords"]')
            assert len(datasets.find(runtime, actor, listing)) == count
            cases = {
                f"listing, limit={count}": lambda: datasets.find(runtime, actor, listing),
                "listing, 2 fields": lambda: datasets.find(runtime, actor, fields),
                "count": lambda: datasets.count(runtime, actor, counting),
                "fullfacet type+keywords": lambda: datasets.facets(runtime, actor, facet),
            }
            for label, action in cases.items():
                wall, cpu, sent = _measure(runtime, action, repeats)
                print(
                    f"  {label:<26} {wall * 1000:8.1f} ms  (CPU {cpu * 1000:6.1f} ms)"
                    f"  {sent:3d} statements"
                )
            if documents:
                _page_documents(runtime, count, repeats)
        finally:
            runtime.close()
            if dropped:
                drop_database(dropped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--documents", action="store_true")
    parser.add_argument(
        "--reuse", metavar="NAME", help="keep the catalogue under NAME and measure it again"
    )
    args = parser.parse_args()
    run(args.database, args.datasets, args.files, args.repeats, args.documents, args.reuse)


if __name__ == "__main__":
    main()
