"""A version published by one process is in force in every other one without a restart:
new applications use it, applications under way keep theirs, and a published version
that cannot be loaded leaves the versions in force alone."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.platform.models import Application, Definition, Publication
from tests.conftest import make_test_app
from tests.web.helpers import copy_definitions, make_user, post, replace_in, sign_in


def _edited(tmp_path: Path) -> Path:
    root = copy_definitions(tmp_path / "edited")
    replace_in(
        root / "workflows" / "single_event.yaml",
        "    due: {business_days: 7}\n",
        "    due: {business_days: 10}\n",
    )
    return root


def _start(client: FlaskClient, app: Flask) -> Application:
    response = post(client, "/apply/single_event", {})
    found = re.search(r"/applications/(\d+)/", response.headers["Location"])
    assert found
    with app.extensions["formflow"].db.reading() as session:
        application = session.get(Application, int(found.group(1)))
        assert application is not None
        return application


def test_a_version_published_elsewhere_is_in_force_at_once(
    database_url: str, tmp_path: Path
) -> None:
    serving = make_test_app(database_url, tmp_path, DEFINITIONS_REFRESH_SECONDS=0)
    other = make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(_edited(tmp_path)))
    try:
        make_user(serving, "casey@library.example.org")
        client = serving.test_client()
        sign_in(client, "casey@library.example.org")
        rules = client.get("/rules/single_event").get_data(as_text=True)
        assert "Decided within 7 business days." in rules
        before = _start(client, serving)

        # Another process (here: the CLI with edited files) publishes a new version.
        output = other.test_cli_runner().invoke(args=["definitions", "publish"]).output
        assert "Published workflow single_event" in output

        rules = client.get("/rules/single_event").get_data(as_text=True)
        assert "Decided within 10 business days." in rules
        after = _start(client, serving)
        assert after.workflow_version != before.workflow_version
        # The application under way keeps its version, and still opens.
        page = client.get(f"/applications/{before.id}/pages/about")
        assert page.status_code == 200
        with serving.extensions["formflow"].db.reading() as session:
            kept = session.get(Application, before.id)
            assert kept is not None and kept.workflow_version == before.workflow_version
    finally:
        serving.extensions["formflow"].db.dispose()
        other.extensions["formflow"].db.dispose()


def test_a_published_version_that_cannot_load_leaves_the_versions_in_force(
    app: Flask,
) -> None:
    app.config["DEFINITIONS_REFRESH_SECONDS"] = 0
    client = app.test_client()
    assert "Decided within 7 business days." in client.get("/rules/single_event").text
    with app.extensions["formflow"].db.transaction() as session:
        broken = Definition(
            kind="workflow",
            name="single_event",
            version="broken000001",
            source="workflow: single_event\ntitle: [unclosed\n",
            path="workflows/single_event.yaml",
            published_by="test",
        )
        session.add(Publication(definition=broken, published_by="test"))
    page = client.get("/rules/single_event")
    assert page.status_code == 200 and "Decided within 7 business days." in page.text
    with app.extensions["formflow"].db.reading() as session:
        assert session.scalar(select(Definition.id).where(Definition.version == "broken000001"))


def test_going_back_to_an_earlier_version_puts_it_in_force_again(
    database_url: str, tmp_path: Path
) -> None:
    serving = make_test_app(database_url, tmp_path, DEFINITIONS_REFRESH_SECONDS=0)
    edited = make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(_edited(tmp_path)))
    restarted = make_test_app(database_url, tmp_path)
    original = make_test_app(database_url, tmp_path)
    try:
        client = serving.test_client()
        assert "Decided within 7 business days." in client.get("/rules/single_event").text
        assert "Published workflow single_event" in (
            edited.test_cli_runner().invoke(args=["definitions", "publish"]).output
        )
        assert "Decided within 10 business days." in client.get("/rules/single_event").text
        # A process that merely starts on the old files does not undo the publication ...
        restarted.test_client().get("/rules/single_event")
        assert "Decided within 10 business days." in client.get("/rules/single_event").text
        # ... publishing them does: the earlier version is in force again, stored once.
        output = original.test_cli_runner().invoke(args=["definitions", "publish"]).output
        assert "Published workflow single_event version" in output
        assert "Decided within 7 business days." in client.get("/rules/single_event").text
        with serving.extensions["formflow"].db.reading() as session:
            versions = session.scalars(
                select(Definition.version).where(Definition.name == "single_event")
            ).all()
            published = session.scalars(
                select(Publication.published_by)
                .join(Definition)
                .where(Definition.name == "single_event")
                .order_by(Publication.id)
            ).all()
        assert len(versions) == 2
        assert published == ["app", "cli", "cli"]
        assert "Nothing new to publish." in (
            original.test_cli_runner().invoke(args=["definitions", "publish"]).output
        )
    finally:
        for app in (serving, edited, restarted, original):
            app.extensions["formflow"].db.dispose()
