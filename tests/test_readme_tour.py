"""The README's quick tour, run exactly as a new user pastes it, so that it cannot rot.

The bash blocks of the "A quick tour with curl" section are concatenated and run in one bash
shell from a stand-in for the checkout (`.venv` is the environment running these tests,
`examples/` the real folder), with no FAIRDEPOT_* setting: the tour itself starts
`fairdepot serve` in a fresh folder. Only `PORT` is chosen here, as the README invites.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support.server import free_port

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## A quick tour with curl"
TOUR_SECONDS = 240


def tour_blocks(readme: str) -> list[str]:
    """The ```bash blocks between the tour's heading and the next section."""
    section = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)


def test_the_tour_has_no_placeholders_and_says_where_things_come_from() -> None:
    readme = (ROOT / "README.md").read_text()
    text = "\n".join(tour_blocks(readme))
    assert text, "the README has no tour blocks"
    for placeholder in ("<guid>", "fd1...", "<ark>", "127.0.0.1:8000"):
        assert placeholder not in text, placeholder
    assert "make_archive" in text, "the tour never says how my-crate.zip is made"
    section = readme.split(SECTION, 1)[1].split("\n## ", 1)[0]
    assert "rocrateIdentifier" in section, "the tour never says where the crate's ARK appears"


def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / ".venv").symlink_to(Path(sys.prefix))
    (checkout / "examples").symlink_to(ROOT / "examples")
    scratch = tmp_path / "scratch"  # where the tour's `mktemp -d` folder is made
    scratch.mkdir()
    script = "set -eo pipefail\n" + "\n".join(tour_blocks((ROOT / "README.md").read_text()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAIRDEPOT_")}
    env.update({"PORT": str(free_port()), "TMPDIR": str(scratch)})
    process = subprocess.Popen(
        ["bash", "-c", script],
        cwd=checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=TOUR_SECONDS)
    finally:  # the tour's server runs in the same process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    assert process.returncode == 0, output[-6000:]

    assert re.search(r"^COMPLETE\s*$", output, flags=re.MULTILINE), output[-4000:]
    ark = re.search(r"^the crate's ARK: (ark:99999/fd1\w+)$", output, flags=re.MULTILINE)
    assert ark, output[-4000:]
    lines = output.splitlines()
    assert "anonymous download before publishing: 401" in lines
    assert "anonymous download after publishing: 200" in lines
    assert "after deletion: 410" in lines

    (tour_folder,) = [p for p in scratch.iterdir() if (p / "fairdepot-data").is_dir()]
    with zipfile.ZipFile(tour_folder / "downloaded.zip") as downloaded:
        assert (
            downloaded.read("data/expression.csv")
            == (ROOT / "examples/expression-crate/data/expression.csv").read_bytes()
        )
