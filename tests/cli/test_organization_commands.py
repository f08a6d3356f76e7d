"""`fairdepot org add/list` and `fairdepot user add --role R --organization O`, as subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys

FAIRDEPOT = [sys.executable, "-m", "fairdepot"]


def _run(args: list[str], cwd) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAIRDEPOT_")}
    return subprocess.run(
        [*FAIRDEPOT, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def _add_user(cwd, name: str, *roles: str) -> subprocess.CompletedProcess[str]:
    email = f"{name}@example.org"
    return _run(["user", "add", name, "--email", email, "--password", "pw", *roles], cwd)


def test_organizations_are_added_listed_and_given_members_with_roles(tmp_path) -> None:
    added = _run(["org", "add", "lab", "--title", "The lab", "--moderated", "--init"], tmp_path)
    assert added.returncode == 0, added.stderr
    assert _run(["org", "add", "field-station"], tmp_path).returncode == 0
    listed = _run(["org", "list"], tmp_path)
    assert listed.stdout.splitlines() == ["field-station\topen\t", "lab\tmoderated\tThe lab"]
    again = _run(["org", "add", "lab"], tmp_path)
    assert again.returncode == 1
    assert "organization 'lab' already exists" in again.stderr
    roles = ["--role", "editor", "--organization", "lab", "--role", "Moderator"]
    made = _add_user(tmp_path, "ann", *roles, "--organization", "field-station")
    assert made.returncode == 0, made.stderr
    assert "user ann added" in made.stderr


def test_unknown_organizations_and_roles_are_clear_errors_that_add_nobody(tmp_path) -> None:
    assert _run(["org", "add", "lab", "--init"], tmp_path).returncode == 0
    for roles, said in [
        (["--role", "editor", "--organization", "nowhere"], "no organization 'nowhere'"),
        (["--role", "boss", "--organization", "lab"], "unknown role 'boss'"),
        (["--role", "editor"], "give one --organization for each --role"),
    ]:
        refused = _add_user(tmp_path, "bob", *roles)
        assert refused.returncode == 1, roles
        assert said in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    # bob was never created: adding him now works
    assert _add_user(tmp_path, "bob", "--role", "member", "--organization", "lab").returncode == 0
    bad = _run(["org", "add", "Bad Name"], tmp_path)
    assert bad.returncode == 1
    assert "must be 2 to 100 characters" in bad.stderr
