"""A scitacean file transfer that moves a dataset's files through fairdepot's file API.

Use it where no shared file system joins the user's machine and the facility's storage::

    transfer = FairdepotFileTransfer(url, username="alice", password="...")
    client = Client.from_credentials(url=url, username=..., password=..., file_transfer=transfer)
    client.upload_new_dataset_now(dataset)            # files stored in fairdepot's blob store
    client.download_files(dataset, target="./data")   # the same bytes back

Without credentials it is anonymous, as `Client.without_login`: it downloads the files of
published datasets (the server answers 403 for the rest) and uploads nothing.

scitacean uploads before it creates the dataset, so uploads are staged under the dataset's
`sourceFolder` (`PUT {url}/v4/fairdepot/staged-files`) and the origdatablock scitacean then
creates links them to the dataset; downloads read the dataset's file by pid and path. Both
directions stream (1 MiB at a time) and compare sha256 and md5 computed here with the
server's. scitacean is an optional dependency: this module needs it, nothing else does.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

try:
    from scitacean import Dataset, File, RemotePath
    from scitacean.error import FileNotAccessibleError, FileUploadError
    from scitacean.util.formatter import DatasetPathFormatter
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "fairdepot.client.scitacean_transfer needs scitacean (pip install scitacean)"
    ) from exc

CHUNK_SIZE = 1024 * 1024
STAGED = "/v4/fairdepot/staged-files"


class _Digests:
    """sha256 and md5 of bytes as they pass, the two the server computes while storing."""

    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()
        self.md5 = hashlib.md5()  # noqa: S324 - a fixity checksum, not a security hash
        self.size = 0

    def update(self, chunk: bytes) -> None:
        self.sha256.update(chunk)
        self.md5.update(chunk)
        self.size += len(chunk)


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    message = body.get("message") if isinstance(body, dict) else None
    return f"HTTP {response.status_code}: {message}"


class FairdepotUploadConnection:
    """Stages one dataset's files; made by `FairdepotFileTransfer.connect_for_upload`."""

    def __init__(self, http: httpx.Client, source_folder: RemotePath) -> None:
        self._http = http
        self._source_folder = source_folder

    @property
    def source_folder(self) -> RemotePath:
        return self._source_folder

    def upload_files(self, *files: File) -> list[File]:
        """Upload each file; on a failure, remove those already staged and raise."""
        uploaded: list[File] = []
        try:
            uploaded.extend(self._upload(file) for file in files)
        except Exception:
            self.revert_upload(*uploaded)
            raise
        return uploaded

    def _upload(self, file: File) -> File:
        if file.local_path is None:
            raise ValueError(f"cannot upload {file.remote_path}: the file has no local path")
        local = Path(file.local_path)
        size = local.stat().st_size
        digests = _Digests()

        def chunks() -> Iterator[bytes]:
            with local.open("rb") as stream:
                while chunk := stream.read(CHUNK_SIZE):
                    digests.update(chunk)
                    yield chunk

        response = self._http.put(
            STAGED,
            params=self._params(file),
            content=chunks(),
            headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"},
        )
        if response.status_code != 201:
            raise FileUploadError(f"uploading {local} failed: {_message(response)}")
        stored = response.json()
        expected = (digests.size, digests.sha256.hexdigest(), digests.md5.hexdigest())
        if (stored.get("size"), stored.get("sha256"), stored.get("md5")) != expected:
            self._delete(file)
            raise FileUploadError(
                f"uploading {local}: the server stored other bytes than were sent "
                f"({stored.get('size')} bytes, sha256 {stored.get('sha256')}); removed"
            )
        return file.uploaded(
            remote_creation_time=datetime.now(tz=UTC),
            remote_size=digests.size,
            remote_perm=oct(local.stat().st_mode & 0o777)[2:],
        )

    def revert_upload(self, *files: File) -> None:
        """Remove staged files of this connection (scitacean calls it when a create fails)."""
        for file in files:
            self._delete(file)

    def _delete(self, file: File) -> None:
        response = self._http.delete(STAGED, params=self._params(file))
        if response.status_code not in (200, 404):
            raise FileUploadError(f"removing {file.remote_path} failed: {_message(response)}")

    def _params(self, file: File) -> dict[str, str]:
        return {"sourceFolder": self._source_folder.posix, "path": file.remote_path.posix}


class FairdepotDownloadConnection:
    """Downloads one dataset's files; made by `FairdepotFileTransfer.connect_for_download`."""

    def __init__(
        self, http: httpx.Client, pid: str, source_folder: RemotePath, *, anonymous: bool = False
    ) -> None:
        self._http = http
        self._files = f"/v4/fairdepot/datasets/{quote(pid, safe='')}/files"
        self._folder = source_folder.posix.rstrip("/")
        self._anonymous = anonymous

    def download_files(self, *, remote: list[RemotePath], local: list[Path]) -> None:
        for r, path in zip(remote, local, strict=True):
            self.download_file(remote=r, local=path)

    def download_file(self, *, remote: RemotePath, local: Path) -> None:
        """Stream into `local.part`, compare checksums with the server's, then rename."""
        name = remote.posix
        if name.startswith(self._folder + "/"):
            name = name[len(self._folder) + 1 :]
        partial = local.with_name(local.name + ".part")
        digests = _Digests()
        try:
            with self._http.stream("GET", self._files, params={"path": name}) as response:
                if response.status_code != 200:
                    response.read()
                    hint = (
                        " (without an account only the files of published datasets download)"
                        if self._anonymous and response.status_code == 403
                        else ""
                    )
                    raise FileNotAccessibleError(
                        f"downloading {name} failed: {_message(response)}{hint}",
                        remote_path=remote,
                    )
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes(CHUNK_SIZE):
                        digests.update(chunk)
                        out.write(chunk)
                sha256 = response.headers.get("x-checksum-sha256")
                md5 = response.headers.get("x-checksum-md5")
            if (sha256 and sha256 != digests.sha256.hexdigest()) or (
                md5 and md5 != digests.md5.hexdigest()
            ):
                raise FileNotAccessibleError(
                    f"downloading {name}: the bytes received do not match the server's checksum",
                    remote_path=remote,
                )
            os.replace(partial, local)
        finally:
            partial.unlink(missing_ok=True)


class FairdepotFileTransfer:
    """scitacean's `FileTransfer` over fairdepot's file API (see the module docstring).

    `url` is the SciCat API base given to scitacean (`https://host/api`). Authenticate with a
    `token` (scitacean's, or a fairdepot API token) or `username` + `password` (a login at
    `{url}/v3/auth/login`, done at the first use); with neither, the transfer is anonymous:
    it downloads what anyone may read (published datasets' files) and refuses to upload
    before a byte is sent. `source_folder` overrides the dataset's, with scitacean's
    `{placeholders}` (a `{uid}` is drawn anew at each use: avoid it).
    """

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        source_folder: str | RemotePath | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if token is None and (username is None) != (password is None):
            raise ValueError("give a token, or a username and a password, or neither")
        self._url = url.rstrip("/")
        self._token = token
        self._credentials = (username, password)
        self._pattern = (
            source_folder.posix if isinstance(source_folder, RemotePath) else source_folder
        )
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        self._transport = transport

    def source_folder_for(self, dataset: Dataset) -> RemotePath:
        if self._pattern is not None:
            return RemotePath(DatasetPathFormatter().format(self._pattern, dset=dataset, uid=""))
        if dataset.source_folder is None:
            raise ValueError("the dataset has no source_folder and the transfer sets none")
        return dataset.source_folder

    @contextmanager
    def connect_for_upload(
        self, dataset: Dataset, representative_file_path: RemotePath
    ) -> Iterator[FairdepotUploadConnection]:
        if self.is_anonymous:
            raise FileUploadError(
                f"uploading to {self._url} needs an account: give FairdepotFileTransfer a "
                "token, or a username and a password (anonymous transfers only download "
                "published datasets' files)"
            )
        with self._client() as http:
            yield FairdepotUploadConnection(http, self.source_folder_for(dataset))

    @contextmanager
    def connect_for_download(
        self, dataset: Dataset, representative_file_path: RemotePath
    ) -> Iterator[FairdepotDownloadConnection]:
        if dataset.pid is None:
            raise ValueError("only a dataset stored in SciCat (it has a pid) has files to download")
        if dataset.source_folder is None:
            raise ValueError("the dataset has no source_folder")
        with self._client() as http:
            yield FairdepotDownloadConnection(
                http, str(dataset.pid), dataset.source_folder, anonymous=self.is_anonymous
            )

    @property
    def is_anonymous(self) -> bool:
        """Whether the transfer has no credentials (downloads published files only)."""
        return self._token is None and self._credentials == (None, None)

    @contextmanager
    def _client(self) -> Iterator[httpx.Client]:
        options: dict[str, Any] = {"base_url": self._url, "timeout": self._timeout}
        if self._transport is not None:
            options["transport"] = self._transport
        with httpx.Client(**options) as http:
            if not self.is_anonymous:
                http.headers["Authorization"] = f"Bearer {self._token_for(http)}"
            yield http

    def _token_for(self, http: httpx.Client) -> str:
        if self._token is None:
            username, password = self._credentials
            response = http.post(
                "/v3/auth/login", json={"username": username, "password": password}
            )
            if response.status_code not in (200, 201):
                raise FileNotAccessibleError(
                    f"logging in to {self._url} failed: {_message(response)}",
                    remote_path=RemotePath(self._url),
                )
            self._token = str(response.json()["access_token"])
        return self._token


__all__ = ["FairdepotDownloadConnection", "FairdepotFileTransfer", "FairdepotUploadConnection"]
