"""Accounts: SciCat functionalAccounts.json loading, passwords, tokens, the CLI."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

import pytest

from fairdepot.config import Settings
from fairdepot.core.errors import AuthenticationRequired
from fairdepot.services import accounts
from fairdepot.services.runtime import build_runtime
from fairdepot.services.uow import read_only


def _accounts_file(tmp_path):
    path = tmp_path / "functionalAccounts.json"
    path.write_text(
        json.dumps(
            [
                {
                    "user": {
                        "username": "ingestor",
                        "email": "scicatingestor@your.site",
                        "password": "aman",
                    },
                    "role": "ingestor",
                    "global": False,
                },
                {
                    "user": {"username": "admin", "email": "admin@your.site", "password": "am2jeT"},
                    "role": "admin",
                    "global": True,
                    "groups": ["beamline"],
                },
            ]
        )
    )
    return path


def test_functional_accounts_load_idempotently_with_groups(runtime, tmp_path) -> None:
    path = _accounts_file(tmp_path)
    assert accounts.load_accounts_file(runtime, path) == ["ingestor", "admin"]
    assert accounts.load_accounts_file(runtime, path) == ["ingestor", "admin"]
    admin = accounts.authenticate(runtime, "admin", "am2jeT")
    assert set(admin.groups) == {"admin", "beamline", "globalaccess"}
    assert accounts.actor_for(admin, runtime.settings.facility_groups).is_admin
    assert accounts.authenticate(runtime, "scicatingestor@your.site", "aman").username == "ingestor"


def test_passwords_are_hashed_with_argon2(runtime) -> None:
    accounts.add_user(runtime, "dana", "dana@example.org", "s3cret", ["g"])
    with read_only(runtime) as work:  # a User carries no hash: only the login check reads it
        stored = work.accounts.password_hash("dana")
    assert stored is not None
    assert stored.startswith("$argon2")
    assert "s3cret" not in stored
    with pytest.raises(AuthenticationRequired):
        accounts.authenticate(runtime, "dana", "wrong")


def test_login_and_api_tokens_identify_the_user(runtime) -> None:
    accounts.add_user(runtime, "erin", "erin@example.org", "pw", [])
    user = accounts.authenticate(runtime, "erin", "pw")
    login = accounts.issue_login_token(runtime, user)
    assert accounts.user_for_token(runtime, login.token).id == user.id
    api_token = accounts.create_api_token(runtime, "erin", "ci")
    assert accounts.user_for_token(runtime, api_token).id == user.id
    with pytest.raises(AuthenticationRequired):
        accounts.user_for_token(runtime, api_token + "x")


def test_cli_user_add_and_token(tmp_path) -> None:
    env = {"FAIRDEPOT_DATA_DIR": str(tmp_path / "cli-data"), "PATH": "/usr/bin:/bin"}
    cli = [sys.executable, "-m", "fairdepot", "user"]
    added = subprocess.run(
        [
            *cli,
            "add",
            "frank",
            "--email",
            "frank@example.org",
            "--password",
            "pw",
            "--group",
            "g1",
            "--group",
            "g2",
            "--init",  # a new catalogue in cli-data (without it the command refuses)
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    token = subprocess.run(
        [*cli, "token", "frank"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert token.startswith("fdp_")
    runtime = build_runtime(Settings(data_dir=tmp_path / "cli-data"))
    try:
        user = accounts.user_for_token(runtime, token)
        assert user.username == "frank"
        assert user.groups == ["g1", "g2"]
    finally:
        runtime.close()
    duplicate = subprocess.run(
        [*cli, "add", "frank", "--email", "f2@example.org", "--password", "pw"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert duplicate.returncode != 0
    assert "already exists" in duplicate.stderr
    assert "Traceback" not in duplicate.stderr


def test_unknown_accounts_take_as_long_to_refuse_as_wrong_passwords(runtime) -> None:
    """No account enumeration by timing: an unknown name costs a password check too."""
    accounts.add_user(runtime, "gina", "gina@example.org", "right", [])

    def seconds_to_refuse(login: str) -> float:
        started = time.perf_counter()
        with pytest.raises(AuthenticationRequired):
            accounts.authenticate(runtime, login, "wrong")
        return time.perf_counter() - started

    known, unknown = [], []
    for attempt in range(7):  # interleaved, so that load on the machine affects both alike
        known.append(seconds_to_refuse("gina"))
        unknown.append(seconds_to_refuse(f"nobody-{attempt}"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2, (known, unknown)


@pytest.mark.parametrize("login", ["ali\x00ce", "\x07v\x00\u009d", "alice\x00"])
def test_a_login_name_with_a_nul_character_is_refused_like_any_unknown_name(runtime, login) -> None:
    """PostgreSQL text cannot hold NUL: such a name matches no account (found by schemathesis)."""
    accounts.add_user(runtime, "alice", "alice@example.org", "alice-pw", ["lab"])
    with pytest.raises(AuthenticationRequired):
        accounts.authenticate(runtime, login, "alice-pw")
