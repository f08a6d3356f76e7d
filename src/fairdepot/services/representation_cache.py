"""Serialised representations of records, kept per record version in this process.

Serialising a record (the FAIRSCAPE wrapper, JSON-LD, and above all RDF through rdflib) costs
far more than reading whether it changed, so a face asks the catalogue for the record's
version first and serves the bytes it made last time for that version (docs/performance.md).

The key is a `RecordVersion` plus the representation: the record's revision (every change
bumps it, so a changed record is never served from here) and the viewer's visibility class
(what of the record this viewer may see). Access is always checked before the cache is asked,
so a hit is never served to someone who may not read the record, and two viewers who see
different content never share an entry. Bounded by the bytes it holds, least recently used
first out; one per process (scale-out processes each keep their own, keyed the same way).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from fairdepot.storage.db.change_stamps import ChangeStampProbe
from fairdepot.storage.db.record_loading import StoredAccess


@dataclass(frozen=True)
class Representation:
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...] = ()


class RepresentationCache:
    """A thread-safe LRU of representations, bounded by the total size of their bodies."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, Representation] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Representation | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Representation) -> None:
        size = len(value.body)
        if size > self.max_bytes // 4:  # one huge crate must not flush everything else
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = value
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)

    def __len__(self) -> int:
        return len(self._entries)


class AccessCache:
    """Records' access attributes by ARK key, each kept with the change stamp it was read with.

    An entry is only ever returned after the probe has read the record's stamp from the
    database in this call and found it equal to the entry's: a record made private, trashed,
    deleted, given other groups or whose owner changed e-mail has a new stamp (database
    triggers bump it in the writing transaction), in this process or any other sharing the
    database, so its old access is never used. What is cached is the record's side of the
    access decision only; the policy is asked again with the actor of every request.
    """

    def __init__(self, probe: ChangeStampProbe, max_entries: int = 100_000) -> None:
        self.probe = probe
        self.max_entries = max_entries
        self._entries: OrderedDict[str, StoredAccess] = OrderedDict()
        self._lock = threading.Lock()

    def current(self, ark_key: str) -> StoredAccess | None:
        """The cached access of `ark_key` if the record has not changed since; None: read it."""
        with self._lock:
            found = self._entries.get(ark_key)
        if found is None:
            return None
        if self.probe.stamp(ark_key) != found.stamp:
            with self._lock:
                if self._entries.get(ark_key) is found:
                    del self._entries[ark_key]
            return None
        with self._lock:
            if ark_key in self._entries:
                self._entries.move_to_end(ark_key)
        return found

    def put(self, stored: StoredAccess) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            self._entries[stored.ark_key] = stored
            self._entries.move_to_end(stored.ark_key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
