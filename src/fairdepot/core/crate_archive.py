"""The one safe way to open an uploaded (untrusted) RO-Crate zip.

The central directory is parsed here rather than by :mod:`zipfile` so that every limit is
checked before anything is inflated or held in memory (entry count, sizes, ratios, overlapping
members) and names are judged on their raw bytes (zipfile silently cuts them at NUL). Members
are inflated as streams that refuse to produce more than their declared size, so a lying header
cannot become a bomb. Every error names the zip member it is about.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Self

from fairdepot.core.crates.archive_layout import ArchiveEntry, ArchiveLayout, EntryKind
from fairdepot.core.errors import InvalidInput, Problem, TooLarge

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

METADATA_NAMES = ("ro-crate-metadata.json", "ro-crate-metadata.jsonld")  # preferred first
MAX_NAME_LENGTH = 2048

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_SIG_EOCD, _SIG_LOCATOR, _SIG_ZIP64 = b"PK\x05\x06", b"PK\x06\x07", b"PK\x06\x06"
_SIG_CENTRAL, _SIG_LOCAL = b"PK\x01\x02", b"PK\x03\x04"
_U32 = 0xFFFFFFFF
_MAX_OFFSET = 2**62  # far beyond any upload; 64-bit fields can claim up to 2**64 - 1
_CD_BYTES_PER_ENTRY = 4096  # far above real names + extras; bounds the directory held in memory
_CHUNK = 64 * 1024
_STORED, _DEFLATED = 0, 8
_FLAG_ENCRYPTED = 0x0001 | 0x0040  # traditional and strong encryption
_FLAG_DESCRIPTOR, _FLAG_UTF8 = 0x0008, 0x0800
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ArchiveLimits:
    """What one upload may cost the worker (InvenioRDM-style bounds)."""

    max_entries: int = 10_000
    max_total_uncompressed: int = 50 * 1024**3
    max_member_size: int = 20 * 1024**3
    max_ratio: float = 200.0
    ratio_floor: int = 1024 * 1024
    max_metadata_bytes: int = 64 * 1024**2


@dataclass(frozen=True)
class ArchiveMember:
    """A regular file of the crate, as the central directory declares it."""

    path: str
    zip_name: str
    size: int
    compressed_size: int


@dataclass(frozen=True)
class _Entry:
    """One validated central-directory record, with what reading it needs."""

    raw_name: bytes
    name: str
    parts: tuple[str, ...]
    is_dir: bool
    method: int
    crc: int
    size: int
    compressed_size: int
    offset: int


def _fail(message: str, location: str = "zip", *, too_large: bool = False) -> InvalidInput:
    return (TooLarge if too_large else InvalidInput)(message, problems=[Problem(message, location)])


def _read_at(fp: BinaryIO, offset: int, count: int) -> bytes:
    """Up to `count` bytes at `offset`, looping because range readers may return short reads."""
    if not 0 <= offset <= _MAX_OFFSET:  # seek() raises on offsets no file can have
        return b""
    fp.seek(offset)
    chunks: list[bytes] = []
    while count > 0 and (chunk := fp.read(count)):
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def _find_central_directory(fp: BinaryIO, limits: ArchiveLimits) -> tuple[int, int, int]:
    """Read the end records: (entry count, directory offset, directory size), all bounded."""
    size = fp.seek(0, io.SEEK_END)
    if size == 0:
        raise _fail("empty file, not a zip archive")
    tail_start = max(0, size - _EOCD.size - 0xFFFF)
    tail = _read_at(fp, tail_start, size - tail_start)
    pos = len(tail)
    while True:  # the record ends the file exactly, after its comment
        pos = tail.rfind(_SIG_EOCD, 0, pos)
        if pos < 0:
            raise _fail("not a zip archive, or truncated: no end-of-central-directory record")
        if pos + _EOCD.size <= len(tail):
            record = _EOCD.unpack_from(tail, pos)
            if pos + _EOCD.size + record[7] == len(tail):
                break
    _, disk, cd_disk, on_disk, count, cd_size, cd_offset, _ = record
    end_of_cd = tail_start + pos
    locator = _read_at(fp, max(0, end_of_cd - _ZIP64_LOCATOR.size), _ZIP64_LOCATOR.size)
    if locator[:4] == _SIG_LOCATOR and end_of_cd >= _ZIP64_LOCATOR.size:
        zip64_at = _ZIP64_LOCATOR.unpack(locator)[2]
        if zip64_at + _ZIP64_EOCD.size > end_of_cd - _ZIP64_LOCATOR.size:
            raise _fail("zip64 end record is not before its locator: archive corrupt")
        end_of_cd = zip64_at
        record64 = _read_at(fp, end_of_cd, _ZIP64_EOCD.size)
        if len(record64) < _ZIP64_EOCD.size or record64[:4] != _SIG_ZIP64:
            raise _fail("zip64 end record is missing: archive truncated or corrupt")
        _, _, _, _, disk, cd_disk, on_disk, count, cd_size, cd_offset = _ZIP64_EOCD.unpack(record64)
    if disk or cd_disk or on_disk != count:
        raise _fail("multi-volume (split) zip archives are not supported")
    if count > limits.max_entries:
        raise _fail(f"{count} entries, over the limit of {limits.max_entries}", too_large=True)
    if cd_size > count * _CD_BYTES_PER_ENTRY:
        raise _fail(f"central directory of {cd_size} bytes for {count} entries", too_large=True)
    if cd_offset + cd_size != end_of_cd:
        raise _fail("central directory is not where the end record says: archive truncated")
    return count, cd_offset, cd_size


def _zip64_values(extra: bytes, *values: int) -> tuple[int, int, int]:
    """Replace 0xFFFFFFFF (size, compressed size, offset) by the zip64 extra field's values."""
    wanted = [i for i, value in enumerate(values) if value == _U32]
    found = list(values)
    pos = 0
    while wanted and pos + 4 <= len(extra):
        kind, length = struct.unpack_from("<2H", extra, pos)
        if pos + 4 + length > len(extra):
            raise _fail("an extra field runs past the end of its record (zip64 extra field?)")
        if kind == 0x0001:
            if length < 8 * len(wanted):
                raise _fail("zip64 extra field is too short for the sizes it must carry")
            for n, i in enumerate(wanted):
                found[i] = struct.unpack_from("<Q", extra, pos + 4 + 8 * n)[0]
            wanted = []
        pos += 4 + length
    if wanted:
        raise _fail("sizes need a zip64 extra field but there is none")
    return found[0], found[1], found[2]


def _split_name(raw: bytes, flags: int) -> tuple[str, tuple[str, ...], bool]:
    """Decode and normalise a name, refusing anything that could land outside the crate."""
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError:
        if flags & _FLAG_UTF8:
            shown = raw.decode("utf-8", "replace")
            raise _fail("name is flagged UTF-8 but is not UTF-8", shown) from None
        name = raw.decode("cp437")  # the zip default when the UTF-8 flag is off
    if len(name) > MAX_NAME_LENGTH:  # the catalogue keeps paths in that many characters
        raise _fail(f"name longer than {MAX_NAME_LENGTH} characters", name[:80] + "…")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        shown = name.encode("unicode_escape").decode("ascii")
        raise _fail("name contains a NUL or control character", shown)
    if "\\" in name:
        raise _fail("name contains a backslash; zip paths must use '/'", name)
    if _DRIVE.match(name):
        raise _fail("name starts with a Windows drive letter", name)
    if name.startswith("/"):
        raise _fail("absolute path; names must be relative to the crate", name)
    parts = tuple(unicodedata.normalize("NFC", p) for p in name.split("/") if p not in ("", "."))
    if ".." in parts:
        raise _fail("path leaves the crate folder", name)
    if not parts and not name.endswith("/"):
        raise _fail("empty member name", name)
    return name, parts, name.endswith("/")


def _check_entry(record: tuple[int, ...], raw: bytes, extra: bytes, lim: ArchiveLimits) -> _Entry:
    """Validate one central-directory record on its own (name, type, encryption, sizes)."""
    flags, method, crc, csize, size, attr, offset = (record[i] for i in (5, 6, 9, 10, 11, 17, 18))
    name, parts, is_dir = _split_name(raw, flags)
    kind = stat.S_IFMT(attr >> 16)
    if kind == stat.S_IFLNK:
        raise _fail("symbolic links are not allowed", name)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _fail("not a regular file (device, FIFO or socket)", name)
    if flags & _FLAG_ENCRYPTED:
        raise _fail("member is encrypted; upload an unencrypted zip", name)
    if method not in (_STORED, _DEFLATED):
        raise _fail(f"compression method {method} is not supported, only stored/deflated", name)
    size, csize, offset = _zip64_values(extra, size, csize, offset)
    if method == _STORED and csize != size:
        raise _fail("stored member's compressed and uncompressed sizes differ", name)
    is_dir = is_dir or kind == stat.S_IFDIR
    if is_dir and size:
        raise _fail("directory entry carries data", name)
    if size > lim.max_member_size:
        message = f"{size} bytes, over the {lim.max_member_size} byte limit per file"
        raise _fail(message, name, too_large=True)
    if size > lim.ratio_floor and size > csize * lim.max_ratio:
        ratio = f"compression ratio {size / max(csize, 1):.0f}:1"
        raise _fail(f"{ratio} is over {lim.max_ratio:.0f}:1 (zip bomb?)", name, too_large=True)
    return _Entry(raw, name, parts, is_dir, method, crc, size, csize, offset)


def _read_entries(fp: BinaryIO, limits: ArchiveLimits) -> list[_Entry]:
    """Parse and check the whole central directory before any member is touched."""
    count, cd_offset, cd_size = _find_central_directory(fp, limits)
    data = _read_at(fp, cd_offset, cd_size)
    entries: list[_Entry] = []
    problems: list[Problem] = []
    pos = total = total_compressed = 0
    for _ in range(count):
        if pos + _CENTRAL.size > len(data) or data[pos : pos + 4] != _SIG_CENTRAL:
            raise _fail("central directory is corrupt or truncated")
        record = _CENTRAL.unpack_from(data, pos)
        name_end = pos + _CENTRAL.size + record[12]
        raw, extra = data[pos + _CENTRAL.size : name_end], data[name_end : name_end + record[13]]
        pos = name_end + record[13] + record[14]
        if pos > len(data):
            raise _fail("central directory is corrupt or truncated")
        try:
            entry = _check_entry(record, raw, extra, limits)
        except TooLarge:
            raise
        except InvalidInput as exc:  # report every bad name at once, so users fix them together
            problems.extend(exc.problems)
            continue
        entries.append(entry)
        total, total_compressed = total + entry.size, total_compressed + entry.compressed_size
        if total > limits.max_total_uncompressed:
            limit = limits.max_total_uncompressed
            raise _fail(f"over {limit} bytes uncompressed in total", too_large=True)
    if pos != len(data):
        raise _fail("central directory holds more than the end record's entry count")
    if problems:
        raise InvalidInput(f"{len(problems)} unsafe or malformed zip entries", problems=problems)
    if total > limits.ratio_floor and total > total_compressed * limits.max_ratio:
        ratio = f"compression ratio {total / max(total_compressed, 1):.0f}:1"
        raise _fail(f"archive {ratio} is over {limits.max_ratio:.0f}:1", too_large=True)
    previous_end = 0  # members must not share bytes: overlap is the classic non-recursive bomb
    for entry in sorted(entries, key=lambda e: e.offset):
        if entry.offset < previous_end:
            raise _fail("member data overlaps another member", entry.name)
        previous_end = entry.offset + _LOCAL.size + len(entry.raw_name) + entry.compressed_size
        if previous_end > cd_offset:
            raise _fail("member data runs into the central directory: truncated", entry.name)
    return entries


def _is_litter(entry: _Entry) -> bool:
    """macOS Finder litter is never part of a crate."""
    return not entry.parts or entry.parts[0] == "__MACOSX" or entry.parts[-1] == ".DS_Store"


def _layout(entries: list[_Entry]) -> tuple[str, _Entry, dict[tuple[str, ...], _Entry]]:
    """Find the crate root (zip root first, else the one top-level folder) and index its files."""
    files: dict[tuple[str, ...], _Entry] = {}
    folders: set[tuple[str, ...]] = set()
    problems: list[Problem] = []
    for entry in entries:
        if _is_litter(entry):
            continue
        if entry.is_dir:
            folders.add(entry.parts)
        elif entry.parts in files:
            other = files[entry.parts].name
            problems.append(Problem(f"duplicate member name (same path as {other!r})", entry.name))
        else:
            files[entry.parts] = entry
        folders.update(entry.parts[:i] for i in range(1, len(entry.parts)))
    for parts in sorted(files.keys() & folders):
        problems.append(Problem("a file and a folder have the same path", files[parts].name))
    if problems:
        raise InvalidInput(f"{len(problems)} conflicting zip entries", problems=problems)
    top_files = sorted(p[0] for p in files if len(p) == 1)
    top_folders = sorted(p[0] for p in folders if len(p) == 1)
    roots: list[tuple[str, ...]] = (
        [()] if top_files or len(top_folders) != 1 else [(), (top_folders[0],)]
    )
    for root in roots:
        for meta in METADATA_NAMES:
            if (*root, meta) in files:
                prefix = "".join(f"{p}/" for p in root)
                return prefix, files[(*root, meta)], files
    if len(roots) == 2:
        where = f"at the zip root or in its only folder {top_folders[0]}/"
    else:
        found = ", ".join(top_folders[:5] + top_files[:5]) or "nothing"
        where = f"at the zip root, and the content is not in one top-level folder ({found})"
    raise _fail(f"no {METADATA_NAMES[0]} (or .jsonld) {where}")


class _MemberReader(io.RawIOBase):
    """Inflates one member; refuses more bytes than declared and checks the CRC at the end."""

    def __init__(self, archive: CrateArchive, entry: _Entry, data_at: int) -> None:
        super().__init__()
        self._archive, self._entry, self._pos = archive, entry, data_at
        self._left = entry.compressed_size
        self._inflater = zlib.decompressobj(-15) if entry.method == _DEFLATED else None
        self._tail = b""
        self._out = self._crc = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        if self._archive._closed:
            raise ValueError("the crate archive is closed")
        view = memoryview(buffer).cast("B")
        data = self._next(len(view))
        view[: len(data)] = data
        return len(data)

    def _next(self, limit: int) -> bytes:
        """At most `limit` more bytes; b"" only once the whole member has checked out."""
        entry = self._entry
        try:
            while not self._done:
                if self._inflater is None:
                    data = self._read_raw(min(limit, self._left))
                else:
                    if not self._tail and self._left:
                        self._tail = self._read_raw(min(_CHUNK, self._left))
                    data = self._inflater.decompress(self._tail, limit)
                    self._tail = self._inflater.unconsumed_tail
                if data:
                    self._out += len(data)
                    if self._out > entry.size:
                        message = f"inflates to more than its declared {entry.size} bytes"
                        raise _fail(message, entry.name, too_large=True)
                    self._crc = zlib.crc32(data, self._crc)
                    return data
                self._finish()
        except zlib.error as exc:
            raise _fail(f"corrupt compressed data ({exc})", entry.name) from exc
        return b""

    def _read_raw(self, count: int) -> bytes:
        data = _read_at(self._archive._fp, self._pos, count)  # seeks: the file object is shared
        if len(data) != count:
            raise _fail("member data is truncated", self._entry.name)
        self._pos, self._left = self._pos + count, self._left - count
        return data

    def _finish(self) -> None:
        """No output came: either input remains, or the member must now be complete and intact."""
        entry = self._entry
        if self._inflater is not None and not self._inflater.eof:
            if self._tail or self._left:
                return
            raise _fail("compressed data ends early: truncated or corrupt", entry.name)
        if self._out != entry.size:
            raise _fail(f"{self._out} bytes, not the declared {entry.size}", entry.name)
        if self._crc != entry.crc:
            raise _fail("CRC-32 mismatch: member data is corrupt", entry.name)
        self._done = True


class CrateArchive:
    """A crate zip whose central directory was fully validated; members are read as streams.

    The caller owns `fileobj` (and closes it); an archive is not meant to be shared by threads.
    """

    root_prefix: str
    metadata_path: str
    members: dict[str, ArchiveMember]

    def __init__(self, fileobj: BinaryIO, limits: ArchiveLimits, entries: list[_Entry]) -> None:
        self._fp = fileobj
        self.root_prefix, self._meta, files = _layout(entries)
        if self._meta.size > limits.max_metadata_bytes:
            message = f"{self._meta.size} bytes, over the {limits.max_metadata_bytes} byte limit"
            raise _fail(message, self._meta.name, too_large=True)
        self.metadata_path = self._meta.name
        depth = self.root_prefix.count("/")
        self._files = {"/".join(p[depth:]): e for p, e in files.items() if e is not self._meta}
        self.members = {
            path: ArchiveMember(path, e.name, e.size, e.compressed_size)
            for path, e in self._files.items()
        }
        self.layout = self._archive_layout(entries, depth)
        self._closed = False

    def _archive_layout(self, entries: list[_Entry], depth: int) -> ArchiveLayout:
        """The zip's members in central-directory order, named as normalised here."""
        layout = []
        for entry in entries:
            if _is_litter(entry):
                continue
            name = "/".join(entry.parts)
            if entry.is_dir:
                layout.append(ArchiveEntry(EntryKind.FOLDER, name + "/"))
            elif entry is self._meta:
                layout.append(ArchiveEntry(EntryKind.METADATA, name))
            else:
                layout.append(ArchiveEntry(EntryKind.FILE, name, "/".join(entry.parts[depth:])))
        return ArchiveLayout(tuple(layout))

    @classmethod
    def open(cls, fileobj: BinaryIO, limits: ArchiveLimits = ArchiveLimits()) -> Self:
        """Validate the whole central directory up front; nothing is inflated yet."""
        return cls(fileobj, limits, _read_entries(fileobj, limits))

    def read_metadata(self) -> bytes:
        """The metadata bytes: bounded at open, and the stream stops at the declared size."""
        with self._open_entry(self._meta) as stream:
            return stream.read()

    def open_member(self, path: str) -> BinaryIO:
        """A buffered stream over one member's bytes that enforces its size and CRC."""
        entry = self._files.get(path)
        if entry is None:
            raise _fail("no such file in the crate", path)
        return self._open_entry(entry)

    def _open_entry(self, entry: _Entry) -> io.BufferedReader[_MemberReader]:
        """Refuse a local header that disagrees with the directory: readers would differ."""
        if self._closed:
            raise ValueError("the crate archive is closed")
        head = _read_at(self._fp, entry.offset, _LOCAL.size)
        if len(head) < _LOCAL.size or head[:4] != _SIG_LOCAL:
            raise _fail("local file header is missing or corrupt", entry.name)
        _, _, _, flags, method, _, _, crc, csize, size, name_len, extra_len = _LOCAL.unpack(head)
        sizes = (crc, csize, size)
        sizes_known = not flags & _FLAG_DESCRIPTOR and _U32 not in sizes
        if (
            _read_at(self._fp, entry.offset + _LOCAL.size, name_len) != entry.raw_name
            or method != entry.method
            or flags & _FLAG_ENCRYPTED
            or (sizes_known and sizes != (entry.crc, entry.compressed_size, entry.size))
        ):
            raise _fail("local header disagrees with the central directory", entry.name)
        data_at = entry.offset + _LOCAL.size + name_len + extra_len
        return io.BufferedReader(_MemberReader(self, entry, data_at), buffer_size=_CHUNK)

    def close(self) -> None:
        """Refuse further reads; the file object itself belongs to the caller."""
        self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
