"""Production code checks with real exceptions, not `assert` (which `python -O` removes)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from engine.platform.db import Database, MissingRow, get_existing
from engine.platform.definitions import DefinitionRegistry, NotLoaded
from engine.platform.models import Application
from tests.conftest import ROOT


def test_no_assert_statements_in_production_code() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in [ROOT / "app.py", *sorted((ROOT / "engine").rglob("*.py"))]
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assert)
    ]
    assert found == []


def test_a_row_that_is_gone_is_named(database_url: str) -> None:
    db = Database(database_url)
    with db.reading() as session, pytest.raises(MissingRow, match="no Application 404"):
        get_existing(session, Application, 404)
    db.dispose()


def test_a_registry_without_loaded_files_says_so(tmp_path: Path) -> None:
    registry = DefinitionRegistry(tmp_path, tmp_path)
    with pytest.raises(NotLoaded, match="run load_files"):
        registry.workflow_names()


def test_nothing_cites_a_file_outside_the_repository() -> None:
    # Spelled apart so that this file does not match itself.
    outside = ("DOMAIN" + ".md", "MEASUREMENTS" + ".md", "../" + "shared/")
    folders = ("engine", "tests", "bench", "templates", "docs", "migrations", "forms", "workflows")
    paths = [ROOT / "app.py", ROOT / "Makefile", ROOT / "README.md"]
    paths += [p for folder in folders for p in sorted((ROOT / folder).rglob("*")) if p.is_file()]
    found = []
    for path in paths:
        if path.suffix in {".pyc", ".png", ".svg", ".ttf", ".otf", ".pdf"}:
            continue
        text = path.read_text(errors="replace")
        found += [f"{path.relative_to(ROOT)}: {name}" for name in outside if name in text]
    assert found == []
