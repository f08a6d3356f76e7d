"""The crate zip reader accepts the layouts real tools produce and refuses hostile archives."""

from __future__ import annotations

import io
import os
import stat
import struct
import tracemalloc
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from fairdepot.core import crate_archive
from fairdepot.core.crate_archive import ArchiveLimits, ArchiveMember, CrateArchive
from fairdepot.core.errors import InvalidInput, Problem, TooLarge

META = b'{"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": []}'
Entry = tuple[str | zipfile.ZipInfo, bytes]


def _zip(*entries: Entry, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _open(data: bytes, limits: ArchiveLimits | None = None) -> CrateArchive:
    return CrateArchive.open(io.BytesIO(data), limits or ArchiveLimits())


def _problem(exc: pytest.ExceptionInfo[InvalidInput]) -> Problem:
    assert exc.value.problems, "errors must say where the problem is"
    return exc.value.problems[0]


def _info(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    return info


@dataclass
class Raw:
    """A member written byte by byte, for what zipfile refuses to write."""

    name: bytes
    plain: bytes = b""
    method: int = zipfile.ZIP_STORED
    size: int | None = None  # declared uncompressed size; default the true one
    flags: int = 0
    offset: int | None = None  # the central directory's idea of the local header offset
    local_name: bytes | None = None  # what the local header says, if it is to disagree
    local_flags: int | None = None
    local_size: int | None = None
    zip64: bool = False
    cut: int = 0  # drop this many bytes from the end of the compressed data


def _raw_zip(*members: Raw) -> bytes:
    body, central = bytearray(), bytearray()
    for m in members:
        if m.method == zipfile.ZIP_DEFLATED:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = packer.compress(m.plain) + packer.flush()
        else:
            data = m.plain
        data = data[: len(data) - m.cut]
        size = len(m.plain) if m.size is None else m.size
        crc, offset, local_name = zlib.crc32(m.plain), len(body), m.local_name or m.name
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if m.zip64 else (len(data), size)
        local_sizes = sizes if m.local_size is None else (len(data), m.local_size)
        local_flags = m.flags if m.local_flags is None else m.local_flags
        local_extra = struct.pack("<2H2Q", 1, 16, size, len(data)) if m.zip64 else b""
        body += struct.pack(
            "<4s2B4HL2L2H", b"PK\x03\x04", 45, 0, local_flags, m.method, 0, 0x21, crc, *local_sizes,
            len(local_name), len(local_extra),
        )  # fmt: skip
        body += local_name + local_extra + data
        cd_extra = struct.pack("<2H3Q", 1, 24, size, len(data), offset) if m.zip64 else b""
        cd_offset = 0xFFFFFFFF if m.zip64 else offset if m.offset is None else m.offset
        central += struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", 45, 3, 45, 0, m.flags, m.method, 0, 0x21, crc,
            *sizes, len(m.name), len(cd_extra), 0, 0, 0, (stat.S_IFREG | 0o644) << 16, cd_offset,
        )  # fmt: skip
        central += m.name + cd_extra
    n, cd_at, out = len(members), len(body), body + central
    if any(m.zip64 for m in members):
        z64_at = len(out)
        out += struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, len(central), cd_at)
        out += struct.pack("<4sLQL", b"PK\x06\x07", 0, z64_at, 1)
        n, cd_at = 0xFFFF, 0xFFFFFFFF
    return bytes(out + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(central), cd_at, 0))


# --- layouts that must be accepted -------------------------------------------------------------


def test_metadata_at_the_zip_root_makes_the_zip_root_the_crate_root() -> None:
    data = _zip(("ro-crate-metadata.json", META), ("data/a.csv", b"x,y\n1,2\n"), ("b.txt", b"b"))
    with _open(data) as crate:
        assert crate.root_prefix == ""
        assert crate.metadata_path == "ro-crate-metadata.json"
        assert crate.read_metadata() == META
        sizes = {p: m.compressed_size for p, m in crate.members.items()}
        assert crate.members == {
            "data/a.csv": ArchiveMember("data/a.csv", "data/a.csv", 8, sizes["data/a.csv"]),
            "b.txt": ArchiveMember("b.txt", "b.txt", 1, sizes["b.txt"]),
        }


def test_a_single_top_level_folder_is_the_crate_root() -> None:
    data = _zip(
        ("crate/", b""),
        ("crate/ro-crate-metadata.json", META),
        ("crate/data/", b""),
        ("crate/data/a.csv", b"1,2\n"),
    )
    with _open(data) as crate:
        assert crate.root_prefix == "crate/"
        assert crate.metadata_path == "crate/ro-crate-metadata.json"
        assert list(crate.members) == ["data/a.csv"]
        assert crate.members["data/a.csv"].zip_name == "crate/data/a.csv"
        assert crate.open_member("data/a.csv").read() == b"1,2\n"


def test_macos_litter_is_ignored_also_when_choosing_the_top_level_folder() -> None:
    data = _zip(
        ("crate/ro-crate-metadata.json", META),
        ("crate/a.csv", b"a"),
        ("crate/.DS_Store", b"finder"),
        ("crate/sub/.DS_Store", b"finder"),
        ("__MACOSX/crate/._a.csv", b"appledouble"),
        (".DS_Store", b"finder"),
    )
    with _open(data) as crate:
        assert crate.root_prefix == "crate/"
        assert list(crate.members) == ["a.csv"]


def test_metadata_at_the_root_wins_over_one_in_a_folder() -> None:
    data = _zip(("ro-crate-metadata.json", META), ("sub/ro-crate-metadata.json", b"{}"))
    with _open(data) as crate:
        assert crate.root_prefix == ""
        assert list(crate.members) == ["sub/ro-crate-metadata.json"]


def test_nested_sub_crate_metadata_is_a_plain_member() -> None:
    data = _zip(("c/ro-crate-metadata.json", META), ("c/sub/ro-crate-metadata.json", b"{}"))
    with _open(data) as crate:
        assert crate.metadata_path == "c/ro-crate-metadata.json"
        assert list(crate.members) == ["sub/ro-crate-metadata.json"]


def test_legacy_jsonld_name_is_used_when_the_json_is_absent() -> None:
    with _open(_zip(("crate/ro-crate-metadata.jsonld", META))) as crate:
        assert crate.metadata_path == "crate/ro-crate-metadata.jsonld"
        assert crate.read_metadata() == META


def test_json_name_is_preferred_and_the_jsonld_is_then_a_member() -> None:
    data = _zip(("ro-crate-metadata.jsonld", b"{}"), ("ro-crate-metadata.json", META))
    with _open(data) as crate:
        assert crate.metadata_path == "ro-crate-metadata.json"
        assert list(crate.members) == ["ro-crate-metadata.jsonld"]


def test_unicode_names_are_accepted_and_keyed_in_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "données/café.csv")
    data = _zip(("ro-crate-metadata.json", META), (nfd, b"1"), ("🧪/résumé.txt", b"2"))
    with _open(data) as crate:
        assert set(crate.members) == {"données/café.csv", "🧪/résumé.txt"}
        assert crate.members["données/café.csv"].zip_name == nfd
        assert crate.open_member("données/café.csv").read() == b"1"


def test_utf8_names_without_the_utf8_flag_are_decoded_as_utf8() -> None:
    data = _raw_zip(Raw(b"ro-crate-metadata.json", META), Raw("café.csv".encode(), b"1"))
    assert list(_open(data).members) == ["café.csv"]


def test_names_without_the_utf8_flag_that_are_not_utf8_are_decoded_as_cp437() -> None:
    data = _raw_zip(Raw(b"ro-crate-metadata.json", META), Raw(b"caf\x82.csv", b"1"))
    assert list(_open(data).members) == ["café.csv"]


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_member_stream_gives_back_exactly_the_stored_bytes(method: int) -> None:
    payload = os.urandom(300_000) + b"abc" * 100_000
    crate = _open(_zip(("ro-crate-metadata.json", META), ("blob.bin", payload), method=method))
    stream = crate.open_member("blob.bin")
    pieces = [stream.read(7), stream.read(100_000)]
    pieces.append(stream.read())
    assert b"".join(pieces) == payload
    assert stream.read() == b""


def test_two_members_can_be_read_interleaved_from_one_file_object() -> None:
    a, b = os.urandom(200_000), os.urandom(200_000)
    crate = _open(_zip(("ro-crate-metadata.json", META), ("a", a), ("b", b)))
    first, second = crate.open_member("a"), crate.open_member("b")
    got_a, got_b = bytearray(), bytearray()
    while chunk := first.read(70_000):
        got_a += chunk
        got_b += second.read(70_000)
    got_b += second.read()
    assert (bytes(got_a), bytes(got_b)) == (a, b)


def test_reading_a_large_member_keeps_memory_flat(tmp_path: Path) -> None:
    path = tmp_path / "crate.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ro-crate-metadata.json", META)
        with archive.open("big.bin", "w") as out:
            for _ in range(32):
                out.write(b"\0" * 1024 * 1024)
    with path.open("rb") as fileobj, CrateArchive.open(fileobj, ArchiveLimits(max_ratio=1e6)) as c:
        tracemalloc.start()
        stream, total = c.open_member("big.bin"), 0
        while chunk := stream.read(64 * 1024):
            total += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert total == 32 * 1024 * 1024
    assert peak < 2 * 1024 * 1024


class _ShortReads(io.BytesIO):
    """Like some S3 range readers: returns fewer bytes than asked for."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(777 if size is None or size < 0 else min(size, 777))


def test_file_objects_that_return_short_reads_are_read_in_full() -> None:
    payload = os.urandom(100_000)
    data = _zip(("ro-crate-metadata.json", META * 20), ("a.bin", payload), method=0)
    with CrateArchive.open(_ShortReads(data)) as crate:
        assert crate.read_metadata() == META * 20
        assert crate.open_member("a.bin").read() == payload


def test_zip64_records_and_extra_fields_are_understood() -> None:
    data = _raw_zip(Raw(b"ro-crate-metadata.json", META, zip64=True), Raw(b"a", b"abc", zip64=True))
    with _open(data) as crate:
        assert crate.members["a"].size == 3
        assert crate.open_member("a").read() == b"abc"
        assert crate.read_metadata() == META


def test_small_highly_compressible_files_are_below_the_ratio_floor() -> None:
    data = _zip(("ro-crate-metadata.json", META), ("zeros.bin", b"\0" * 512 * 1024))
    assert _open(data).open_member("zeros.bin").read() == b"\0" * 512 * 1024


def test_opening_a_file_not_in_the_crate_names_it() -> None:
    crate = _open(_zip(("ro-crate-metadata.json", META)))
    with pytest.raises(InvalidInput) as exc:
        crate.open_member("missing.csv")
    assert _problem(exc).location == "missing.csv"


def test_a_closed_archive_refuses_to_read() -> None:
    data = _zip(("ro-crate-metadata.json", META), ("a", b"a" * 100))
    with _open(data) as crate:
        stream = crate.open_member("a")
    with pytest.raises(ValueError, match="closed"):
        crate.open_member("a")
    with pytest.raises(ValueError, match="closed"):
        stream.read()


# --- not a (whole) zip -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty file"),
        (os.urandom(4096), "not a zip archive"),
        (b"@prefix schema: <https://schema.org/> .\n" * 50, "not a zip archive"),
    ],
    ids=["empty", "random bytes", "turtle"],  # ids must be the same in every xdist worker
)
def test_something_that_is_not_a_zip_is_rejected(content: bytes, expected: str) -> None:
    with pytest.raises(InvalidInput, match=expected) as exc:
        _open(content)
    assert _problem(exc).location == "zip"


def test_a_zip_cut_short_is_rejected_as_truncated() -> None:
    data = _zip(("ro-crate-metadata.json", META), ("a.bin", os.urandom(10_000)))
    with pytest.raises(InvalidInput, match="truncated"):
        _open(data[: len(data) - 30])


def test_a_zip_missing_bytes_in_the_middle_is_rejected_as_truncated() -> None:
    data = _zip(("ro-crate-metadata.json", META), ("a.bin", os.urandom(10_000)))
    with pytest.raises(InvalidInput, match="not where the end record says: archive truncated"):
        _open(data[:100] + data[5000:])


def test_multi_volume_archives_are_rejected() -> None:
    data = bytearray(_zip(("ro-crate-metadata.json", META)))
    struct.pack_into("<H", data, data.rfind(b"PK\x05\x06") + 4, 1)
    with pytest.raises(InvalidInput, match="multi-volume"):
        _open(bytes(data))


def test_a_central_directory_longer_than_its_entry_count_is_rejected() -> None:
    data = bytearray(_zip(("ro-crate-metadata.json", META), ("a", b"a")))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<2H", data, end + 8, 1, 1)
    with pytest.raises(InvalidInput, match="entry count"):
        _open(bytes(data))


# --- where is the crate ------------------------------------------------------------------------


def test_zip_without_metadata_says_it_looked_at_the_root_and_the_folder() -> None:
    with pytest.raises(InvalidInput) as exc:
        _open(_zip(("crate/data.csv", b"1"), ("__MACOSX/crate/._data.csv", b"x")))
    assert "zip root" in exc.value.message
    assert "crate/" in exc.value.message
    assert _problem(exc).location == "zip"


def test_two_top_level_folders_are_not_a_crate_folder() -> None:
    data = _zip(("a/ro-crate-metadata.json", META), ("b/ro-crate-metadata.json", META))
    with pytest.raises(InvalidInput, match=r"not in one top-level folder \(a, b\)"):
        _open(data)


def test_an_empty_zip_has_no_crate() -> None:
    with pytest.raises(InvalidInput, match=r"\(nothing\)"):
        _open(_zip())


def test_metadata_two_folders_deep_is_not_found() -> None:
    with pytest.raises(InvalidInput, match=r"no ro-crate-metadata\.json"):
        _open(_zip(("outer/inner/ro-crate-metadata.json", META)))


def test_a_root_file_next_to_the_folder_means_the_folder_is_not_the_crate() -> None:
    with pytest.raises(InvalidInput, match="not in one top-level folder"):
        _open(_zip(("crate/ro-crate-metadata.json", META), ("README.md", b"hi")))


# --- unsafe names and entries ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected", "location"),
    [
        ("../etc/passwd", "path leaves the crate folder", "../etc/passwd"),
        ("data/../../x", "path leaves the crate folder", "data/../../x"),
        ("/etc/passwd", "absolute path", "/etc/passwd"),
        ("C:\\x", "backslash", "C:\\x"),
        ("a\\..\\b", "backslash", "a\\..\\b"),
        ("C:/x", "drive letter", "C:/x"),
        ("a\x01b", "control character", "a\\x01b"),
        ("a\x7fb", "control character", "a\\x7fb"),
    ],
)
def test_unsafe_names_are_rejected_with_the_member_name(
    name: str, expected: str, location: str
) -> None:
    data = _zip(("ro-crate-metadata.json", META), (zipfile.ZipInfo(name), b"x"))
    with pytest.raises(InvalidInput, match=expected) as exc:
        _open(data)
    assert _problem(exc).location == location


def test_a_nul_in_a_name_is_rejected_not_cut_off() -> None:
    data = _raw_zip(Raw(b"ro-crate-metadata.json", META), Raw(b"a.csv\x00.exe", b"x"))
    with pytest.raises(InvalidInput, match="NUL") as exc:
        _open(data)
    assert _problem(exc).location == "a.csv\\x00.exe"


def test_every_unsafe_name_is_reported_at_once() -> None:
    data = _zip(("ro-crate-metadata.json", META), ("../a", b"x"), ("/b", b"y"))
    with pytest.raises(InvalidInput) as exc:
        _open(data)
    assert [p.location for p in exc.value.problems] == ["../a", "/b"]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (stat.S_IFLNK | 0o777, "symbolic link"),
        (stat.S_IFCHR | 0o644, "not a regular file"),
        (stat.S_IFBLK | 0o644, "not a regular file"),
        (stat.S_IFIFO | 0o644, "not a regular file"),
        (stat.S_IFSOCK | 0o644, "not a regular file"),
    ],
)
def test_links_and_special_files_are_rejected(mode: int, expected: str) -> None:
    data = _zip(("ro-crate-metadata.json", META), (_info("data/link", mode), b"/etc/passwd"))
    with pytest.raises(InvalidInput, match=expected) as exc:
        _open(data)
    assert _problem(exc).location == "data/link"


def test_encrypted_members_are_rejected() -> None:
    data = _raw_zip(Raw(b"ro-crate-metadata.json", META), Raw(b"secret.csv", b"x", flags=0x1))
    with pytest.raises(InvalidInput, match="encrypted") as exc:
        _open(data)
    assert _problem(exc).location == "secret.csv"


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_compression_other_than_stored_or_deflated_is_rejected(method: int) -> None:
    data = _zip(("ro-crate-metadata.json", META), ("a.csv", b"x" * 100), method=method)
    with pytest.raises(InvalidInput, match=f"compression method {method}") as exc:
        _open(data)
    assert _problem(exc).location in {"ro-crate-metadata.json", "a.csv"}


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("data/a.csv", "data/a.csv"),
        ("data/a.csv", "./data/a.csv"),
        ("data/a.csv", "data//a.csv"),
        (unicodedata.normalize("NFC", "é.csv"), unicodedata.normalize("NFD", "é.csv")),
    ],
)
def test_duplicate_names_after_normalisation_are_rejected(first: str, second: str) -> None:
    data = _zip(("ro-crate-metadata.json", META), (first, b"1"), (second, b"2"))
    with pytest.raises(InvalidInput, match="duplicate member name") as exc:
        _open(data)
    assert _problem(exc).location == second


@pytest.mark.parametrize("folder_entry", ["data/x.csv", "data/"])
def test_a_file_and_a_folder_with_the_same_path_are_rejected(folder_entry: str) -> None:
    data = _zip(("ro-crate-metadata.json", META), ("data", b"1"), (folder_entry, b""))
    with pytest.raises(InvalidInput, match="a file and a folder") as exc:
        _open(data)
    assert _problem(exc).location == "data"


@pytest.mark.parametrize(
    "member",
    [
        Raw(b"data.csv", b"1,2", local_name=b"evil.exe"),
        Raw(b"data.csv", b"1,2", local_flags=0x1),
        Raw(b"data.csv", b"1,2", method=zipfile.ZIP_DEFLATED, local_size=2),
    ],
    ids=["name", "encryption", "size"],
)
def test_a_local_header_that_disagrees_with_the_directory_is_rejected(member: Raw) -> None:
    crate = _open(_raw_zip(Raw(b"ro-crate-metadata.json", META), member))
    with pytest.raises(InvalidInput, match="disagrees") as exc:
        crate.open_member("data.csv")
    assert _problem(exc).location == "data.csv"


def test_members_sharing_bytes_are_rejected_as_overlapping() -> None:
    data = _raw_zip(
        Raw(b"ro-crate-metadata.json", META), Raw(b"a", b"1"), Raw(b"b", b"1", offset=0)
    )
    with pytest.raises(InvalidInput, match="overlaps"):
        _open(data)


# --- limits ------------------------------------------------------------------------------------


def test_too_many_entries_is_too_large() -> None:
    data = _zip(("ro-crate-metadata.json", META), *[(f"{i}.txt", b"") for i in range(4)])
    with pytest.raises(TooLarge, match="5 entries"):
        _open(data, ArchiveLimits(max_entries=4))


def test_total_declared_size_over_the_limit_is_too_large() -> None:
    data = _zip(("ro-crate-metadata.json", META), ("a", b"a" * 600), ("b", b"b" * 600))
    with pytest.raises(TooLarge, match="in total") as exc:
        _open(data, ArchiveLimits(max_total_uncompressed=1000))
    assert _problem(exc).location == "zip"


def test_one_member_over_the_size_limit_is_too_large() -> None:
    data = _zip(("ro-crate-metadata.json", META), ("big.bin", b"b" * 2000))
    with pytest.raises(TooLarge) as exc:
        _open(data, ArchiveLimits(max_member_size=1000))
    assert _problem(exc).location == "big.bin"


def test_a_real_ratio_bomb_is_refused_without_inflating_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ro-crate-metadata.json", META)
        with archive.open("zeros.bin", "w") as out:
            for _ in range(50):
                out.write(b"\0" * 1024 * 1024)

    def no_inflating(*args: object) -> None:
        raise AssertionError("the bomb must be refused from its declared sizes")

    monkeypatch.setattr(crate_archive.zlib, "decompressobj", no_inflating)
    with path.open("rb") as fileobj, pytest.raises(TooLarge, match="compression ratio") as exc:
        CrateArchive.open(fileobj)
    assert _problem(exc).location == "zeros.bin"


def test_many_small_compressible_members_over_the_archive_ratio_are_too_large() -> None:
    zeros = [(f"{i}.bin", b"\0" * 60_000) for i in range(20)]
    data = _zip(("ro-crate-metadata.json", META), *zeros)
    limits = ArchiveLimits(ratio_floor=100_000)
    with pytest.raises(TooLarge, match="archive compression ratio") as exc:
        _open(data, limits)
    assert _problem(exc).location == "zip"


def test_a_member_inflating_past_its_declared_size_is_too_large() -> None:
    bomb = Raw(b"bomb.bin", b"\0" * 4 * 1024 * 1024, method=zipfile.ZIP_DEFLATED, size=1000)
    crate = _open(_raw_zip(Raw(b"ro-crate-metadata.json", META), bomb))
    assert crate.members["bomb.bin"].size == 1000
    stream = crate.open_member("bomb.bin")
    with pytest.raises(TooLarge, match="more than its declared 1000 bytes") as exc:
        stream.read()
    assert _problem(exc).location == "bomb.bin"


def test_small_reads_never_hand_out_more_than_the_declared_size() -> None:
    bomb = Raw(b"bomb.bin", b"\0" * 5000, method=zipfile.ZIP_DEFLATED, size=1000)
    stream = _open(_raw_zip(Raw(b"ro-crate-metadata.json", META), bomb)).open_member("bomb.bin")
    handed_out: list[int] = []

    def drain() -> None:
        while chunk := stream.read(10):
            handed_out.append(len(chunk))

    with pytest.raises(TooLarge):
        drain()
    assert sum(handed_out) <= 1000


def test_a_member_shorter_than_declared_is_invalid() -> None:
    short = Raw(b"a.csv", b"1,2\n" * 100, method=zipfile.ZIP_DEFLATED, size=1000)
    stream = _open(_raw_zip(Raw(b"ro-crate-metadata.json", META), short)).open_member("a.csv")
    with pytest.raises(InvalidInput, match="not the declared 1000") as exc:
        stream.read()
    assert not isinstance(exc.value, TooLarge)


def test_metadata_over_its_limit_is_too_large() -> None:
    data = _zip(("crate/ro-crate-metadata.json", META))
    with pytest.raises(TooLarge) as exc:
        _open(data, ArchiveLimits(max_metadata_bytes=len(META) - 1))
    assert _problem(exc).location == "crate/ro-crate-metadata.json"


# --- corrupt member data -----------------------------------------------------------------------


def test_a_crc_mismatch_is_reported_for_the_member() -> None:
    payload = b"0123456789" * 10
    data = bytearray(_zip(("ro-crate-metadata.json", META), ("a.txt", payload), method=0))
    data[data.find(payload) + 5] ^= 0xFF
    stream = _open(bytes(data)).open_member("a.txt")
    with pytest.raises(InvalidInput, match="CRC") as exc:
        stream.read()
    assert _problem(exc).location == "a.txt"


def test_corrupt_deflate_data_is_reported_for_the_member() -> None:
    payload = os.urandom(5000)
    data = bytearray(_zip(("ro-crate-metadata.json", META), ("a.bin", payload)))
    start = data.find(b"a.bin") + len("a.bin")
    data[start : start + 200] = b"\xff" * 200
    stream = _open(bytes(data)).open_member("a.bin")
    with pytest.raises(InvalidInput) as exc:
        stream.read()
    assert _problem(exc).location == "a.bin"


def test_a_deflate_stream_that_stops_early_is_reported_for_the_member() -> None:
    cut = Raw(b"a.bin", os.urandom(5000), method=zipfile.ZIP_DEFLATED, cut=100)
    stream = _open(_raw_zip(Raw(b"ro-crate-metadata.json", META), cut)).open_member("a.bin")
    with pytest.raises(InvalidInput, match="ends early") as exc:
        stream.read()
    assert _problem(exc).location == "a.bin"


def test_the_layout_keeps_member_order_and_folders_and_drops_finder_litter() -> None:
    from fairdepot.core.crates.archive_layout import ArchiveEntry, ArchiveLayout, EntryKind

    data = _zip(
        ("crate/", b""),
        ("crate/z.csv", b"z"),
        ("crate/ro-crate-metadata.json", META),
        ("__MACOSX/crate/._z.csv", b"appledouble"),
        ("crate/sub/", b""),
        ("crate/./sub/a.txt", b"a"),
        ("crate/.DS_Store", b"finder"),
    )
    layout = _open(data).layout
    assert layout.entries == (
        ArchiveEntry(EntryKind.FOLDER, "crate/"),
        ArchiveEntry(EntryKind.FILE, "crate/z.csv", "z.csv"),
        ArchiveEntry(EntryKind.METADATA, "crate/ro-crate-metadata.json"),
        ArchiveEntry(EntryKind.FOLDER, "crate/sub/"),
        ArchiveEntry(EntryKind.FILE, "crate/sub/a.txt", "sub/a.txt"),
    )
    assert layout.file_paths == ["z.csv", "sub/a.txt"]
    assert ArchiveLayout.from_json(layout.to_json()) == layout
