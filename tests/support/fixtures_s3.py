"""Pytest fixtures for S3 tests against a real SeaweedFS; load with `pytest_plugins`.

One server per test session (starting weed costs seconds), one fresh bucket per test (so tests
cannot see each other's objects), removed afterwards even when the test failed.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.seaweedfs import SeaweedFS


@pytest.fixture(scope="session")
def seaweedfs() -> Iterator[SeaweedFS]:
    server = SeaweedFS().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_bucket_name(seaweedfs: SeaweedFS) -> Iterator[str]:
    """A bucket name nobody has used; the test may or may not create the bucket."""
    name = f"fd-test-{uuid.uuid4().hex[:20]}"
    yield name
    remove_bucket(seaweedfs.client(), name)


def remove_bucket(client: Any, bucket: str) -> None:
    """Empty the bucket (objects and unfinished multipart uploads), then delete it."""
    try:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
        for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
            with contextlib.suppress(ClientError):
                client.abort_multipart_upload(
                    Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                )
        client.delete_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchBucket":
            raise
    finally:
        client.close()
