"""The staging area's name and checksum rules (core/staging.py), pure."""

from __future__ import annotations

import pytest

from fairdepot.core import staging
from fairdepot.core.errors import InvalidInput


@pytest.mark.parametrize(
    ("given", "kept"),
    [("/data/run1", "/data/run1"), ("/data/run1/", "/data/run1"), ("rel/run", "rel/run")],
)
def test_source_folders_are_kept_as_written_without_one_trailing_slash(
    given: str, kept: str
) -> None:
    assert staging.source_folder(given) == kept


@pytest.mark.parametrize(
    "folder", ["", "/", "/data/../etc", "/data//x", "./x", "/a/\x00b", "a\\b", "/" + "x" * 1025]
)
def test_source_folders_that_could_climb_or_hide_are_refused(folder: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        staging.source_folder(folder)
    assert refused.value.problems[0].location == "sourceFolder"
    assert not staging.is_source_folder(folder)


@pytest.mark.parametrize("path", ["", "/abs", "../up", "a/../b", "a//b", "a/./b", "a\nb", "a/"])
def test_file_paths_must_stay_inside_their_folder(path: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        staging.file_path(path, "dataFileList[0].path")
    assert refused.value.problems[0].location == "dataFileList[0].path"


def test_nested_relative_paths_are_accepted() -> None:
    assert staging.file_path("sub/dir/frame 1.bin") == "sub/dir/frame 1.bin"
    assert staging.is_source_folder("/ess/data/2026")
    assert not staging.is_source_folder(None)


@pytest.mark.parametrize("alg", ["sha256", "SHA-256", "sha_256", " Sha256 "])
def test_sha256_spellings_are_compared_case_insensitively(alg: str) -> None:
    assert staging.checksum_agrees("ABCD", alg, "abcd", None) is True
    assert staging.checksum_agrees("abce", alg, "abcd", None) is False


def test_md5_is_compared_when_the_server_computed_it() -> None:
    assert staging.checksum_agrees("ff", "md5", "00", "ff") is True
    assert staging.checksum_agrees("fe", "md5", "00", "ff") is False
    assert staging.checksum_agrees("ff", "md5", "00", None) is None


@pytest.mark.parametrize("alg", ["blake2b", None, 5, "sha1"])
def test_other_algorithms_cannot_be_verified(alg: object) -> None:
    assert staging.checksum_agrees("abcd", alg, "abcd", "abcd") is None
