"""The help pages: every topic listed in order, each one shown, nothing else reachable;
a broken help file stops the app with its file and line, and `flask lint` reports it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ROOT, make_test_app
from tests.web.helpers import make_provider, make_user, sign_in

TITLES_IN_ORDER = [
    "The rules in plain words",
    "Signing in and choosing your provider",
    "Passwords",
    "Reporting events",
    "Issuing certificates",
    "Changing an event",
    "Usernames and access to your provider",
    "Self-paced courses and virtual conferences",
    "The Learning Opportunities Portal and the event finder",
]
HELP_LINK = re.compile(r'<a[^>]*href="(/help/[a-z0-9-]+)"[^>]*>([^<]+)</a>')


def test_the_help_page_lists_every_topic_in_order(client: FlaskClient) -> None:
    page = client.get("/help").get_data(as_text=True)
    nav = page.split('<nav aria-label="Help topics">', 1)[1].split("</nav>", 1)[0]
    assert [title for _, title in HELP_LINK.findall(nav)] == TITLES_IN_ORDER
    assert "After each date, report how many certificates you issued, within 30 days." in nav
    assert "opirenewalunits@example.gov" in page


def test_every_topic_page_renders_with_one_h1(client: FlaskClient) -> None:
    index = client.get("/help").get_data(as_text=True)
    nav = index.split('<nav aria-label="Help topics">', 1)[1].split("</nav>", 1)[0]
    for href, title in HELP_LINK.findall(nav):
        response = client.get(href)
        assert response.status_code == 200, href
        page = response.get_data(as_text=True)
        assert page.count("<h1") == 1 and f"<h1>{title}</h1>" in page
        assert "{{" not in page, f"a placeholder was left in {href}"
        assert 'aria-current="page"' in page


def test_the_staff_contact_comes_from_config(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path, STAFF_CONTACT="renewals@opi.mt.example")
    try:
        page = app.test_client().get("/help/passwords").get_data(as_text=True)
    finally:
        app.extensions["formflow"].db.dispose()
    assert '<a href="mailto:renewals@opi.mt.example" class="usa-link">' in page


@pytest.mark.parametrize(
    "path",
    [
        "/help/no-such-topic",
        "/help/../app.py",
        "/help/%2e%2e",
        "/help/%2e%2e%2fapp.py",
        "/help/..%2fapp.py",
        "/help/passwords.md",
        "/help/PASSWORDS",
        "/help/the-rules/extra",
    ],
)
def test_unknown_topics_and_traversal_are_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_header_links_to_help_signed_in_or_not(app: Flask, client: FlaskClient) -> None:
    assert 'href="/help">Help</a>' in client.get("/").get_data(as_text=True)
    make_user(app, "someone@example.org")
    sign_in(client, "someone@example.org")
    assert 'href="/help">Help</a>' in client.get("/account").get_data(as_text=True)


def test_the_people_page_links_to_its_topic(app: Flask, client: FlaskClient) -> None:
    make_user(app, "manager@a.example.org")
    make_provider(app, "Alpha Academy", "manager@a.example.org")
    sign_in(client, "manager@a.example.org")
    page = client.get("/organization/people").get_data(as_text=True)
    assert 'href="/help/usernames-and-access">Usernames and access to your provider</a>' in page


def _broken_help(tmp_path: Path) -> Path:
    folder = tmp_path / "help"
    folder.mkdir()
    (folder / "fine.md").write_text("---\ntitle: Fine\norder: 1\nsummary: S\n---\nText.\n")
    (folder / "broken.md").write_text("---\ntitle: Broken\norder: soon\nsummary: S\n---\nText\n")
    return folder


def test_a_broken_help_file_is_reported_and_the_others_are_served(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _broken_help(tmp_path)
    app = make_test_app(database_url, tmp_path, HELP_DIR=str(folder))
    (problem,) = app.extensions["formflow"].problems
    assert problem.what == "help files"
    (error,) = problem.error.errors
    assert (error.file, error.line, error.column) == (str(folder / "broken.md"), 3, 8)
    assert f"{folder / 'broken.md'}:3:8: 'order' must be a whole number" in caplog.text
    client = app.test_client()
    assert client.get("/help/fine").status_code == 200
    assert client.get("/help/broken").status_code == 404
    app.extensions["formflow"].db.dispose()


def _lint(tmp_path: Path, *args: str, help_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'lint.sqlite'}"}
    if help_dir is not None:
        env["FORMFLOW_HELP_DIR"] = str(help_dir)
    flask = Path(sys.executable).with_name("flask")
    return subprocess.run(
        [str(flask), "--app", "app", "lint", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_flask_lint_reports_a_broken_help_file(tmp_path: Path) -> None:
    folder = _broken_help(tmp_path)
    # The configured help folder, checked by a plain `lint` that still starts.
    result = _lint(tmp_path, help_dir=folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{folder / 'broken.md'}:3:8: 'order' must be a whole number" in result.stdout
    assert "1 problem found." in result.stderr
    # A help file named on the command line.
    result = _lint(tmp_path, str(folder / "broken.md"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{folder / 'broken.md'}:3:8:" in result.stdout
