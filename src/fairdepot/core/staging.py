"""Rules of the SciCat staging area, pure: which folder and path names are accepted, and
whether a client's checksum agrees with the one computed while the bytes streamed in.

scitacean uploads a dataset's files before it creates the dataset, so an upload is named by
the dataset's future `sourceFolder` and the file's path inside it (services/scicat/staging.py).
Both names are checked here before a byte is read: no `.`/`..` segments, no empty segments,
no control characters, bounded length, so a staged name can never climb out of its folder.
"""

from __future__ import annotations

from fairdepot.core.errors import InvalidInput, Problem

MAX_NAME_LENGTH = 1024
VERIFIED_ALGORITHMS = frozenset({"sha256", "md5"})
"""The `chkAlg` values whose `chk` is compared with what the server computed."""


def _segments_problem(text: str) -> str | None:
    if not text:
        return "must not be empty"
    if len(text) > MAX_NAME_LENGTH:
        return f"must be at most {MAX_NAME_LENGTH} characters"
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return "must not contain control characters"
    if "\\" in text:
        return "must use / as separator, not \\"
    segments = text.split("/")
    if any(s in {"", ".", ".."} for s in segments):
        return "must not contain empty, '.' or '..' segments"
    return None


def source_folder(text: str, location: str = "sourceFolder") -> str:
    """A dataset's `sourceFolder` as the staging area keys it: one trailing `/` dropped,
    absolute or relative as the client wrote it (scitacean keeps it as given)."""
    folder = text[:-1] if len(text) > 1 and text.endswith("/") else text
    inner = folder[1:] if folder.startswith("/") else folder
    problem = "must not be the root folder" if folder == "/" else _segments_problem(inner)
    if problem:
        raise InvalidInput(f"{location} {problem}", problems=[Problem(problem, location)])
    return folder


def file_path(text: str, location: str = "path") -> str:
    """A file's path inside its source folder: relative, `/`-separated, no way out."""
    problem = (
        "must be relative to the source folder" if text.startswith("/") else None
    ) or _segments_problem(text)
    if problem:
        raise InvalidInput(f"{location} {problem}", problems=[Problem(problem, location)])
    return text


def is_source_folder(text: object) -> bool:
    """Whether `text` is a folder the staging area could hold files for."""
    if not isinstance(text, str):
        return False
    try:
        source_folder(text)
    except InvalidInput:
        return False
    return True


def normalised_algorithm(chk_alg: object) -> str | None:
    """`sha256`/`md5` from the spellings clients use (`SHA-256`, `sha_256`), else None."""
    if not isinstance(chk_alg, str):
        return None
    name = chk_alg.strip().lower().replace("-", "").replace("_", "")
    return name if name in VERIFIED_ALGORITHMS else None


def checksum_agrees(chk: str, chk_alg: object, sha256: str, md5: str | None) -> bool | None:
    """True/False when `chk` can be compared (algorithm sha256 or md5, computed while
    streaming); None when it cannot (another algorithm, e.g. scitacean's default blake2b):
    such a checksum is kept as the client's, unverified."""
    algorithm = normalised_algorithm(chk_alg)
    computed = {"sha256": sha256, "md5": md5}.get(algorithm or "")
    if computed is None:
        return None
    return chk.strip().lower() == computed.lower()
