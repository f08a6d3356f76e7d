"""How the query layer scales: p95 of six queries at two catalogue sizes, admin vs a member.

Bulk-loads N records through the record store's bulk path (`insert_many`: batches of 1,000 per
transaction, one executemany per table, the values and full-text index written as in
production), then times, for an admin and for a user in 1 of
1,000 owner groups: an equality on a document path, a numeric range on a unit-bearing path (in
SI), a facet, a text search, a sorted deep page (keyset, after a cursor in the middle of the
sort) and a sorted page at offset 2,000. Prints p95 per query and the
ratios p95(large)/p95(small) (target <= 2) and member/admin (target <= 1.5); with --explain it
also prints the plan of each statement at the large size, to show which indexes it uses.

    .venv/bin/python benchmarks/query_scaling.py                       # SQLite, 10k and 100k
    .venv/bin/python benchmarks/query_scaling.py --databases sqlite postgresql --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.deployments import create_database, drop_database

from fairdepot.core.policy import ReadScope
from fairdepot.core.query import (
    Cursor,
    FacetRequest,
    Field,
    Page,
    Query,
    SortKey,
    ValueType,
    cmp,
)
from fairdepot.core.records import Access, Face, Record
from fairdepot.storage.db.engine import create_engine, session_factories
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import UserRow
from fairdepot.storage.db.records import RecordStore
from fairdepot.storage.search import search_index_for

GROUPS = 1000
MEMBER_GROUP = "g0007"
INSTRUMENTS = [f"instrument-{i}" for i in range(20)]
WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "sample",
    "beam",
    "crystal",
    "powder",
    "detector",
    "scan",
]
TARGET_SCALING = 2.0
WARM_UP = 10
TARGET_RESTRICTED = 1.5


def make_record(i: int, rng: random.Random) -> Record:
    celsius = rng.random() < 0.5
    temperature = rng.uniform(-50, 100) if celsius else rng.uniform(220, 380)
    words = " ".join(rng.choice(WORDS) for _ in range(8))
    # one record in 100 carries one of 1,000 rare words, each on ~N/100,000 records: a text
    # query's answer stays at most a record or two at any size (`i % 1000` on multiples of
    # 100 gave only 10 words, each on N/1,000 records: the answer grew with N, not the search)
    # (three digits, so that no rare word is the prefix of another: text search matches
    # prefixes, and `rareword1` would find `rareword10`...`rareword199` too)
    rare = f" rareword{(i // 100) % 1000:03d}" if i % 100 == 0 else ""
    native = {
        "sampleId": f"S-{i}",
        "instrument": rng.choice(INSTRUMENTS),
        "isRaw": rng.random() < 0.5,
        "scientificMetadata": {
            "temperature": {"value": round(temperature, 3), "unit": "degC" if celsius else "K"},
            "exposure": {"value": rng.randint(1, 1000), "unit": "ms"},
        },
        "keywords": rng.sample(WORDS, 3),
        "comment": words + rare,
    }
    return Record(
        ark=f"ark:99999/fd1b{i}",
        kind="dataset",
        face=Face.SCICAT,
        metadata={"@id": f"ark:99999/fd1b{i}", "name": f"dataset {i}"},
        native=native,
        name=f"dataset {i}",
        access=Access(owner_id="owner", owner_group=f"g{i % GROUPS:04d}"),
    )


def load(url: str, size: int) -> sa.engine.Engine:
    engine = create_engine(url)
    upgrade(engine)
    _reads, writes = session_factories(engine)
    search = search_index_for(engine.dialect.name)
    rng = random.Random(size)
    started = time.perf_counter()
    with writes() as session:
        session.add(UserRow(id="owner", username="owner", email="owner@example.org"))
        session.commit()
    for start in range(0, size, 1000):
        with writes() as session:
            batch = [make_record(i, rng) for i in range(start, min(size, start + 1000))]
            RecordStore(session, search).insert_many(batch)  # the crate ingest's bulk path
            session.commit()
    # statistics, and on PostgreSQL the visibility map autovacuum keeps on a settled table
    # (without one an index-only scan still visits every heap page)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.execute(sa.text("ANALYZE"))
            connection.commit()
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    print(f"  loaded {size} records in {time.perf_counter() - started:.0f} s", flush=True)
    return engine


def queries(size: int, rng: random.Random) -> dict[str, Callable[[], Query]]:
    temperature = "native.scientificMetadata.temperature.valueSI"
    return {
        "eq path": lambda: Query(where=cmp("native.sampleId", "eq", f"S-{rng.randrange(size)}")),
        "range SI": lambda: Query(
            where=cmp(temperature, "between", [(low := rng.uniform(230, 370)), low + 0.01]),
        ),
        "facet": lambda: Query(
            page=Page(limit=1), facets=(FacetRequest(Field.parse("native.instrument")),)
        ),
        "text": lambda: Query(text=f"rareword{rng.randrange(1000):03d}", count=True),
        "deep page": lambda: Query(
            sort=(SortKey(Field.parse(temperature), type=ValueType.NUMBER),),
            page=Page(limit=20, after=Cursor((rng.uniform(280, 320),), 0)),
        ),
        "offset page": lambda: Query(
            sort=(SortKey(Field.parse(temperature), type=ValueType.NUMBER),),
            page=Page(limit=20, offset=2000 + rng.randrange(20)),
        ),
    }


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def measure(engine: sa.engine.Engine, size: int, repeats: int) -> dict[tuple[str, str], float]:
    reads, _writes = session_factories(engine)
    search = search_index_for(engine.dialect.name)
    scopes = {
        "admin": ReadScope(everything=True),
        "member": ReadScope(
            owner_id="someone",
            owner_groups=frozenset({MEMBER_GROUP}),
            access_groups=frozenset({MEMBER_GROUP}),
            published=True,
        ),
    }
    results: dict[tuple[str, str], float] = {}
    for scope_name, scope in scopes.items():
        for name, build in queries(size, random.Random(1)).items():
            for _ in range(WARM_UP):  # caches, plans and pooled connections, not measured
                with reads() as session:
                    RecordStore(session, search).find(build(), scope)
            samples = []
            for _ in range(repeats):
                query = build()
                with reads() as session:
                    started = time.perf_counter()
                    RecordStore(session, search).find(query, scope)
                    samples.append((time.perf_counter() - started) * 1000)
            results[(scope_name, name)] = p95(samples)
    return results


def explain(engine: sa.engine.Engine, size: int) -> None:
    """The plan of every statement of every query as the member runs it (PostgreSQL's EXPLAIN,
    SQLite's EXPLAIN QUERY PLAN)."""
    sqlite = engine.dialect.name == "sqlite"
    reads, _writes = session_factories(engine)
    search = search_index_for(engine.dialect.name)
    scope = ReadScope(
        owner_id="someone",
        owner_groups=frozenset({MEMBER_GROUP}),
        access_groups=frozenset({MEMBER_GROUP}),
        published=True,
    )
    for name, build in queries(size, random.Random(2)).items():
        captured: list[tuple[str, object]] = []

        def capture(_conn, _cursor, statement, parameters, _context, _many, into=captured):  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("SELECT"):
                into.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", capture)
        try:
            with reads() as session:
                RecordStore(session, search).find(build(), scope)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        print(f"\n  EXPLAIN {name}:")
        for statement, parameters in captured:
            with engine.connect() as connection:
                prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
                plan = connection.exec_driver_sql(prefix + statement, parameters).all()  # type: ignore[arg-type]
            for line in plan:
                print("    " + str(line[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite"])
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--explain", action="store_true", help="print the plans at the large size")
    args = parser.parse_args()
    small, large = args.sizes
    for database in args.databases:
        figures: dict[int, dict[tuple[str, str], float]] = {}
        for size in (small, large):
            print(f"{database}, {size} records:", flush=True)
            with tempfile.TemporaryDirectory() as folder:
                name = f"fairdepot_bench_{size}_{os.getpid()}"
                if database == "sqlite":
                    url = f"sqlite:///{folder}/bench.db"
                else:
                    drop_database(name)
                    url = create_database(name)
                engine = load(url, size)
                try:
                    figures[size] = measure(engine, size, args.repeats)
                    if size == large and args.explain:
                        explain(engine, size)
                finally:
                    engine.dispose()
                    if database != "sqlite":
                        drop_database(name)
        print(f"\n{database}: p95 in ms")
        print(f"  {'query':<10} {'scope':<7} {small:>9} {large:>9} {'large/small':>12}")
        for key, value in figures[small].items():
            ratio = figures[large][key] / value
            flag = "" if ratio <= TARGET_SCALING else "  (over target)"
            print(
                f"  {key[1]:<10} {key[0]:<7} {value:9.2f} {figures[large][key]:9.2f}"
                f" {ratio:12.2f}{flag}"
            )
        print(f"  member/admin at {large}:")
        for name in queries(large, random.Random(0)):
            ratio = figures[large][("member", name)] / figures[large][("admin", name)]
            flag = "" if ratio <= TARGET_RESTRICTED else "  (over target)"
            print(f"    {name:<10} {ratio:5.2f}{flag}")


if __name__ == "__main__":
    main()
