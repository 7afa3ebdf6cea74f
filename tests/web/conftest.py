"""Fixtures of the web tests that several modules share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_test_app
from tests.web.helpers import copy_definitions


@pytest.fixture
def editable(database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, Path]]:
    """An app whose definition files are a copy the test may change, followed at once."""
    root = copy_definitions(tmp_path / "definitions")
    app = make_test_app(
        database_url, tmp_path, DEFINITIONS_DIR=str(root), DEFINITIONS_REFRESH_SECONDS=0
    )
    yield app, root
    app.extensions["formflow"].db.dispose()
