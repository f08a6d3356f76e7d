"""Files a SciCat client uploads through fairdepot, before their dataset exists.

scitacean uploads first and creates the dataset after (its pid is unknown while the bytes
move), so an upload lands in a staging area keyed by the uploading account, the dataset's
future `sourceFolder` and the file's path. The origdatablock that lists the path links it:
the blob becomes a file of the dataset's record (downloadable through every face and the
ARK) and the staged row goes, in the block's own unit of work. Until then a staged file is
its account's: listed and removable by it, re-staged over (the old blob deleted after commit),
and counted by `fairdepot check` as staged, not as an orphan. Nothing expires it by itself.
"""

from __future__ import annotations

import uuid
from typing import Any

from fairdepot.core import staging as rules
from fairdepot.core.blobs import BlobInfo
from fairdepot.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Problem
from fairdepot.core.policy import Actor
from fairdepot.core.records import RecordFile
from fairdepot.core.timestamps import isoformat_z, utcnow
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import UnitOfWork, read_only, unit_of_work
from fairdepot.storage.db.staged_files import StagedFile

KEY_PREFIX = "scicat-staged/"


def staging_key() -> str:
    """Where a new upload's bytes go: chosen here, never from the user's names."""
    return f"{KEY_PREFIX}{uuid.uuid4()}"


def may_stage(actor: Actor) -> None:
    """Only an account stages (SciCat's anonymous-write answer: 403, not 401)."""
    if actor.is_anonymous or actor.user_id is None:
        raise PermissionDenied("Forbidden resource: log in to upload files")


def view(staged: StagedFile) -> dict[str, Any]:
    """A staged file as the file API answers it."""
    return {
        "sourceFolder": staged.source_folder,
        "path": staged.path,
        "size": staged.size,
        "sha256": staged.sha256,
        "md5": staged.md5,
        "createdAt": isoformat_z(staged.created_at),
    }


def record_upload(
    runtime: Runtime, actor: Actor, folder: str, path: str, info: BlobInfo
) -> dict[str, Any]:
    """Keep the streamed blob as the actor's staged file at folder + path (replacing one)."""
    may_stage(actor)
    assert actor.user_id is not None
    with unit_of_work(runtime) as work:
        staged = StagedFile(
            0, actor.user_id, folder, path, info.key, info.size, info.sha256, info.md5, utcnow()
        )
        replaced = work.staged_files.put(staged)
        if replaced is not None:
            work.records.delete_blob_later(replaced.blob_key)
    return view(staged)


def listing(runtime: Runtime, actor: Actor, folder: str | None) -> list[dict[str, Any]]:
    """The actor's staged files (in one source folder, if given), oldest first."""
    may_stage(actor)
    assert actor.user_id is not None
    with read_only(runtime) as work:
        found = work.staged_files.of_owner(actor.user_id, folder or "")
    return [view(s) for s in found]


def remove(runtime: Runtime, actor: Actor, folder: str, path: str) -> dict[str, Any]:
    """Drop one of the actor's staged files; its blob is deleted after the commit."""
    may_stage(actor)
    with unit_of_work(runtime) as work:
        mine = [s for s in work.staged_files.in_folder(folder, actor.user_id) if s.path == path]
        if not mine:
            raise NotFound(f"no file {path[:200]!r} staged under {folder[:200]!r}")
        if work.staged_files.remove([s.id for s in mine]) != len(mine):
            raise NotFound(f"no file {path[:200]!r} staged under {folder[:200]!r}")
        for s in mine:
            work.records.delete_blob_later(s.blob_key)
    return view(mine[0])


def link(
    work: UnitOfWork, actor: Actor, dataset_native: dict[str, Any], block: dict[str, Any]
) -> list[RecordFile]:
    """The dataset files a new block's entries become, from the files staged for the
    dataset's `sourceFolder`; the staged rows are removed in the same unit of work.

    Nothing the caller staged for that folder (an administrator: anyone staged): the block
    only catalogues (shared file system); what other accounts staged never counts, so nobody
    can make another account's cataloguing fail by staging under its folder. Otherwise every
    entry must be a file the caller staged there (an administrator may link anyone's), with
    the staged size and, for sha256/md5, the staged checksum.
    """
    folder = dataset_native.get("sourceFolder")
    if not rules.is_source_folder(folder):
        return []
    assert isinstance(folder, str)
    staged = [
        s
        for s in work.staged_files.in_folder(rules.source_folder(folder))
        if s.owner_id == actor.user_id or actor.is_facility_admin
    ]
    if not staged:
        return []
    by_path: dict[str, list[StagedFile]] = {}
    for s in staged:
        by_path.setdefault(s.path, []).append(s)
    entries = block["dataFileList"]
    files = [_match(actor, by_path, block, i, entry) for i, entry in enumerate(entries)]
    ids = sorted({s.id for s, _ in files})
    if work.staged_files.remove(ids) != len(ids):
        # another block linked some of them meanwhile: one blob, one dataset file
        raise Conflict("some of these staged files were linked concurrently; try again")
    return [f for _, f in files]


def _match(
    actor: Actor,
    by_path: dict[str, list[StagedFile]],
    block: dict[str, Any],
    index: int,
    entry: dict[str, Any],
) -> tuple[StagedFile, RecordFile]:
    where = f"dataFileList[{index}]"
    path = entry["path"]
    at_path = by_path.get(path, [])
    mine = [s for s in at_path if s.owner_id == actor.user_id]
    chosen = mine or (at_path if actor.is_facility_admin and len(at_path) == 1 else [])
    if not chosen and at_path:
        raise PermissionDenied(
            f"{where}.path: {path[:200]!r} was staged by another account",
            problems=[Problem(f"{path[:200]!r} was staged by another account", f"{where}.path")],
        )
    if not chosen:
        raise InvalidInput(
            f"{where}.path: {path[:200]!r} is not staged under this dataset's sourceFolder",
            problems=[
                Problem(
                    f"{where}.path {path[:200]!r} is not staged under the sourceFolder",
                    f"{where}.path",
                )
            ],
        )
    found = chosen[0]
    if entry.get("size") != found.size:
        raise InvalidInput(
            f"{where}.size: {entry.get('size')} but the staged file has {found.size} bytes",
            problems=[
                Problem(
                    f"{where}.size {entry.get('size')} differs from staged {path[:200]!r}: "
                    f"{found.size} bytes",
                    f"{where}.size",
                )
            ],
        )
    chk = entry.get("chk")
    if isinstance(chk, str) and chk:
        agrees = rules.checksum_agrees(chk, block.get("chkAlg"), found.sha256, found.md5)
        if agrees is False:
            raise InvalidInput(
                f"{where}.chk: does not match the staged file's {block.get('chkAlg')} checksum",
                problems=[
                    Problem(
                        f"{where}.chk differs from the {block.get('chkAlg')} checksum of "
                        f"staged {path[:200]!r}",
                        f"{where}.chk",
                    )
                ],
            )
    return found, RecordFile(
        path=path,
        size=found.size,
        sha256=found.sha256,
        md5=found.md5,
        blob_key=found.blob_key,
        client_checksum=chk if isinstance(chk, str) and chk else None,
        client_checksum_alg=block.get("chkAlg") if isinstance(chk, str) and chk else None,
    )
