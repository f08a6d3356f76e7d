"""Building real crates for tests: with fairscape-cli (as users do) and with ro-crate-py."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

FAIRSCAPE_CLI = str(Path(sys.executable).with_name("fairscape-cli"))
# Built crates are kept here between the xdist workers and the two passes of one run (and
# between runs on one machine); git-ignored.
CACHE = Path(__file__).resolve().parents[2] / ".test-cache"


def _cli(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [FAIRSCAPE_CLI, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def cached_fairscape_crate(workdir: Path, name: str = "example-crate") -> Path:
    """`fairscape_crate`, built by fairscape-cli once and copied from then on.

    Six fairscape-cli runs take 15 s on a quiet machine and over a minute beside the suite;
    every xdist worker of both passes needs the crate. It is built once per fairscape-cli
    version and version of this module, under an exclusive lock (the first worker builds, the
    others wait), into a folder named by that key, so an edit here or a new fairscape-cli
    builds afresh and a build a crash interrupted is never used (it is renamed into place).
    """
    key = hashlib.sha256(
        f"{version('fairscape-cli')}\n{Path(__file__).read_text()}".encode()
    ).hexdigest()[:16]
    built = CACHE / f"fairscape-crate-{key}"
    CACHE.mkdir(exist_ok=True)
    with (CACHE / "fairscape-crate.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            scratch = CACHE / f"fairscape-crate-{key}.partial"
            shutil.rmtree(scratch, ignore_errors=True)
            fairscape_crate(scratch, name)
            scratch.rename(built)
    workdir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copytree(built / name, workdir / name))


def fairscape_crate(workdir: Path, name: str = "example-crate") -> Path:
    """The FAIRSCAPE reference crate: two CSV datasets, a script and a computation."""
    src = workdir / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "input_data.csv").write_text(
        "sample_id,gene,expression\nS1,TP53,12.5\nS2,BRCA1,7.25\nS3,EGFR,3.0\nS4,MYC,9.75\n"
    )
    (src / "summarize.py").write_text("import csv, sys\nprint(sys.argv)\n")
    (src / "summary_stats.csv").write_text("metric,value\nmean,8.125\n")
    crate = workdir / name
    _cli(
        "rocrate",
        "create",
        name,
        "--name",
        "Example Expression Crate",
        "--organization-name",
        "Example Lab",
        "--project-name",
        "FAIRSCAPE Compat Test",
        "--description",
        "Tiny RO-Crate used to test FAIRSCAPE-compatible servers",
        "--keywords",
        "fairscape",
        "--keywords",
        "test",
        "--keywords",
        "rocrate",
        "--license",
        "https://creativecommons.org/licenses/by/4.0/",
        "--author",
        "Jane Doe",
        "--version",
        "1.0",
        "--date-published",
        "2025-01-15",
        cwd=workdir,
    )
    common = ["--author", "Jane Doe", "--version", "1.0", "--date-published", "2025-01-15"]
    inp = _cli(
        "rocrate",
        "add",
        "dataset",
        name,
        "--name",
        "Input Expression Data",
        *common,
        "--description",
        "Gene expression values for four samples",
        "--keywords",
        "expression",
        "--data-format",
        "csv",
        "--source-filepath",
        str(src / "input_data.csv"),
        "--destination-filepath",
        "data/input_data.csv",
        cwd=workdir,
    )
    sw = _cli(
        "rocrate",
        "add",
        "software",
        name,
        "--name",
        "Summarize Script",
        "--author",
        "Jane Doe",
        "--version",
        "0.1",
        "--description",
        "Python script computing summary statistics",
        "--keywords",
        "script",
        "--file-format",
        "py",
        "--date-modified",
        "2025-01-15",
        "--source-filepath",
        str(src / "summarize.py"),
        "--destination-filepath",
        "software/summarize.py",
        cwd=workdir,
    )
    out = _cli(
        "rocrate",
        "add",
        "dataset",
        name,
        "--name",
        "Summary Statistics",
        *common,
        "--description",
        "Summary statistics computed from the expression data",
        "--keywords",
        "summary",
        "--data-format",
        "csv",
        "--source-filepath",
        str(src / "summary_stats.csv"),
        "--destination-filepath",
        "data/summary_stats.csv",
        cwd=workdir,
    )
    _cli(
        "rocrate",
        "register",
        "computation",
        name,
        "--name",
        "Summarize Expression",
        "--run-by",
        "Jane Doe",
        "--command",
        "python software/summarize.py",
        "--date-created",
        "2025-01-15",
        "--description",
        "Run summarize.py over the input expression data",
        "--keywords",
        "computation",
        "--used-software",
        sw,
        "--used-dataset",
        inp,
        "--generated",
        out,
        cwd=workdir,
    )
    _cli("augment", "link-inverses", name, cwd=workdir)
    return crate


def zip_folder(folder: Path, target: Path, *, top_folder: bool = False) -> Path:
    """Zip a crate folder: members at the zip root, or inside one top-level folder."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                relative = path.relative_to(folder.parent if top_folder else folder)
                archive.write(path, relative.as_posix())
    return target


def plain_crate(workdir: Path, name: str = "plain-crate") -> Path:
    """A standard RO-Crate made with ro-crate-py: root `./`, local ids, a Person, two files."""
    from rocrate.model.person import Person
    from rocrate.rocrate import ROCrate

    src = workdir / f"{name}-src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "measurements.csv").write_text("t,value\n0,1.5\n1,2.5\n")
    (src / "notes.txt").write_text("instrument calibrated on 2025-01-10\n")
    crate = ROCrate()
    crate.name = "Plain beamline crate"
    crate.description = "A crate made with ro-crate-py, with local identifiers"
    crate.datePublished = "2025-02-01"
    crate.license = "https://spdx.org/licenses/CC-BY-4.0"
    jane = crate.add(Person(crate, "#jane", properties={"name": "Jane Doe"}))
    crate.root_dataset["author"] = jane
    crate.add_file(
        src / "measurements.csv",
        "data/measurements.csv",
        properties={"name": "Measurements", "encodingFormat": "text/csv", "author": jane},
    )
    crate.add_file(src / "notes.txt", "notes.txt", properties={"name": "Lab notes"})
    target = workdir / name
    crate.write(target)
    return target


def fresh_copy(crate: Path, target: Path) -> Path:
    """A copy of a fairscape-cli crate whose client-minted ARKs are all new.

    Building a crate with fairscape-cli takes tens of seconds; tests that need a crate nobody
    has uploaded yet copy the session's crate and give every ARK postfix a unique tail.
    """
    import re
    import shutil
    import uuid

    shutil.copytree(crate, target)
    metadata = target / "ro-crate-metadata.json"
    tag = uuid.uuid4().hex[:8]
    text = re.sub(
        r"(ark:59852/[A-Za-z0-9._~-]+)", lambda m: f"{m.group(1)}x{tag}", metadata.read_text()
    )
    metadata.write_text(text)
    return target
