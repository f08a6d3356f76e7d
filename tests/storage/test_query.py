"""Core queries compiled to SQL, run on the database under test (SQLite or PostgreSQL).

Every operator over columns and document paths, arrays, units in SI, sorting with nulls last,
keyset paging, counts, facets, text search, and the read scope AND-ed into the same statement;
then a property test: the SQL answer equals the pure-Python meaning of the query.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdepot.core.ark import normalise
from fairdepot.core.policy import ReadScope
from fairdepot.core.query import (
    And,
    Comparison,
    Cursor,
    FacetCount,
    FacetGranularity,
    FacetRequest,
    Field,
    Filter,
    InvalidQuery,
    Not,
    Op,
    Or,
    Page,
    Query,
    SortKey,
    ValueType,
    cmp,
)
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.records import Access, Face, PublicationStatus, Record, RecordState
from fairdepot.storage.db.engine import session_factories
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import RecordValueRow, UserRow
from fairdepot.storage.db.records import RecordStore, tombstone
from fairdepot.storage.search import search_index_for
from tests.support.query_oracle import matches, values_of

EVERYTHING = ReadScope(everything=True)


class Catalogue:
    """An empty catalogue at head on the database under test, with helpers to fill and ask."""

    def __init__(self, engine) -> None:
        upgrade(engine)
        self.reads, self.writes = session_factories(engine)
        self.search = search_index_for(engine.dialect.name)
        self.pks: dict[str, int] = {}

    def add(self, *records: Record) -> None:
        with self.writes() as session:
            store = RecordStore(session, self.search)
            for record in records:
                self.pks[record.ark] = store.insert(record).pk
            session.commit()

    def user(self, user_id: str) -> None:
        with self.writes() as session:
            session.add(UserRow(id=user_id, username=user_id, email=f"{user_id}@example.org"))
            session.commit()

    def find(self, query: Query, scope: ReadScope = EVERYTHING):
        with self.reads() as session:
            return RecordStore(session, self.search).find(query, scope)

    def arks(self, query: Query, scope: ReadScope = EVERYTHING) -> list[str]:
        return [row.ark for row in self.find(query, scope).rows]

    def where(self, node: Filter, scope: ReadScope = EVERYTHING) -> set[str]:
        return set(self.arks(Query(where=node, page=Page(limit=1000)), scope))


def record(
    ark: str,
    native: dict | None = None,
    metadata: dict | None = None,
    *,
    kind: str = "dataset",
    name: str | None = None,
    owner: str | None = None,
    group: str | None = None,
    groups: list[str] | None = None,
    public: bool = False,
    published: bool = False,
) -> Record:
    return Record(
        ark=ark,
        kind=kind,
        face=Face.SCICAT,
        metadata={"@id": ark, **(metadata or {})},
        native=native,
        name=name,
        access=Access(
            owner_id=owner,
            owner_group=group,
            access_groups=groups or [],
            metadata_public=public,
            publication=PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT,
        ),
    )


A, B, C = "ark:99999/fd1a", "ark:99999/fd1b", "ark:99999/fd1c"


@pytest.fixture
def catalogue(head_engine) -> Catalogue:
    return Catalogue(head_engine)


@pytest.fixture
def three(catalogue: Catalogue) -> Catalogue:
    catalogue.add(
        record(
            A,
            {
                "scientificMetadata": {
                    "temperature": {"value": 20, "unit": "degC"},
                    "length": {"value": 5, "unit": "mm"},
                },
                "tags": ["x", "y"],
                "sampleId": "S-1",
                "isRaw": True,
                "creationTime": "2024-01-01T00:00:00Z",
                "people": [{"name": "Ada"}, {"name": "Bob"}],
                "notes": {"deep": {"deeper": ["a haystack with a needle in it"]}},
            },
            {"name": "alpha", "keywords": ["a"]},
            name="alpha",
            kind="raw",
        ),
        record(
            B,
            {
                "scientificMetadata": {
                    "temperature": {"value": 300, "unit": "K"},
                    "length": {"value": 1, "unit": "m"},
                },
                "tags": ["y"],
                "sampleId": "s-2",
                "isRaw": False,
                "creationTime": "2025-06-01T00:00:00Z",
                "people": [{"name": "Cy"}],
            },
            name="beta",
        ),
        record(C, {"sampleId": "T-3", "count": 7}, name=None),
    )
    return catalogue


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (cmp("native.sampleId", "eq", "S-1"), {A}),
        (cmp("native.count", "eq", 7), {C}),
        (cmp("native.count", "eq", 7.0), {C}),
        (cmp("native.isRaw", "eq", False), {B}),
        (cmp("native.creationTime", "eq", datetime(2024, 1, 1, tzinfo=UTC)), {A}),
        (cmp("native.sampleId", "neq", "S-1"), {B, C}),
        (cmp("native.sampleId", "in", ["S-1", "T-3", 5]), {A, C}),
        (cmp("native.sampleId", "nin", ["S-1"]), {B, C}),
        (cmp("native.scientificMetadata.temperature.value", "gt", 20), {B}),
        (cmp("native.scientificMetadata.temperature.value", "gte", 20), {A, B}),
        (cmp("native.scientificMetadata.temperature.value", "lt", 300), {A}),
        (cmp("native.scientificMetadata.temperature.value", "lte", 300), {A, B}),
        (cmp("native.scientificMetadata.temperature.value", "between", [0, 100]), {A}),
        (
            cmp(
                "native.creationTime",
                "between",
                [datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)],
            ),
            {B},
        ),
        (cmp("native.creationTime", "gt", datetime(2024, 1, 1, 2, tzinfo=UTC)), {B}),
        (cmp("native.sampleId", "like", "S-%"), {A}),  # case-sensitive on both databases
        (cmp("native.sampleId", "like", "_-_"), {A, B, C}),
        (cmp("native.sampleId", "ilike", "s-%"), {A, B}),
        (cmp("native.sampleId", "nlike", "S-%"), {B, C}),
        (cmp("native.sampleId", "regexp", r"^[ST]-[0-9]$"), {A, C}),
        # word boundaries mean the same on both databases (PostgreSQL's \b is a backspace)
        (cmp("native.sampleId", "regexp", r"\bS-1\b"), {A}),
        (cmp("name", "regexp", r"a\B"), {A}),
        (cmp("native.count", "exists", True), {C}),
        (cmp("native.count", "exists", False), {A, B}),
        (cmp("native.scientificMetadata", "exists", True), {A, B}),
        (cmp("native.tags", "eq", "x"), {A}),
        (cmp("native.tags", "eq", "y"), {A, B}),
        (cmp("native.people.name", "eq", "Bob"), {A}),
        (cmp("metadata.keywords", "eq", "a"), {A}),
        (cmp("kind", "eq", "raw"), {A}),
        (cmp("name", "like", "%eta"), {B}),
        (cmp("name", "exists", False), {C}),
        (cmp("name", "neq", "alpha"), {B, C}),
        (cmp("created_at", "gt", datetime(2000, 1, 1, tzinfo=UTC)), {A, B, C}),
        (cmp("native.sampleId", "eq", "nothing"), set()),
    ],
    # ids in a fixed order (a set's str() follows string hashing, which differs per process)
    ids=lambda v: (
        ",".join(sorted(v))
        if isinstance(v, set)
        else getattr(getattr(v, "op", None), "value", None) or str(v)
    ),
)
def test_every_operator_over_columns_and_paths(three: Catalogue, node, expected) -> None:
    assert three.where(node) == expected


def test_values_with_units_are_compared_in_si(three: Catalogue) -> None:
    lengths = three.where(
        cmp("native.scientificMetadata.length.valueSI", "between", [0.004, 0.006])
    )
    assert lengths == {A}  # 5 mm, not 1 m
    hot = three.where(cmp("native.scientificMetadata.temperature.valueSI", "gt", 295))
    assert hot == {B}  # 300 K, not 20 °C = 293.15 K
    assert three.where(cmp("native.scientificMetadata.temperature.unitSI", "eq", "K")) == {A, B}


def test_and_or_not_combine(three: Catalogue) -> None:
    tagged_y = cmp("native.tags", "eq", "y")
    raw = cmp("native.isRaw", "eq", True)
    assert three.where(And((tagged_y, raw))) == {A}
    assert three.where(Or((raw, cmp("native.count", "exists", True)))) == {A, C}
    assert three.where(Not(tagged_y)) == {C}
    assert three.where(Not(Or((raw, Not(tagged_y))))) == {B}


def test_sorting_puts_records_without_a_value_last_in_either_direction(three: Catalogue) -> None:
    temperature = Field.parse("native.scientificMetadata.temperature.value")
    up = SortKey(temperature, type=ValueType.NUMBER)
    down = SortKey(temperature, descending=True, type=ValueType.NUMBER)
    assert three.arks(Query(sort=(up,))) == [A, B, C]
    assert three.arks(Query(sort=(down,))) == [B, A, C]
    by_name = SortKey(Field.parse("name"), descending=True)
    assert three.arks(Query(sort=(by_name,))) == [B, A, C]
    by_time = SortKey(Field.parse("native.creationTime"), descending=True, type=ValueType.TIME)
    assert three.arks(Query(sort=(by_time,))) == [B, A, C]
    # an array sorts by its smallest value going up and its largest going down
    tags = Field.parse("native.tags")
    assert three.arks(Query(sort=(SortKey(tags),))) == [A, B, C]
    assert three.arks(
        Query(sort=(SortKey(tags, descending=True), SortKey(Field.parse("name"))))
    ) == [
        A,
        B,
        C,
    ]


def _pages(catalogue: Catalogue, sort: tuple[SortKey, ...], size: int) -> list[str]:
    seen: list[str] = []
    cursor: Cursor | None = None
    while True:
        found = catalogue.find(Query(sort=sort, page=Page(limit=size, after=cursor)))
        seen.extend(row.ark for row in found.rows)
        if found.next_cursor is None:
            return seen
        cursor = Cursor.decode(found.next_cursor.encode())  # as a client would send it back


def test_keyset_pages_walk_the_same_order_as_one_big_page(catalogue: Catalogue) -> None:
    rng = random.Random(7)
    records = []
    for i in range(40):
        native: dict = {"i": i}
        if i % 5:  # every fifth record has no score: those come last
            native["score"] = rng.choice([1, 2, 3, 2.5])
        if i % 3:
            native["label"] = rng.choice(["b", "a", "c"])
        records.append(record(f"ark:99999/fd1k{i:02d}", native))
    catalogue.add(*records)
    sort = (
        SortKey(Field.parse("native.score"), descending=True, type=ValueType.NUMBER),
        SortKey(Field.parse("native.label")),
    )
    whole = catalogue.arks(Query(sort=sort, page=Page(limit=1000)))
    assert len(whole) == 40
    for size in (1, 7, 40):
        assert _pages(catalogue, sort, size) == whole
    assert _pages(catalogue, (), 6) == catalogue.arks(Query(page=Page(limit=1000)))


def test_a_count_is_exact_whatever_the_page(three: Catalogue) -> None:
    found = three.find(
        Query(where=cmp("native.tags", "exists", True), page=Page(limit=1), count=True)
    )
    assert len(found.rows) == 1
    assert found.total == 2
    assert three.find(Query(page=Page(limit=1))).total is None  # only counted when asked


def test_facets_count_records_per_value_with_arrays_unwound(three: Catalogue) -> None:
    found = three.find(
        Query(
            facets=(
                FacetRequest(Field.parse("native.tags")),
                FacetRequest(Field.parse("kind")),
                FacetRequest(Field.parse("native.isRaw")),
                FacetRequest(
                    Field.parse("native.tags"),
                    filter=cmp("native.isRaw", "eq", False),
                    name="tags of processed",
                ),
                FacetRequest(Field.parse("native.scientificMetadata.temperature.unitSI")),
            )
        )
    )
    assert found.facets["native.tags"] == [FacetCount("y", 2), FacetCount("x", 1)]
    assert found.facets["kind"] == [FacetCount("dataset", 2), FacetCount("raw", 1)]
    assert found.facets["native.isRaw"] == [FacetCount(False, 1), FacetCount(True, 1)]
    assert found.facets["tags of processed"] == [FacetCount("y", 1)]
    assert found.facets["native.scientificMetadata.temperature.unitSI"] == [FacetCount("K", 2)]


def test_a_facet_by_day_counts_records_per_utc_day_of_their_timestamps(
    catalogue: Catalogue,
) -> None:
    """Instants of one UTC day are one bucket (an offset moves an instant to its UTC day),
    newest day first; a record with two instants on one day counts once; values that are not
    instants are not counted; a time column is grouped the same way."""
    catalogue.add(
        record(A, {"when": "2026-03-01T08:00:00Z"}),
        record(B, {"when": ["2026-03-01T23:59:59Z", "2026-03-01T01:00:00+00:00"]}),
        record(C, {"when": "2026-03-02T01:30:00+02:00"}),  # 2026-03-01 23:30 UTC
        record("ark:99999/fd1d", {"when": "2025-12-31T12:00:00Z"}),
        record("ark:99999/fd1e", {"when": "not a time"}),
    )
    day = FacetGranularity.DAY
    found = catalogue.find(
        Query(
            facets=(
                FacetRequest(Field.parse("native.when"), granularity=day),
                FacetRequest(
                    Field.parse("native.when"),
                    filter=cmp("native.when", "lt", "2026-01-01T00:00:00Z"),
                    granularity=day,
                    name="old",
                ),
                FacetRequest(Field.parse("created_at"), granularity=day),
            )
        )
    )
    assert found.facets["native.when"] == [FacetCount("2026-03-01", 3), FacetCount("2025-12-31", 1)]
    assert found.facets["old"] == [FacetCount("2025-12-31", 1)]
    assert found.facets["created_at"] == [FacetCount(datetime.now(UTC).date().isoformat(), 5)]


def test_a_facet_by_day_needs_a_timestamp_column(catalogue: Catalogue) -> None:
    with pytest.raises(InvalidQuery):
        catalogue.find(
            Query(facets=(FacetRequest(Field.parse("kind"), granularity=FacetGranularity.DAY),))
        )


def test_facets_follow_the_query_filter(three: Catalogue) -> None:
    found = three.find(
        Query(
            where=cmp("native.isRaw", "eq", True),
            facets=(FacetRequest(Field.parse("native.tags")),),
        )
    )
    assert found.facets["native.tags"] == [FacetCount("x", 1), FacetCount("y", 1)]


def test_a_facet_over_everything_counts_only_the_records_in_its_lifecycle(three: Catalogue) -> None:
    with three.writes() as session:
        row = RecordStore(session, three.search).row_by_key(normalise(B))
        assert row is not None
        row.state = RecordState.TRASHED.value  # a trashed record keeps its values
        session.commit()
    tags = (FacetRequest(Field.parse("native.tags")),)
    listed = three.find(Query(facets=tags)).facets["native.tags"]
    assert listed == [FacetCount("x", 1), FacetCount("y", 1)]
    with three.reads() as session:
        trash = RecordStore(session, three.search).find(
            Query(facets=tags), EVERYTHING, RecordState.TRASHED
        )
    assert trash.facets["native.tags"] == [FacetCount("y", 1)]


def test_text_search_reaches_every_string_of_the_documents(three: Catalogue) -> None:
    assert three.arks(Query(text="needle")) == [A]  # native.notes.deep.deeper[0]
    assert three.arks(Query(text="Cy")) == [B]  # native.people[0].name
    combined = Query(text="alpha", where=cmp("native.isRaw", "eq", False))
    assert three.arks(combined) == []
    found = three.find(Query(text="needle", count=True))
    assert found.total == 1
    assert found.scores[0] is not None
    assert three.arks(Query(text="!!!")) == []


def test_the_read_scope_is_anded_into_filters_counts_and_facets(catalogue: Catalogue) -> None:
    catalogue.user("u1")
    catalogue.user("u2")
    catalogue.add(
        record("ark:99999/fd1own", {"t": "x"}, owner="u1"),
        record("ark:99999/fd1grp", {"t": "x"}, owner="u2", group="g1"),
        record("ark:99999/fd1acc", {"t": "x"}, owner="u2", groups=["g1"]),
        record("ark:99999/fd1pub", {"t": "x"}, owner="u2", published=True),
        record("ark:99999/fd1mdp", {"t": "x"}, owner="u2", public=True),
        record("ark:99999/fd1hid", {"t": "x"}, owner="u2", group="g2"),
    )
    every = {"own", "grp", "acc", "pub", "mdp", "hid"}
    query = Query(
        where=cmp("native.t", "eq", "x"),
        count=True,
        facets=(FacetRequest(Field.parse("native.t")),),
        page=Page(limit=100),
    )

    def seen(scope: ReadScope) -> tuple[set[str], int | None, list[FacetCount]]:
        found = catalogue.find(query, scope)
        names = {row.ark.removeprefix("ark:99999/fd1") for row in found.rows}
        return names, found.total, found.facets["native.t"]

    assert seen(EVERYTHING) == (every, 6, [FacetCount("x", 6)])
    member = ReadScope(
        owner_id="u1",
        owner_groups=frozenset({"g1"}),
        access_groups=frozenset({"g1"}),
        published=True,
    )
    assert seen(member) == ({"own", "grp", "acc", "pub"}, 4, [FacetCount("x", 4)])
    anonymous = ReadScope(metadata_public=True, published=True)
    assert seen(anonymous) == ({"pub", "mdp"}, 2, [FacetCount("x", 2)])
    assert seen(ReadScope()) == (set(), 0, [])


def test_deleted_records_are_not_found_and_their_values_go(three: Catalogue) -> None:
    with three.writes() as session:
        store = RecordStore(session, three.search)
        row = store.row_by_key(normalise(A))
        assert row is not None
        store.mark_deleted(row, tombstone(row, "test"))
        session.commit()
        left = session.query(RecordValueRow).filter_by(record_pk=three.pks[A]).count()
    assert left == 0
    assert three.where(cmp("native.sampleId", "eq", "S-1")) == set()
    assert three.arks(Query(text="needle")) == []


def test_an_update_rebuilds_the_values(three: Catalogue) -> None:
    with three.writes() as session:
        store = RecordStore(session, three.search)
        row = store.row_by_key(normalise(C))
        assert row is not None
        changes = RecordChanges.replacing(record(C, {"sampleId": "T-4"}), parent_ark=None)
        store.update(row, changes, actor_id=None)
        session.commit()
    assert three.where(cmp("native.sampleId", "eq", "T-3")) == set()
    assert three.where(cmp("native.sampleId", "eq", "T-4")) == {C}
    assert three.where(cmp("native.count", "exists", True)) == set()


# -- the SQL means what the query means ---------------------------------------------------------

_TAGS = ["red", "Red", "blue", "green"]


def _random_native(rng: random.Random) -> dict:
    native: dict = {}
    if rng.random() < 0.8:
        native["n"] = rng.choice([0, 1, 2, 2.5, -3, 10])
    if rng.random() < 0.7:
        native["tag"] = rng.choice(_TAGS)
    if rng.random() < 0.6:
        native["tags"] = rng.sample(_TAGS, rng.randint(0, 3))
    if rng.random() < 0.5:
        native["flag"] = rng.random() < 0.5
    if rng.random() < 0.5:
        native["when"] = f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T00:00:00Z"
    if rng.random() < 0.4:
        native["items"] = [{"v": rng.randint(0, 5)} for _ in range(rng.randint(0, 3))]
    return native


_paths = st.sampled_from(
    [
        "native.n",
        "native.tag",
        "native.tags",
        "native.flag",
        "native.when",
        "native.items.v",
        "native.missing",
    ]
)
_scalars = st.one_of(
    st.sampled_from([0, 1, 2, 2.5, -3, 10, 4]),
    st.sampled_from([*_TAGS, "r%", "%e%", "R_d"]),
    st.booleans(),
    st.sampled_from([datetime(2024, m, 15, tzinfo=UTC) for m in (1, 3, 5, 9)]),
)


@st.composite
def _comparisons(draw) -> Comparison:
    path = Field.parse(draw(_paths))
    op = draw(st.sampled_from(list(Op)))
    if op is Op.EXISTS:
        return Comparison(path, op, draw(st.booleans()))
    if op in (Op.IN, Op.NIN):
        return Comparison(path, op, tuple(draw(st.lists(_scalars, min_size=1, max_size=3))))
    if op in (Op.LIKE, Op.NLIKE, Op.ILIKE):
        return Comparison(path, op, draw(st.sampled_from(["r%", "%e%", "R_d", "blue", "%"])))
    if op is Op.REGEXP:
        return Comparison(path, op, draw(st.sampled_from(["^r", "e", "^(blue|green)$", "D$"])))
    if op is Op.BETWEEN:
        low, high = sorted(
            draw(st.lists(st.sampled_from([-3, 0, 1, 2.5, 10]), min_size=2, max_size=2))
        )
        return Comparison(path, op, (low, high))
    value = draw(_scalars)
    if op in (Op.GT, Op.GTE, Op.LT, Op.LTE) and isinstance(value, bool):
        op = Op.EQ
    return Comparison(path, op, value)


_filters = st.recursive(
    _comparisons(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda p: And(tuple(p))),
        st.lists(inner, min_size=1, max_size=3).map(lambda p: Or(tuple(p))),
        inner.map(Not),
    ),
    max_leaves=5,
)


@pytest.fixture
def random_catalogue(catalogue: Catalogue) -> tuple[Catalogue, dict[str, dict]]:
    rng = random.Random(20240501)
    documents = {f"ark:99999/fd1r{i:02d}": _random_native(rng) for i in range(40)}
    catalogue.add(*(record(ark, native) for ark, native in documents.items()))
    return catalogue, documents


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(node=_filters)
def test_sql_answers_equal_the_python_meaning_of_the_query(random_catalogue, node: Filter) -> None:
    catalogue, documents = random_catalogue
    expected = {
        ark
        for ark, native in documents.items()
        if matches(node, values_of(native, {"@id": ark}), {"kind": "dataset"})
    }
    assert catalogue.where(node) == expected


def test_the_migration_indexes_records_that_existed_before_it(empty_engine) -> None:
    """Records written before revision 0008 are found by path and by deep text afterwards."""
    import json

    import sqlalchemy as sa

    upgrade(empty_engine, "0004")
    native = {"deep": {"sampleId": "OLD-1", "notes": ["a forgotten word"]}}
    with empty_engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO records (ark, ark_key, kind, face, types, name, keywords, metadata,"
                " native, extra, metadata_public, group_write, publication_status, state,"
                " revision, created_at, updated_at) VALUES ('ark:99999/fd1old', 'ark:99999/fd1old',"
                " 'dataset', 'scicat', '[]', 'old', '[]', :metadata, :native, '{}', false, false,"
                " 'DRAFT', 'active', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"metadata": json.dumps({"@id": "ark:99999/fd1old"}), "native": json.dumps(native)},
        )
    catalogue = Catalogue(empty_engine)  # upgrades to head
    assert catalogue.where(cmp("native.deep.sampleId", "eq", "OLD-1")) == {"ark:99999/fd1old"}
    assert catalogue.arks(Query(text="forgotten")) == ["ark:99999/fd1old"]


def test_a_regular_expression_runs_under_a_statement_timeout_on_postgresql(
    three: Catalogue,
) -> None:
    import sqlalchemy as sa

    from fairdepot.storage.db.query import REGEXP_TIMEOUT_MS, run_query

    with three.reads() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite bounds a regexp by the checked pattern and the indexed length")
        run_query(
            session, three.search, Query(where=cmp("native.sampleId", "regexp", "^S")), EVERYTHING
        )
        shown = session.scalar(sa.text("SHOW statement_timeout"))
        assert shown in (f"{REGEXP_TIMEOUT_MS}ms", f"{REGEXP_TIMEOUT_MS // 1000}s")
