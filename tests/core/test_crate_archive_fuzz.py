"""Malformed archives only ever raise the archive error (InvalidInput), never a Python error.

Hand-made zip64 cases reproduce defects found by probing uploads; property-based tests then
mutate valid zips byte by byte, truncate and extend them, and read everything the reader
offers. Any other exception would become a 500 at upload or an "internal error" job.
Example counts are bounded so this runs in seconds; `FUZZ_EXAMPLES=5000` searches harder.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdepot.core.crate_archive import ArchiveLimits, CrateArchive
from fairdepot.core.errors import InvalidInput
from tests.core.test_crate_archive import META, Raw, _raw_zip

LIMITS = ArchiveLimits(max_metadata_bytes=1 << 20, max_member_size=1 << 20)


def _plain_zip(method: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("ro-crate-metadata.json", META)
        archive.writestr("data/a.csv", b"a,b\n1,2\n" * 20)
        archive.writestr("data/", b"")
    return buffer.getvalue()


SEEDS = {
    "deflated": _plain_zip(zipfile.ZIP_DEFLATED),
    "stored": _plain_zip(zipfile.ZIP_STORED),
    "zip64": _raw_zip(
        Raw(b"ro-crate-metadata.json", META, zip64=True),
        Raw(b"data/b.bin", b"xyz" * 50, method=zipfile.ZIP_DEFLATED, zip64=True),
    ),
}


def _read_everything(data: bytes) -> None:
    """What an upload check and an ingest do with an archive: open it and read every byte."""
    with CrateArchive.open(io.BytesIO(data), LIMITS) as archive:
        archive.read_metadata()
        for path in archive.members:
            with archive.open_member(path) as member:
                while member.read(4096):
                    pass


def _only_archive_errors(data: bytes) -> None:
    try:
        _read_everything(data)
    except InvalidInput as exc:
        problems = exc.problems
    else:
        return
    assert problems, "archive errors say where the problem is"


def zip64_with_locator_offset(offset: int) -> bytes:
    data = bytearray(SEEDS["zip64"])
    at = data.rfind(b"PK\x06\x07")
    struct.pack_into("<Q", data, at + 8, offset)
    return bytes(data)


@pytest.mark.parametrize("offset", [2**64 - 1, 2**63, 2**40, 10**9])
def test_a_zip64_locator_pointing_beyond_the_file_is_an_archive_error(offset: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        _read_everything(zip64_with_locator_offset(offset))
    assert "zip64" in str(raised.value)


def zip64_with_short_extra() -> bytes:
    """The zip64 seed whose first extra field claims 24 bytes but carries only 8 of them."""
    data = bytearray(SEEDS["zip64"])
    central = data.find(b"PK\x01\x02")
    name_length, extra_length = struct.unpack_from("<2H", data, central + 28)
    extra_at = central + 46 + name_length
    struct.pack_into("<H", data, central + 30, 12)
    struct.pack_into("<2H", data, extra_at, 1, 24)
    del data[extra_at + 12 : extra_at + extra_length]
    cd_size_at = data.rfind(b"PK\x06\x06") + 40
    cd_size = struct.unpack_from("<Q", data, cd_size_at)[0]
    struct.pack_into("<Q", data, cd_size_at, cd_size - (extra_length - 12))
    struct.pack_into("<Q", data, data.rfind(b"PK\x06\x07") + 8, data.rfind(b"PK\x06\x06"))
    return bytes(data)


def test_a_zip64_extra_field_shorter_than_its_sizes_is_an_archive_error() -> None:
    with pytest.raises(InvalidInput) as raised:
        _read_everything(zip64_with_short_extra())
    assert "zip64 extra field" in str(raised.value)


def test_the_seeds_are_valid_archives() -> None:
    for data in SEEDS.values():
        _read_everything(data)


_FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_FUZZ
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    changes=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=6
    ),
)
def test_changed_bytes_only_ever_raise_the_archive_error(seed: str, changes: list) -> None:
    data = bytearray(SEEDS[seed])
    for position, value in changes:
        data[position % len(data)] = value
    _only_archive_errors(bytes(data))


@_FUZZ
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    position=st.integers(min_value=0),
    value=st.sampled_from([0x00, 0xFF, 0x7F, 0x80, 0x01]),
    width=st.sampled_from([1, 2, 4, 8]),
)
def test_extreme_field_values_only_ever_raise_the_archive_error(
    seed: str, position: int, value: int, width: int
) -> None:
    data = bytearray(SEEDS[seed])
    at = position % len(data)
    data[at : at + width] = bytes([value]) * len(data[at : at + width])
    _only_archive_errors(bytes(data))


@_FUZZ
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    cut=st.integers(min_value=0),
    tail=st.binary(max_size=64),
    head=st.binary(max_size=64),
)
def test_truncated_or_extended_archives_only_ever_raise_the_archive_error(
    seed: str, cut: int, tail: bytes, head: bytes
) -> None:
    data = SEEDS[seed]
    _only_archive_errors(data[: cut % (len(data) + 1)] + tail)
    _only_archive_errors(head + data)
