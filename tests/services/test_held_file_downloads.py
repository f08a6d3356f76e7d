"""One held file's download: what it costs and whom it is given, on both faces.

Cost: the same statements and the same rows whatever the number of files and blocks of the
dataset (scitacean's `download_files` asks once per file, so a cost that grows with them
makes downloading a dataset quadratic: docs/performance.md "SciCat held-file downloads").
Answers: 404 for no such dataset or no such held file, 403 for a dataset the reader may not
read and for a held file no block it may read lists, the file otherwise; the SciCat file route
and the FAIRSCAPE `?path=` download agree, and agree with the whole-record listing of files.
On the database under test (SQLite, or PostgreSQL in the scale-out pass).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from fairdepot.core.crosswalks.scicat_validation import ApiVersion
from fairdepot.core.document_values import MAX_VALUES_PER_RECORD
from fairdepot.core.errors import CatalogueError, NotFound, PermissionDenied
from fairdepot.core.policy import ANONYMOUS, Action, Actor, allows
from fairdepot.core.record_changes import FileChanges, RecordChanges
from fairdepot.core.records import IdentifierScheme, RecordFile
from fairdepot.services import accounts, file_access, records
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import datablocks, datasets, held_files, staging
from fairdepot.storage.db.models import RecordFileRow, RecordRow
from tests.services.test_record_loading import counted
from tests.support.block_reads import count_block_documents
from tests.support.scicat_bodies import raw_dataset

TIME = "2024-01-01T00:00:00Z"


@pytest.fixture
def user1(runtime: Runtime) -> Actor:
    user = accounts.add_user(runtime, "user1", "user1@your.site", "pw", ["group1"])
    return accounts.actor_for(user, runtime.settings.facility_groups)


@pytest.fixture
def user2(runtime: Runtime) -> Actor:
    user = accounts.add_user(runtime, "user2", "user2@your.site", "pw", ["group2"])
    return accounts.actor_for(user, runtime.settings.facility_groups)


class Dataset:
    """A SciCat dataset of user1's with held files, staged and linked by blocks."""

    def __init__(self, runtime: Runtime, actor: Actor, tag: str, **fields: Any) -> None:
        self.runtime, self.actor = runtime, actor
        self.folder = f"/data/{tag}"
        self.pid = str(datasets.create(runtime, actor, raw_dataset(tag, **fields))["pid"])
        with runtime.reading() as store:
            row = store.row_by_identifier(IdentifierScheme.SCICAT_PID.value, self.pid)
            assert row is not None
            self.ark = row.ark

    def block(self, paths: list[str], *, staged: bool = True, **fields: Any) -> dict[str, Any]:
        """A block listing `paths`, each staged first (its bytes: the path) unless not
        `staged` (then the block only catalogues them, if nothing is staged for the folder)."""
        for path in paths if staged else []:
            info = self.runtime.blobs.write(staging.staging_key(), [path.encode()])
            staging.record_upload(self.runtime, self.actor, self.folder, path, info)
        entries = [{"path": p, "size": len(p.encode()), "time": TIME} for p in paths]
        body = {"datasetId": self.pid, "size": 0, "dataFileList": entries, **fields}
        return datablocks.create(self.runtime, self.actor, body, ApiVersion.V4)


def _scicat(runtime: Runtime, actor: Actor, data: Dataset, path: str) -> RecordFile:
    return held_files.held_file(runtime, actor, data.pid, path)


def _fairscape(runtime: Runtime, actor: Actor, data: Dataset, path: str) -> RecordFile:
    record = records.resolve_files(runtime, actor, data.ark, path)
    if not record.files:  # the face's answer (api/fairscape/downloads.py `_choose`)
        raise NotFound(f"{record.ark} has no file {path!r}")
    [found] = record.files
    return found


DOWNLOADS = {"SciCat file route": _scicat, "FAIRSCAPE ?path=": _fairscape}

STATEMENTS = {"SciCat file route": 5, "FAIRSCAPE ?path=": 9}
"""The dataset by pid and its access groups, the file by path, the blocks listing it and
their groups; FAIRSCAPE reads the record (without files or documents) for its answer: its
groups, relations, identifiers and owner. Before: 12 statements for the SciCat route, and
every file row and every block's document (1,000 files and 20 blocks here)."""


def _answer(download: Callable[..., RecordFile], *args: Any) -> str | bytes:
    """The bytes given, or the error's name."""
    try:
        found = download(*args)
    except CatalogueError as error:
        return type(error).__name__
    runtime = args[0]
    assert found.blob_key is not None
    return b"".join(runtime.blobs.iter_read(found.blob_key))


@contextmanager
def rows_loaded() -> Iterator[dict[str, int]]:
    """How many record and file rows the ORM builds while the block runs: what leaves the
    database as objects (block rows come with their whole documents)."""
    seen = {"records": 0, "files": 0}

    def on_record(_target: Any, _context: Any) -> None:
        seen["records"] += 1

    def on_file(_target: Any, _context: Any) -> None:
        seen["files"] += 1

    event.listen(RecordRow, "load", on_record)
    event.listen(RecordFileRow, "load", on_file)
    try:
        yield seen
    finally:
        event.remove(RecordRow, "load", on_record)
        event.remove(RecordFileRow, "load", on_file)


@pytest.fixture
def documents_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """What a download decodes in Python (tests/support/block_reads.py)."""
    return count_block_documents(monkeypatch)


def test_a_held_file_download_costs_the_same_with_2_blocks_of_5_files_as_with_20_of_50(
    runtime: Runtime, user1: Actor, documents_read: list[int]
) -> None:
    small, large = Dataset(runtime, user1, "small"), Dataset(runtime, user1, "large")
    for data, blocks, files in ((small, 2, 5), (large, 20, 50)):
        for b in range(blocks):
            data.block([f"b{b}/f{i}.dat" for i in range(files)])
    for face, download in DOWNLOADS.items():
        costs = {}
        for data, path in ((small, "b1/f3.dat"), (large, "b13/f42.dat")):
            documents_read.clear()
            with counted(runtime) as statements, rows_loaded() as rows:
                found = download(runtime, user1, data, path)
            assert found.path == path
            costs[data.pid] = (len(statements), rows)
            assert sum(documents_read) == 0, (face, documents_read)
        assert costs[small.pid] == costs[large.pid], (face, costs)
        assert costs[large.pid][0] <= STATEMENTS[face], (face, costs)
        # the dataset's row and the file's: no other file, no block row
        assert costs[large.pid][1] == {"records": 1, "files": 1}, (face, costs)


def test_every_answer_of_a_held_file_download_on_both_faces(
    runtime: Runtime, user1: Actor, user2: Actor
) -> None:
    shared = Dataset(runtime, user1, "shared", isPublished=True)
    shared.block(["hidden.dat"], isPublished=False)
    shared.block(["open.dat"], isPublished=True)
    shared.block(["twice.dat"], isPublished=False)
    # nothing left staged for the folder: a block listing twice.dat again only catalogues it
    shared.block(["twice.dat", "kept-elsewhere.dat"], staged=False, isPublished=True)
    private = Dataset(runtime, user1, "private")
    private.block(["mine.dat"])
    with runtime.writing() as store:  # a held file no block lists (until the next recompute)
        row = store.row_by_identifier(IdentifierScheme.SCICAT_PID.value, shared.pid)
        assert row is not None
        blob = runtime.blobs.write("loose/blob", [b"loose"]).key
        added = FileChanges(added=(RecordFile(path="loose.dat", size=5, blob_key=blob),))
        store.update(row, RecordChanges(files=added), actor_id=user1.user_id)

    expected: dict[tuple[str, str], dict[str, str | bytes]] = {
        ("shared", "open.dat"): {
            "anonymous": b"open.dat",
            "user2": b"open.dat",
            "user1": b"open.dat",
        },
        ("shared", "hidden.dat"): {
            "anonymous": "PermissionDenied",
            "user2": "PermissionDenied",
            "user1": b"hidden.dat",
        },
        ("shared", "twice.dat"): {
            "anonymous": b"twice.dat",  # one of its blocks is published
            "user2": b"twice.dat",
            "user1": b"twice.dat",
        },
        ("shared", "loose.dat"): dict.fromkeys(("anonymous", "user2", "user1"), "PermissionDenied"),
        ("shared", "kept-elsewhere.dat"): dict.fromkeys(
            ("anonymous", "user2", "user1"), "NotFound"
        ),
        ("shared", "no-such.dat"): dict.fromkeys(("anonymous", "user2", "user1"), "NotFound"),
        ("private", "mine.dat"): {"user1": b"mine.dat"},
    }
    readers = {"anonymous": ANONYMOUS, "user2": user2, "user1": user1}
    data = {"shared": shared, "private": private}
    for face, download in DOWNLOADS.items():
        for (name, path), answers in expected.items():
            for reader, answer in answers.items():
                got = _answer(download, runtime, readers[reader], data[name], path)
                assert got == answer, (face, name, path, reader, got)
    # the dataset may not be read: SciCat says it exists (403), FAIRSCAPE does not (404/401)
    for reader, fairscape in ((user2, "NotFound"), (ANONYMOUS, "NotFound")):
        assert _answer(_scicat, runtime, reader, private, "mine.dat") == "PermissionDenied"
        assert _answer(_fairscape, runtime, reader, private, "mine.dat") == fairscape
    with pytest.raises(NotFound):
        held_files.held_file(runtime, user1, "no/such-pid", "mine.dat")
    with runtime.writing() as store:  # a tombstone, as an administrator's DELETE leaves
        row = store.row_by_identifier(IdentifierScheme.SCICAT_PID.value, private.pid)
        assert row is not None
        store.mark_deleted(row, {"reason": "test"})
    assert _answer(_scicat, runtime, user1, private, "mine.dat") == "NotFound"


def test_one_file_s_answer_is_the_whole_listing_s_for_every_reader(
    runtime: Runtime, user1: Actor, user2: Actor
) -> None:
    """`file_for_reader` (one path, found in SQL) and `for_reader` (every block read) are
    the same rule: a file is given by one exactly when the other lists it."""
    data = Dataset(runtime, user1, "agree", isPublished=True, accessGroups=["group2"])
    data.block(["a.dat", "b.dat"], isPublished=False)  # the dataset's groups: group2 too
    data.block(["c.dat"], isPublished=True)
    data.block(["d.dat"], isPublished=False, accessGroups=["group3", "group2"])
    data.block(["e.dat"], isPublished=False, accessGroups=[])
    expected = {
        "anonymous": {"c.dat"},
        "user2": {"a.dat", "b.dat", "c.dat", "d.dat"},
        "user1": {"a.dat", "b.dat", "c.dat", "d.dat", "e.dat"},
    }
    for name, reader in (("anonymous", ANONYMOUS), ("user2", user2), ("user1", user1)):
        with runtime.reading() as store:
            row = store.row_by_identifier(IdentifierScheme.SCICAT_PID.value, data.pid)
            assert row is not None
            record = store.load([row])[0]
            assert allows(reader, Action.READ_FILES, record.access)
            given = {f.path for f in file_access.for_reader(store, reader, row, record).files}
            assert given == expected[name]
            for f in record.files:
                try:
                    one = file_access.file_for_reader(store, reader, row, f.path)
                except PermissionDenied:
                    one = None
                assert (one is not None) == (f.path in given), (name, f.path, given)
                assert one is None or one == f


def test_a_block_whose_value_index_is_cut_off_still_gives_its_files(
    runtime: Runtime, user1: Actor, documents_read: list[int]
) -> None:
    """A block's values past MAX_VALUES_PER_RECORD are not indexed: the path of a file
    listed after them is found by reading that block's document, not missed (a 403); one
    the index holds is found there, without the document."""
    data = Dataset(runtime, user1, "capped", isPublished=True)
    many = {f"k{i}": i for i in range(MAX_VALUES_PER_RECORD)}
    first, late = "first.dat", "late.dat"
    for path in (first, late):
        info = runtime.blobs.write(staging.staging_key(), [path.encode()])
        staging.record_upload(runtime, user1, data.folder, path, info)
    entries = [
        {"path": first, "size": len(first), "time": TIME, "metadata": many},
        {"path": late, "size": len(late), "time": TIME},
    ]
    body = {"datasetId": data.pid, "size": 0, "dataFileList": entries, "isPublished": True}
    datablocks.create(runtime, user1, body, ApiVersion.V4)
    for face, download in DOWNLOADS.items():
        for path, documents in ((first, 0), (late, 1)):
            documents_read.clear()
            assert _answer(download, runtime, ANONYMOUS, data, path) == path.encode(), face
            assert sum(documents_read) == documents, (face, path, documents_read)


def test_a_long_path_is_told_from_one_that_shares_its_indexed_bytes(
    runtime: Runtime, user1: Actor
) -> None:
    """The value index holds a string's first 1,000 bytes: a held path longer than that is
    given by the blocks that list it exactly, not by one listing another path that starts
    with the same 1,000 bytes."""
    data = Dataset(runtime, user1, "long", isPublished=True)
    stem = "é" * 520  # 1,040 bytes: cut at 1,000 in the index
    held, other = f"{stem}/held.dat", f"{stem}/other.dat"
    data.block([held], isPublished=False)
    data.block([other], staged=False, isPublished=True)  # catalogued only
    for face, download in DOWNLOADS.items():
        assert _answer(download, runtime, ANONYMOUS, data, held) == "PermissionDenied", face
        assert _answer(download, runtime, user1, data, held) == held.encode(), face
    data.block([held], staged=False, isPublished=True)
    for face, download in DOWNLOADS.items():
        assert _answer(download, runtime, ANONYMOUS, data, held) == held.encode(), face
