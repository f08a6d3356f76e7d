"""How many origdatablock documents the record repository hands out while a test runs.

Block documents carry whole `dataFileList`s: a write or a download that decodes them grows
with the dataset's files, which statement counts alone do not show (one IN query reads
any number of them). Used by the block-write and held-file-download cost tests."""

from __future__ import annotations

from typing import Any

import pytest

from fairdepot.core.crosswalks.scicat_files import ORIGDATABLOCK
from fairdepot.core.records import Record
from fairdepot.storage.db.records import RecordStore


def count_block_documents(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets, per `RecordStore.load` or `native_documents` call, the number of
    block documents it returned (as records or as native documents)."""
    read: list[int] = []
    load, natives = RecordStore.load, RecordStore.native_documents

    def counting_load(self: RecordStore, rows: Any, **kw: Any) -> list[Record]:
        found = load(self, rows, **kw)
        read.append(sum(1 for r in found if r.kind == ORIGDATABLOCK))
        return found

    def counting_natives(self: RecordStore, pks: Any) -> list[dict[str, Any]]:
        found = natives(self, pks)
        read.append(sum(1 for d in found if "dataFileList" in d))
        return found

    monkeypatch.setattr(RecordStore, "load", counting_load)
    monkeypatch.setattr(RecordStore, "native_documents", counting_natives)
    return read
