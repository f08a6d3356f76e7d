"""A second virtual environment with scitacean 26.2, the last release on SciCat's v3 code path.

26.2 and 26.10 cannot share one environment, so 26.2 lives in `.venv-legacy-scitacean/` at the
repository root (git-ignored), made once per machine: `python -m venv` + `pip install` from the
package index. Whoever comes first (two xdist workers, two checkouts' runs) makes it under an
exclusive `fcntl` lock; the others wait and reuse it. A venv whose scitacean is not 26.2.x, or
that a crash left half-made, is made again.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from pathlib import Path

REQUIREMENT = "scitacean==26.2.*"
VERSION_PREFIX = "26.2."
ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-legacy-scitacean"
LOCK = ROOT / ".venv-legacy-scitacean.lock"


def interpreter(venv: Path = VENV) -> Path:
    return venv / "bin" / "python"


def installed_version(venv: Path = VENV) -> str | None:
    """The venv's scitacean version, or None if there is no usable venv."""
    if not interpreter(venv).exists():
        return None
    probe = subprocess.run(
        [str(interpreter(venv)), "-c", "import scitacean; print(scitacean.__version__)"],
        capture_output=True,
        text=True,
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def legacy_python(venv: Path = VENV, lock: Path = LOCK) -> Path:
    """The interpreter of a venv with scitacean 26.2.x, made first if need be."""
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        version = installed_version(venv)
        if version is None or not version.startswith(VERSION_PREFIX):
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(interpreter(venv)), "-m", "pip", "install", "--quiet", REQUIREMENT],
                check=True,
            )
            version = installed_version(venv)
            if version is None or not version.startswith(VERSION_PREFIX):
                raise RuntimeError(f"{venv}: pip installed scitacean {version}, not 26.2")
    return interpreter(venv)
