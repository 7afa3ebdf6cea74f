"""An email template removed on disk while a published version in use still names it.

The application pinned to that version still shows; `lint` and `definitions publish`
refuse the removal, naming the version and how many applications keep it; the move that
would send the email is refused with a message and changes nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from engine.platform.models import Application, OutboxMessage
from tests.conftest import ROOT, make_test_app
from tests.web.helpers import fire, make_user, post, sign_in
from tests.web.test_time_and_address import GOOD, PAGE, start

VISITS = ROOT / "tests" / "fixtures" / "visits"
EMAIL = "Subject: Your visit request was sent\n\nWe have your request {{ reference }}.\n"
SENDS = "form: site_visit,\n     actions: [{notify: applicant, template: visit_sent}]}"


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the visits fixture whose move emails the applicant, and its templates."""
    root = tmp_path / "defs"
    shutil.copytree(VISITS, root)
    workflow = root / "workflows" / "site_visit.yaml"
    workflow.write_text(workflow.read_text().replace("form: site_visit}", SENDS))
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "emails" / "visit_sent.txt").write_text(EMAIL)
    return root, templates


def _app(database_url: str, tmp_path: Path, folders: tuple[Path, Path]) -> Flask:
    root, templates = folders
    return make_test_app(
        database_url, tmp_path, DEFINITIONS_DIR=str(root), TEMPLATE_DIR=str(templates)
    )


@pytest.fixture
def pinned(database_url: str, tmp_path: Path, folders: tuple[Path, Path]) -> Iterator[int]:
    """Publish, start an application on that version, then take the template away."""
    app = _app(database_url, tmp_path, folders)
    assert app.test_cli_runner().invoke(args=["definitions", "publish"]).exit_code == 0
    make_user(app, "a@example.org")
    client = app.test_client()
    sign_in(client, "a@example.org")
    application_id = start(client)
    post(client, PAGE.format(application_id), {**GOOD, "action": "continue"})
    app.extensions["formflow"].db.dispose()
    root, templates = folders
    (templates / "emails" / "visit_sent.txt").unlink()
    # The same edit stops sending the email, so the files themselves are valid.
    workflow = root / "workflows" / "site_visit.yaml"
    workflow.write_text(workflow.read_text().replace(SENDS, "form: site_visit}"))
    yield application_id


def test_lint_and_publish_refuse_to_take_a_template_from_a_pinned_version(
    database_url: str, tmp_path: Path, folders: tuple[Path, Path], pinned: int
) -> None:
    app = _app(database_url, tmp_path, folders)
    runner = app.test_cli_runner()
    with app.app_context():  # `lint` is a plain click command: it finds the app here
        linted = runner.invoke(args=["lint"])
    assert linted.exit_code == 1, linted.output
    (line,) = [out for out in linted.output.splitlines() if "visit_sent" in out]
    assert "workflows/site_visit.yaml (version " in line
    assert "there is no email template 'visit_sent'" in line
    assert "(1 application under way still use this version)" in line
    published = runner.invoke(args=["definitions", "publish"])
    assert published.exit_code == 1
    assert "Nothing was published" in published.output
    with app.extensions["formflow"].db.reading() as session:
        assert session.get(Application, pinned) is not None
    app.extensions["formflow"].db.dispose()


def test_a_fresh_process_shows_the_pinned_application_and_refuses_its_email_move(
    database_url: str, tmp_path: Path, folders: tuple[Path, Path], pinned: int
) -> None:
    app = _app(database_url, tmp_path, folders)
    client = app.test_client()
    sign_in(client, "a@example.org")
    check = client.get(f"/applications/{pinned}/check")
    assert check.status_code == 200
    assert "Lincoln School" in check.get_data(as_text=True)
    assert client.get(f"/applications/{pinned}").status_code == 200
    diff = app.test_cli_runner().invoke(args=["definitions", "diff"])
    assert diff.exception is None, diff.output
    response = fire(client, pinned, "send")
    assert response.status_code == 409
    assert "emails/visit_sent.txt" in response.get_data(as_text=True)
    with app.extensions["formflow"].db.reading() as session:
        application = session.get(Application, pinned)
        assert application is not None and application.state == "draft"
        assert session.scalar(select(OutboxMessage)) is None
    app.extensions["formflow"].db.dispose()
