"""One contract for every blob store: the local folder and S3 (a real SeaweedFS) must behave alike.

The product runs embedded or scaled out with only settings changed, so every behaviour the
services rely on is asserted here against both adapters; S3-only tests cover how the S3 store
gets there (multipart, ranged reads, bounded memory, bucket creation, env fallback).
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import zipfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from fairdepot.storage.blobs.factory import S3Options, open_blob_store
from fairdepot.storage.blobs.interface import BlobStore
from fairdepot.storage.blobs.local import LocalBlobStore
from fairdepot.storage.blobs.s3 import MIN_PART_SIZE, S3BlobStore
from tests.support.seaweedfs import SeaweedFS

# the `seaweedfs` and `s3_bucket_name` fixtures come from tests.support.fixtures_s3 (conftest)

MIB = 1024 * 1024
PART = MIN_PART_SIZE  # 5 MiB: the smallest part size S3 and SeaweedFS accept


def pattern(size: int, seed: int = 0) -> bytes:
    """Deterministic bytes where every 4-byte word differs, so offset mix-ups show."""
    words = array("I", range(seed << 24, (seed << 24) + (size + 3) // 4))
    return words.tobytes()[:size]


def chunked(data: bytes, size: int = MIB) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@dataclass
class Case:
    store: BlobStore
    leftovers: Callable[[], list[str]]  # everything stored, finished or not


@pytest.fixture(params=["local", "s3"])
def case(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Case]:
    if request.param == "local":
        root = tmp_path / "blobs"
        store: BlobStore = LocalBlobStore(root)

        def local_leftovers() -> list[str]:
            return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

        yield Case(store, local_leftovers)
        return
    server: SeaweedFS = request.getfixturevalue("seaweedfs")
    bucket: str = request.getfixturevalue("s3_bucket_name")
    s3 = S3BlobStore(bucket, part_size=PART, **server.store_options())

    def s3_leftovers() -> list[str]:
        objects = s3.client.list_objects_v2(Bucket=bucket).get("Contents", [])
        uploads = s3.client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        return sorted([o["Key"] for o in objects] + [f"upload:{u['Key']}" for u in uploads])

    yield Case(s3, s3_leftovers)
    s3.close()


@pytest.fixture
def store(case: Case) -> BlobStore:
    return case.store


# -- the contract ------------------------------------------------------------------------------


def test_round_trip_reports_size_and_checksums(store: BlobStore) -> None:
    data = pattern(300_000)
    info = store.write("records/r1/data.csv", chunked(data, 65_536))
    assert (info.key, info.size) == ("records/r1/data.csv", len(data))
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.md5 == hashlib.md5(data).hexdigest()
    with store.open_read("records/r1/data.csv") as stream:
        assert stream.read() == data
    assert store.size("records/r1/data.csv") == len(data)
    assert store.exists("records/r1/data.csv")


def test_blob_spanning_several_parts_round_trips_byte_identical(store: BlobStore) -> None:
    data = pattern(12 * MIB + 12_345, seed=7)
    info = store.write("big.bin", chunked(data, 3 * MIB + 1))  # chunks straddle part borders
    assert info.size == len(data)
    assert hashlib.sha256(b"".join(store.iter_read("big.bin"))).hexdigest() == info.sha256
    with store.open_read("big.bin") as stream:
        assert stream.read() == data


def test_empty_blob_round_trips(store: BlobStore) -> None:
    info = store.write("empty", [])
    assert info.size == 0
    assert info.sha256 == hashlib.sha256(b"").hexdigest()
    assert store.size("empty") == 0
    with store.open_read("empty") as stream:
        assert stream.read() == b""
    assert list(store.iter_read("empty")) == []


def test_abort_leaves_nothing_behind(case: Case) -> None:
    writer = case.store.open_write("aborted/blob")
    for chunk in chunked(pattern(PART + MIB)):  # past one part: S3 has begun a multipart upload
        writer.write(chunk)
    writer.abort()
    assert not case.store.exists("aborted/blob")
    assert case.leftovers() == []


def test_abort_keeps_the_previous_version(store: BlobStore) -> None:
    store.write("doc", [b"version one"])
    writer = store.open_write("doc")
    writer.write(pattern(PART + 1))
    writer.abort()
    with store.open_read("doc") as stream:
        assert stream.read() == b"version one"


def test_failing_chunk_source_aborts_the_write(case: Case) -> None:
    def chunks() -> Iterator[bytes]:
        yield pattern(PART + MIB)
        raise RuntimeError("client went away")

    with pytest.raises(RuntimeError, match="client went away"):
        case.store.write("half/written", chunks())
    assert case.leftovers() == []


def test_overwrite_replaces_content_and_size(store: BlobStore) -> None:
    store.write("k", [pattern(2 * MIB, seed=1)])
    store.write("k", [b"short"])
    assert store.size("k") == 5
    with store.open_read("k") as stream:
        assert stream.read() == b"short"
    assert list(store.list_keys()) == ["k"]


def test_open_read_seeks_like_a_file(store: BlobStore) -> None:
    data = pattern(3 * MIB + 17, seed=3)
    store.write("seek.bin", chunked(data))
    with store.open_read("seek.bin") as stream:
        assert stream.seekable()
        assert stream.seek(-100, io.SEEK_END) == len(data) - 100
        assert stream.read(100) == data[-100:]
        assert stream.read(10) == b""  # at the end
        stream.seek(1_500_000)
        assert stream.tell() == 1_500_000
        assert stream.read(64) == data[1_500_000:1_500_064]
        stream.seek(-32, io.SEEK_CUR)
        assert stream.read(32) == data[1_500_032:1_500_064]
        assert isinstance(stream, io.BufferedIOBase)  # readinto, as zipfile and shutil use
        buffer = bytearray(1000)
        stream.seek(10)
        assert stream.readinto(buffer) == 1000
        assert bytes(buffer) == data[10:1010]
        stream.seek(len(data) + 50)
        assert stream.read(1) == b""


def test_zipfile_reads_members_through_open_read(store: BlobStore, tmp_path: Path) -> None:
    members = {
        "ro-crate-metadata.json": b'{"@graph": []}' * 1000,
        "data/big.bin": pattern(2 * MIB + 3, seed=5),
    }
    archive = tmp_path / "crate.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(
            "ro-crate-metadata.json", members["ro-crate-metadata.json"], zipfile.ZIP_DEFLATED
        )
        zf.writestr("data/big.bin", members["data/big.bin"], zipfile.ZIP_STORED)
    store.write("uploads/crate.zip", chunked(archive.read_bytes()))
    with store.open_read("uploads/crate.zip") as stream, zipfile.ZipFile(stream) as zf:
        assert sorted(zf.namelist()) == sorted(members)
        assert zf.testzip() is None
        for name, content in members.items():
            assert zf.read(name) == content


def test_reader_never_mixes_old_and_new_bytes(store: BlobStore) -> None:
    old, new = pattern(3 * MIB, seed=1), pattern(3 * MIB, seed=2)
    store.write("changing", chunked(old))
    with store.open_read("changing") as stream:
        assert stream.read(10) == old[:10]
        store.write("changing", chunked(new))
        try:
            rest: bytes | None = stream.read()
        except OSError as refused:
            rest, reason = None, str(refused)  # refusing is fine (S3: If-Match on its ETag) ...
    if rest is None:
        assert "changed while open" in reason
        assert not isinstance(store, LocalBlobStore)  # a local file handle keeps its version
    else:
        assert rest == old[10:]  # ... a mix of versions is not
    with store.open_read("changing") as again:  # and a new reader sees the new bytes whole
        assert again.read() == new


def test_iter_read_streams_in_bounded_chunks(store: BlobStore) -> None:
    data = pattern(2 * MIB + 5, seed=9)
    store.write("stream.bin", chunked(data))
    chunks = list(store.iter_read("stream.bin", chunk_size=256 * 1024))
    assert all(0 < len(c) <= 256 * 1024 for c in chunks)
    assert b"".join(chunks) == data


def test_missing_key_raises_file_not_found(store: BlobStore) -> None:
    assert not store.exists("nope/missing")
    with pytest.raises(FileNotFoundError):
        store.size("nope/missing")
    with pytest.raises(FileNotFoundError):
        store.open_read("nope/missing")
    with pytest.raises(FileNotFoundError):
        next(store.iter_read("nope/missing"))


def test_delete_is_idempotent(store: BlobStore) -> None:
    store.write("gone", [b"x"])
    store.delete("gone")
    assert not store.exists("gone")
    store.delete("gone")
    store.delete("never/was")


def test_list_keys_matches_string_prefixes(store: BlobStore) -> None:
    for key in ["a/1", "a/2", "ab/3", "b/4"]:
        store.write(key, [key.encode()])
    assert sorted(store.list_keys("a/")) == ["a/1", "a/2"]
    assert sorted(store.list_keys("a")) == ["a/1", "a/2", "ab/3"]
    assert sorted(store.list_keys()) == ["a/1", "a/2", "ab/3", "b/4"]
    assert list(store.list_keys("zzz")) == []


def test_delete_prefix_removes_only_that_prefix(store: BlobStore) -> None:
    for key in ["rec/1/a", "rec/1/b/c", "rec/10/a", "other"]:
        store.write(key, [b"x"])
    assert store.delete_prefix("rec/1/") == 2
    assert sorted(store.list_keys()) == ["other", "rec/10/a"]
    assert store.delete_prefix("rec/1/") == 0


def test_bad_keys_are_rejected(store: BlobStore) -> None:
    operations = (store.open_write, store.open_read, store.size, store.exists, store.delete)
    for key in ["../x", "/abs", "a/../../x", "", "a\\b"]:
        for operation in operations:
            with pytest.raises(ValueError, match="blob key"):
                operation(key)
            assert list(store.list_keys()) == [], f"{operation.__name__}({key!r}) stored data"


# -- S3 specifics ------------------------------------------------------------------------------


@pytest.fixture
def s3_store(seaweedfs: SeaweedFS, s3_bucket_name: str) -> Iterator[S3BlobStore]:
    store = S3BlobStore(s3_bucket_name, part_size=PART, **seaweedfs.store_options())
    yield store
    store.close()


def _etag(store: S3BlobStore, key: str) -> str:
    return str(store.client.head_object(Bucket=store.bucket, Key=store.prefix + key)["ETag"])


def test_s3_uses_one_put_below_part_size_and_multipart_above(s3_store: S3BlobStore) -> None:
    small = pattern(PART - 1)
    s3_store.write("small", chunked(small))
    assert _etag(s3_store, "small").strip('"') == hashlib.md5(small).hexdigest()
    s3_store.write("large", chunked(pattern(2 * PART + 1)))
    assert _etag(s3_store, "large").strip('"').endswith("-3")  # multipart ETags count parts


def test_s3_writer_memory_stays_near_one_part(s3_store: S3BlobStore) -> None:
    def generated() -> Iterator[bytes]:
        for i in range(64):
            yield i.to_bytes(4, "big") * (MIB // 4)

    tracemalloc.start()
    try:
        info = s3_store.write("sixty-four", generated())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.size == 64 * MIB
    assert peak < 3 * PART, f"peak {peak / MIB:.1f} MiB for {PART / MIB:.0f} MiB parts"


def test_s3_tail_read_fetches_only_ranges(s3_store: S3BlobStore) -> None:
    data = pattern(8 * MIB)
    s3_store.write("tail.bin", chunked(data))
    ranges: list[str | None] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        ranges.append(params.get("Range"))

    s3_store.client.meta.events.register("provide-client-params.s3.GetObject", record)
    with s3_store.open_read("tail.bin") as stream:
        stream.seek(-22, io.SEEK_END)
        assert stream.read(22) == data[-22:]
    assert ranges, "no GET was made"
    for byte_range in ranges:
        assert byte_range is not None
        first, last = (int(x) for x in byte_range.removeprefix("bytes=").split("-"))
        assert last - first + 1 <= s3_store.read_buffer_size


def test_s3_prefixes_isolate_stores_in_one_bucket(
    seaweedfs: SeaweedFS, s3_bucket_name: str
) -> None:
    options = seaweedfs.store_options()
    one = S3BlobStore(s3_bucket_name, prefix="/tenant-1/", **options)
    two = S3BlobStore(s3_bucket_name, prefix="tenant-2", **options)
    one.write("a/key", [b"1"])
    two.write("a/key", [b"2"])
    assert list(one.list_keys()) == ["a/key"]
    assert one.delete_prefix("") == 1
    with two.open_read("a/key") as stream:
        assert stream.read() == b"2"
    raw = one.client.list_objects_v2(Bucket=s3_bucket_name)["Contents"]
    assert [o["Key"] for o in raw] == ["tenant-2/a/key"]


def test_s3_bucket_creation_survives_a_lost_race(
    seaweedfs: SeaweedFS, s3_bucket_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    S3BlobStore(s3_bucket_name, **seaweedfs.store_options()).write("k", [b"v"])
    second = S3BlobStore(s3_bucket_name, create_bucket=False, **seaweedfs.store_options())
    real_head = second.client.head_bucket
    calls: list[str] = []

    def head_says_missing_once(**kwargs: Any) -> Any:
        calls.append(kwargs["Bucket"])
        if len(calls) == 1:  # the other process creates the bucket right after this HEAD
            raise ClientError({"Error": {"Code": "404"}}, "HeadBucket")
        return real_head(**kwargs)

    monkeypatch.setattr(second.client, "head_bucket", head_says_missing_once)
    second._ensure_bucket()  # create_bucket answers BucketAlreadyOwnedByYou
    assert len(calls) == 2
    assert second.exists("k")


def test_s3_part_size_below_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="part_size"):
        S3BlobStore("unused-bucket", part_size=MIB, create_bucket=False)


# -- factory -----------------------------------------------------------------------------------


def test_factory_empty_url_means_blobs_in_data_dir(tmp_path: Path) -> None:
    store = open_blob_store("", data_dir=tmp_path)
    assert isinstance(store, LocalBlobStore)
    assert store.root == tmp_path / "blobs"


def test_factory_file_url_and_plain_path_give_local_stores(tmp_path: Path) -> None:
    by_url = open_blob_store(f"file://{tmp_path}/by-url", data_dir=tmp_path / "unused")
    by_path = open_blob_store(str(tmp_path / "by-path"), data_dir=tmp_path / "unused")
    assert isinstance(by_url, LocalBlobStore)
    assert by_url.root == tmp_path / "by-url"
    assert isinstance(by_path, LocalBlobStore)
    assert by_path.root == tmp_path / "by-path"


def test_factory_s3_url_gives_bucket_and_prefix(
    seaweedfs: SeaweedFS, s3_bucket_name: str, tmp_path: Path
) -> None:
    options = S3Options(**seaweedfs.store_options())
    store = open_blob_store(
        f"s3://{s3_bucket_name}/deep/prefix/", data_dir=tmp_path, s3_options=options
    )
    assert isinstance(store, S3BlobStore)
    assert (store.bucket, store.prefix) == (s3_bucket_name, "deep/prefix/")
    store.write("k", [b"v"])
    assert store.exists("k")
    store.close()


def test_factory_s3_falls_back_to_aws_environment(
    seaweedfs: SeaweedFS, s3_bucket_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", seaweedfs.endpoint_url)
    monkeypatch.setenv("AWS_REGION", seaweedfs.region)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", seaweedfs.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", seaweedfs.secret_key)
    store = open_blob_store(f"s3://{s3_bucket_name}", data_dir=tmp_path, s3_options=S3Options())
    store.write("from-env", [b"ok"])
    assert list(store.list_keys()) == ["from-env"]
    store.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://host/x", "unsupported storage URL scheme 'ftp'"),
        ("s3://", "names no bucket"),
        ("file://otherhost/x", "not a local file URL"),
        ("file:relative/x", "absolute path"),
        ("s3://bucket/x?versioning=1", "query"),
        ("s3://AKIA:hunter2@bucket/x", "must not contain credentials"),
        ("https://user:hunter2@example.org/x", "unsupported storage URL scheme 'https'"),
    ],
)
def test_factory_rejects_bad_urls_without_echoing_secrets(
    url: str, message: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        open_blob_store(url, data_dir=tmp_path)
    assert "hunter2" not in str(caught.value)


def test_a_write_may_skip_md5_and_leave_durability_to_one_sync(store: BlobStore) -> None:
    """What crate intake asks: no md5 of an upload it only unpacks; one sync per crate."""
    from fairdepot.storage.blobs.interface import WriteOptions

    data = pattern(200_000, seed=3)
    plain = store.write("uploads/u.zip", chunked(data, 65_536))
    writer = store.open_write("uploads/fast.zip", WriteOptions(md5=False, durable=False))
    for chunk in chunked(data, 65_536):
        writer.write(chunk)
    info = writer.commit()
    assert info.md5 is None
    assert (info.size, info.sha256) == (plain.size, plain.sha256)
    store.sync()
    assert b"".join(store.iter_read("uploads/fast.zip")) == data
    assert store.sizes(["uploads/fast.zip", "uploads/u.zip", "uploads/none"]) == {
        "uploads/fast.zip": len(data),
        "uploads/u.zip": len(data),
    }
