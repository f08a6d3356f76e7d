"""The layers hold: core is pure, services know no SQL driver, faces know no storage.

Only `storage` knows SQLAlchemy: services, faces, the worker and the CLI get core types and
storage-level errors (`DependencyUnavailable`, `storage.db.engine.DatabaseFailed`), so a
change of driver or of schema stays inside storage (issue 7, "Boundaries").

Read from the source with `ast` (every `import` and `from ... import`, at any depth, including
those inside functions and `TYPE_CHECKING` blocks), so a new file is checked without a list to
keep. A module still waiting to be moved is named in `NOT_YET` with the reason; the test also
fails when such a module no longer needs its entry, so the list can only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "fairdepot"

# (layer folder or module, forbidden import prefixes)
RULES = {
    "core": ("sqlalchemy", "fastapi", "starlette", "fairdepot.storage", "fairdepot.services"),
    "services": (
        "sqlalchemy",
        "alembic",
        "fastapi",
        "starlette",
        "fairdepot.api",
        "fairdepot.storage.db.models",
    ),
    "api": ("fairdepot.storage", "sqlalchemy", "alembic"),
    "worker": (
        "sqlalchemy",
        "alembic",
        "fastapi",
        "starlette",
        "fairdepot.api",
        "fairdepot.storage.db.models",
    ),
    "cli.py": ("sqlalchemy", "alembic"),
}

# Modules that still cross a boundary, with why; each entry must still be needed.
NOT_YET: dict[str, str] = {}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _crossings(layer: str) -> dict[str, set[str]]:
    forbidden = RULES[layer]
    found = {}
    where = PACKAGE / layer
    for path in [where] if where.is_file() else sorted(where.rglob("*.py")):
        bad = {
            name
            for name in _imports(path)
            if any(name == prefix or name.startswith(prefix + ".") for prefix in forbidden)
        }
        if bad:
            found[path.relative_to(PACKAGE).as_posix()] = bad
    return found


@pytest.mark.parametrize("layer", sorted(RULES))
def test_no_module_imports_across_its_layer(layer: str) -> None:
    crossings = {
        module: names for module, names in _crossings(layer).items() if module not in NOT_YET
    }
    assert crossings == {}, f"{layer} imports what it must not: {crossings}"


def test_every_pending_exception_is_still_needed() -> None:
    crossing = {module for layer in RULES for module in _crossings(layer)}
    assert set(NOT_YET) <= crossing, (
        f"no longer crossing, drop from NOT_YET: {set(NOT_YET) - crossing}"
    )


def test_every_rule_names_code_that_exists() -> None:
    """A rule on a renamed folder or module would pass by checking nothing."""
    for layer in RULES:
        where = PACKAGE / layer
        assert where.is_file() or any(where.rglob("*.py")), f"rule on missing {layer}"


def test_the_checker_sees_imports_inside_functions(tmp_path) -> None:
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from sqlalchemy.orm import Session\n    import fastapi\n")
    assert _imports(module) == {"sqlalchemy.orm", "fastapi"}


def _session_uses(path: Path) -> list[int]:
    """Lines where a module reaches for a repository's `.session` (an SQLAlchemy Session)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Attribute) and node.attr == "session"
    ]


def test_services_and_faces_reach_no_database_session() -> None:
    """Importing no SQLAlchemy is not enough: `store.session.get(RecordRow, ...)` is ORM work
    all the same. Services ask the repositories (`RecordStore.load`, `parent_of`, `flush`)."""
    found = {
        path.relative_to(PACKAGE).as_posix(): lines
        for layer in ("services", "api", "worker")
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        if (lines := _session_uses(path))
    }
    assert found == {}, found


def _row_imports(path: Path) -> set[str]:
    """Table rows a module imports by name, from wherever (a storage module may hand on
    `RecordRow`), or the table module itself (`from fairdepot.storage.db import models`)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if alias.name.endswith("Row") or full == "fairdepot.storage.db.models":
                    names.add(full)
    return names


def test_services_and_faces_hold_no_table_rows() -> None:
    """Services, faces and the worker see core types (`core.record_handle.RecordHandle` for a
    stored record), never the ORM's rows: a row in a service signature ties the use case to
    the schema (issue 7 §5)."""
    found = {
        path.relative_to(PACKAGE).as_posix(): names
        for layer in ("services", "api", "worker")
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        if (names := _row_imports(path))
    }
    assert found == {}, found


def test_the_row_checker_sees_rows_and_the_table_module(tmp_path) -> None:
    module = tmp_path / "rows.py"
    module.write_text(
        "from fairdepot.storage.db import models\n"
        "from fairdepot.storage.db.records import RecordRow, RecordStore\n"
    )
    assert _row_imports(module) == {
        "fairdepot.storage.db.models",
        "fairdepot.storage.db.records.RecordRow",
    }
