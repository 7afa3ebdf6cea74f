"""The settings module declares every setting read anywhere, and the README lists them all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

import app as service_app
from engine.platform import settings
from engine.platform.settings import NAMES, SETTINGS, Place, configure, markdown_table
from tests.conftest import ROOT

# config["X"], config.get("X") in Python; config.X in templates.
_READ = re.compile(r"""config(?:\[|\.get\()\s*["']([A-Z][A-Z0-9_]*)["']""")
_TEMPLATE_READ = re.compile(r"\bconfig\.([A-Z][A-Z0-9_]*)")


def _read_names() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in [ROOT / "app.py", *sorted((ROOT / "engine").rglob("*.py"))]:
        for name in _READ.findall(path.read_text()):
            found.setdefault(name, str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for name in _TEMPLATE_READ.findall(path.read_text()):
            found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def test_every_setting_read_is_declared() -> None:
    read = _read_names()
    assert "DATABASE_URL" in read and "STAFF_CONTACT" in read  # the scan finds reads
    undeclared = {name: where for name, where in read.items() if name not in NAMES}
    assert undeclared == {}


def test_each_setting_is_declared_once_with_a_doc_line() -> None:
    assert len(NAMES) == len(SETTINGS)
    for setting in SETTINGS:
        assert setting.doc and "\n" not in setting.doc and "|" not in setting.doc, setting.name


def test_the_readme_lists_exactly_the_declared_settings() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- settings:start -->\n(.*?)<!-- settings:end -->", readme, re.S)
    assert block, "README.md has no settings table between its markers"
    listed = re.findall(r"^\| `FORMFLOW_([A-Z0-9_]+)` \|", block.group(1), re.M)
    assert sorted(listed) == sorted(NAMES)
    # Made from the module: paste markdown_table(app.SERVICE) between the markers.
    assert block.group(1) == markdown_table(service_app.SERVICE)


def _configured(tmp_path: Path, **overrides: object) -> Flask:
    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    configure(app, Place(tmp_path, tmp_path / "instance"), service_app.SERVICE, overrides)
    return app


def test_defaults_then_environment_then_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("FORMFLOW_DATABASE_URL", raising=False)
    monkeypatch.setenv("FORMFLOW_SMTP_PORT", "587")
    monkeypatch.setenv("FORMFLOW_QUEUE_PAGE_SIZE", "7")
    app = _configured(tmp_path, QUEUE_PAGE_SIZE=3)
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'formflow.sqlite'}"
    assert app.config["HELP_DIR"] == str(tmp_path / "templates" / "help")
    assert app.config["SITE_NAME"] == service_app.SERVICE["SITE_NAME"]
    assert app.config["SMTP_PORT"] == 587
    assert app.config["QUEUE_PAGE_SIZE"] == 3
    assert app.config["MAIL_MAX_ATTEMPTS"] == 5
    # A key made once per instance, kept for the next start.
    key = app.config["SECRET_KEY"]
    assert key and _configured(tmp_path).config["SECRET_KEY"] == key


def test_a_plain_database_url_is_still_read_but_the_prefixed_one_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FORMFLOW_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///plain.sqlite")
    assert _configured(tmp_path).config["DATABASE_URL"] == "sqlite:///plain.sqlite"
    monkeypatch.setenv("FORMFLOW_DATABASE_URL", "sqlite:///prefixed.sqlite")
    assert _configured(tmp_path).config["DATABASE_URL"] == "sqlite:///prefixed.sqlite"


def test_the_service_names_itself_and_sets_only_declared_settings(tmp_path: Path) -> None:
    app = Flask(__name__, instance_path=str(tmp_path))
    place = Place(tmp_path, tmp_path)
    with pytest.raises(ValueError, match="must set: .*SITE_NAME"):
        configure(app, place, {})
    with pytest.raises(ValueError, match="undeclared settings: SITE_TITLE"):
        configure(app, place, {**service_app.SERVICE, "SITE_TITLE": "x"})


def test_the_engine_names_no_agency() -> None:
    text = Path(settings.__file__).read_text()
    for value in service_app.SERVICE.values():
        assert value not in text
