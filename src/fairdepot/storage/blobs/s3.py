"""Blobs as objects in an S3-compatible bucket: the scale-out shape.

Writes stream through a buffer of one part: small blobs go up with one PUT, larger ones as a
multipart upload, so memory stays at about `part_size` whatever the blob size. Reads are HTTP
Range GETs behind a seekable file object, because zip intake seeks to the central directory at
the end of an archive and must not download the archive to find it.

A store that does not answer must not hold requests and jobs for minutes (boto's defaults are
60 s timeouts and 5 attempts): timeouts and attempts are bounded settings, and every call goes
through `availability.GuardedClient`, which turns transport errors into DependencyUnavailable
and fails fast for a while after one.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from fairdepot.core.errors import DependencyUnavailable
from fairdepot.storage.blobs.availability import Availability, GuardedClient, is_transient
from fairdepot.storage.blobs.interface import (
    BLOB_STORE,
    CHUNK_SIZE,
    DEFAULT_WRITE,
    BlobEntry,
    BlobInfo,
    BlobStore,
    BlobWriter,
    WriteOptions,
)
from fairdepot.storage.blobs.local import _safe_relative

log = logging.getLogger(__name__)
MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB  # S3 (and SeaweedFS) reject smaller non-last parts with EntityTooSmall
MAX_PARTS = 10_000  # S3's limit on parts per multipart upload
DEFAULT_PART_SIZE = 8 * MIB
DEFAULT_READ_BUFFER = 1 * MIB
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 20.0
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_UNAVAILABLE_SECONDS = 5.0
_DELETE_BATCH = 1000  # S3's limit on keys per DeleteObjects call
_ENDPOINT_VARS = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")  # what botocore itself reads

_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
_ALREADY_THERE_CODES = frozenset({"BucketAlreadyOwnedByYou", "BucketAlreadyExists"})


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _is_missing(error: ClientError) -> bool:
    return _error_code(error) in _MISSING_CODES


@contextmanager
def _missing_as_file_not_found(name: str) -> Iterator[None]:
    """botocore's 404s (NoSuchKey, bare 404 on HEAD) become the FileNotFoundError we promise."""
    try:
        yield
    except ClientError as error:
        if _is_missing(error):
            raise FileNotFoundError(f"no blob {name}") from error
        raise


class _S3Writer(BlobWriter):
    """Holds at most one part in memory; starts a multipart upload only once a part is full."""

    def __init__(
        self, store: S3BlobStore, key: str, object_key: str, options: WriteOptions
    ) -> None:
        super().__init__(key, options)
        self._store = store
        self._object_key = object_key
        self._part_size = store.part_size
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._finished = False

    def _write(self, chunk: bytes) -> None:
        if self._finished:
            raise ValueError(f"writer for {self.key!r} is already committed or aborted")
        view = memoryview(chunk)
        while view:
            room = self._part_size - len(self._buffer)
            self._buffer += view[:room]
            view = view[room:]
            if len(self._buffer) >= self._part_size:
                self._upload_buffer_as_part()

    def _upload_buffer_as_part(self) -> None:
        client, bucket = self._store.client, self._store.bucket
        if self._upload_id is None:
            created = client.create_multipart_upload(Bucket=bucket, Key=self._object_key)
            self._upload_id = created["UploadId"]
        number = len(self._parts) + 1
        if number > MAX_PARTS:
            raise ValueError(f"blob {self.key!r} exceeds {MAX_PARTS} parts; raise part_size")
        response = client.upload_part(
            Bucket=bucket,
            Key=self._object_key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=self._buffer,  # no bytes() copy: that alone would double peak memory
        )
        self._parts.append({"PartNumber": number, "ETag": response["ETag"]})
        # a new buffer rather than clear(): botocore may still hold the old one for a retry
        self._buffer = bytearray()

    def commit(self) -> BlobInfo:
        if self._finished:
            raise ValueError(f"writer for {self.key!r} is already committed or aborted")
        client, bucket = self._store.client, self._store.bucket
        try:
            if self._upload_id is None:
                client.put_object(Bucket=bucket, Key=self._object_key, Body=self._buffer)
            else:
                if self._buffer:
                    self._upload_buffer_as_part()
                client.complete_multipart_upload(
                    Bucket=bucket,
                    Key=self._object_key,
                    UploadId=self._upload_id,
                    MultipartUpload={"Parts": self._parts},
                )
        except BaseException:
            self.abort()
            raise
        self._finished = True
        self._buffer = bytearray()
        return self.info()

    def abort(self) -> None:
        """Idempotent; a multipart upload left open would keep its parts (and cost) forever."""
        if self._finished:
            return
        self._finished = True
        self._buffer = bytearray()
        if self._upload_id is None:
            return
        try:
            self._store.client.abort_multipart_upload(
                Bucket=self._store.bucket, Key=self._object_key, UploadId=self._upload_id
            )
        except ClientError as error:
            if _error_code(error) != "NoSuchUpload":
                raise


class _S3RangeReader(io.RawIOBase):
    """Random access to one object version through Range GETs.

    Every GET carries `If-Match` with the ETag seen at open, so a blob overwritten while being
    read fails loudly instead of yielding a mix of old and new bytes.
    """

    def __init__(self, store: S3BlobStore, object_key: str, size: int, etag: str) -> None:
        super().__init__()
        self._store = store
        self._object_key = object_key
        self._size = size
        self._etag = etag
        self._pos = 0
        self.name = f"s3://{store.bucket}/{object_key}"

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._checkClosed()
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._checkClosed()
        bases = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}
        if whence not in bases:
            raise ValueError(f"invalid whence {whence!r}")
        target = bases[whence] + offset
        if target < 0:
            raise OSError(f"negative seek position {target}")
        self._pos = target
        return self._pos

    def _get(self, first: int, last: int | None) -> Any:
        byte_range = f"bytes={first}-" if last is None else f"bytes={first}-{last}"
        try:
            with _missing_as_file_not_found(self.name):
                response = self._store.client.get_object(
                    Bucket=self._store.bucket,
                    Key=self._object_key,
                    Range=byte_range,
                    IfMatch=self._etag,
                )
        except ClientError as error:
            if _error_code(error) in {"PreconditionFailed", "412"}:
                raise OSError(f"blob {self.name} changed while open") from error
            raise
        return response["Body"]

    def readinto(self, buffer: Any) -> int:
        self._checkClosed()
        target = memoryview(buffer).cast("B")
        wanted = min(len(target), self._size - self._pos)
        if wanted <= 0:
            return 0
        body = self._get(self._pos, self._pos + wanted - 1)
        filled = 0
        try:
            with self._store.availability.call():
                while filled < wanted:
                    data = body.read(wanted - filled)
                    if not data:
                        break
                    target[filled : filled + len(data)] = data
                    filled += len(data)
        finally:
            body.close()
        if filled < wanted:
            raise OSError(f"blob {self.name}: short read ({filled} of {wanted} bytes)")
        self._pos += filled
        return filled

    def readall(self) -> bytes:
        """One GET for the rest, instead of RawIOBase's many small ranged reads."""
        self._checkClosed()
        if self._pos >= self._size:
            return b""
        body = self._get(self._pos, None)
        try:
            with self._store.availability.call():
                data = b"".join(body.iter_chunks(CHUNK_SIZE))
        finally:
            body.close()
        self._pos += len(data)
        return data


class S3BlobStore(BlobStore):
    """One bucket (optionally a key prefix inside it) behind the BlobStore contract.

    Every connection setting left as None falls back to boto3's standard chain (AWS_ENDPOINT_URL,
    AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, profiles, instance roles), so the same
    code serves AWS, SeaweedFS, MinIO and friends with only settings changed.
    """

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        part_size: int = DEFAULT_PART_SIZE,
        read_buffer_size: int = DEFAULT_READ_BUFFER,
        create_bucket: bool = True,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        unavailable_seconds: float = DEFAULT_UNAVAILABLE_SECONDS,
    ) -> None:
        if not bucket:
            raise ValueError("S3 bucket name must not be empty")
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (S3's minimum)")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.part_size = part_size
        self.read_buffer_size = read_buffer_size
        has_endpoint = any((endpoint_url, *(os.environ.get(v) for v in _ENDPOINT_VARS)))
        config = Config(
            retries={"max_attempts": max_attempts, "mode": "standard"},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            # custom endpoints (SeaweedFS, MinIO, ...) rarely have wildcard DNS for bucket hosts
            s3={"addressing_style": "path"} if has_endpoint else None,
        )
        # a session of our own: the default session is shared global state and not thread-safe
        session = boto3.session.Session()
        self.availability = Availability(unavailable_seconds)
        raw_client = session.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=config,
        )
        self.client = GuardedClient(raw_client, self.availability)
        self._session = session
        self._client_options: dict[str, Any] = {
            "endpoint_url": endpoint_url,
            "region_name": region,
            "aws_access_key_id": access_key_id,
            "aws_secret_access_key": secret_access_key,
        }
        self._config = config
        self._probe_clients: dict[float, Any] = {}
        self._bucket_unchecked = False
        if create_bucket:
            try:
                self._ensure_bucket()
            except DependencyUnavailable as error:
                # a process started during an outage must still start (and answer 503): the
                # bucket is checked again before the first write
                log.warning("S3 bucket %s not checked at start: %s", bucket, error)
                self._bucket_unchecked = True

    def _ensure_bucket(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as error:
            if not _is_missing(error) and _error_code(error) != "NoSuchBucket":
                raise
        region = self.client.meta.region_name
        extra: dict[str, Any] = {}
        if region and region not in {"us-east-1", "aws-global"}:
            extra["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            self.client.create_bucket(Bucket=self.bucket, **extra)
        except ClientError as error:
            # another process created it between our HEAD and our PUT: fine if we can use it
            if _error_code(error) not in _ALREADY_THERE_CODES:
                raise
            self.client.head_bucket(Bucket=self.bucket)

    def _object_key(self, key: str) -> str:
        path = _safe_relative(key)
        if not path.parts:
            raise ValueError(f"blob key {key!r} must name an object")
        return self.prefix + path.as_posix()

    def open_write(self, key: str, options: WriteOptions = DEFAULT_WRITE) -> BlobWriter:
        """A completed PUT or multipart upload is durable: `options.durable` changes nothing."""
        if self._bucket_unchecked:
            self._ensure_bucket()
            self._bucket_unchecked = False
        return _S3Writer(self, key, self._object_key(key), options)

    def _head(self, object_key: str) -> dict[str, Any]:
        with _missing_as_file_not_found(f"s3://{self.bucket}/{object_key}"):
            head: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=object_key)
        return head

    def open_read(self, key: str) -> BinaryIO:
        object_key = self._object_key(key)
        head = self._head(object_key)
        raw = _S3RangeReader(self, object_key, int(head["ContentLength"]), head["ETag"])
        return io.BufferedReader(raw, buffer_size=self.read_buffer_size)

    def iter_read(self, key: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """One streaming GET; downloads need no seeking, so no per-chunk round trips."""
        object_key = self._object_key(key)
        with _missing_as_file_not_found(f"s3://{self.bucket}/{object_key}"):
            response = self.client.get_object(Bucket=self.bucket, Key=object_key)
        body = response["Body"]
        chunks = body.iter_chunks(chunk_size)
        try:
            while True:
                # one guarded step per chunk: a guard must not stay open across a yield
                with self.availability.call():
                    chunk = next(chunks, None)
                if chunk is None:
                    return
                yield chunk
        finally:
            body.close()

    def size(self, key: str) -> int:
        return int(self._head(self._object_key(key))["ContentLength"])

    def exists(self, key: str) -> bool:
        try:
            self._head(self._object_key(key))
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        # S3 answers 204 for absent keys too, which is exactly the idempotence we promise
        self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))

    def _listed_objects(self, prefix: str) -> Iterator[dict[str, Any]]:
        """Every object under `prefix`, each page fetched inside the availability guard.

        The paginator calls the raw client, past `GuardedClient`, and a guard must not stay
        open across a yield, so each page is one guarded step.
        """
        paginator = self.client.get_paginator("list_objects_v2")
        pages = iter(paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix))
        while True:
            with self.availability.call():
                page = next(pages, None)
            if page is None:
                return
            yield from page.get("Contents", [])

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        for item in self._listed_objects(prefix):
            yield item["Key"][len(self.prefix) :]

    def list_blobs(self, prefix: str = "") -> Iterator[BlobEntry]:
        """Sizes and times come with the listing: no HEAD per object."""
        for item in self._listed_objects(prefix):
            key = item["Key"][len(self.prefix) :]
            yield BlobEntry(key, int(item["Size"]), item.get("LastModified"))

    def delete_prefix(self, prefix: str) -> int:
        """Batch deletes of up to 1000 keys; restarts the listing after each batch.

        Listing afresh instead of following a continuation token keeps this correct on stores
        whose tokens do not survive deletion of the keys they point past.
        """
        removed = 0
        while True:
            response = self.client.list_objects_v2(
                Bucket=self.bucket, Prefix=self.prefix + prefix, MaxKeys=_DELETE_BATCH
            )
            keys = [item["Key"] for item in response.get("Contents", [])]
            if not keys:
                return removed
            result = self.client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True},
            )
            if errors := result.get("Errors"):
                raise OSError(f"could not delete {len(errors)} blob(s), e.g. {errors[0]!r}")
            removed += len(keys)

    def check_available(self, timeout: float) -> None:
        """One HEAD of the bucket, one attempt, `timeout` seconds at most per step."""
        probe = self._probe_clients.get(timeout)
        if probe is None:  # readiness is polled often: one client per timeout, made once
            quick = Config(
                retries={"max_attempts": 1, "mode": "standard"},
                connect_timeout=timeout,
                read_timeout=timeout,
            )
            probe = self._session.client(
                "s3", config=self._config.merge(quick), **self._client_options
            )
            self._probe_clients[timeout] = probe
        try:
            probe.head_bucket(Bucket=self.bucket)
        except Exception as error:
            if is_transient(error):
                self.availability.mark_failed(error)
            raise DependencyUnavailable(BLOB_STORE, f"{type(error).__name__}: {error}") from error
        self.availability.mark_available()

    def close(self) -> None:
        self.client.close()
        for probe in self._probe_clients.values():
            probe.close()
