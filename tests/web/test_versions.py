"""An application stays on the definitions it started on after the files change."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask

from engine.platform.models import Application
from tests.conftest import ROOT, make_test_app
from tests.web.helpers import fill_all, fire, make_user, sign_in, start_application

NEW_FIELD = """      - id: tax_id
        type: text
        label: Federal tax ID number
        required: true
"""


def _application(app: Flask, application_id: int) -> Application:
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        return found


def test_in_flight_application_keeps_its_form_version(tmp_path: Path, database_url: str) -> None:
    root = tmp_path / "defs"
    shutil.copytree(ROOT / "forms", root / "forms")
    shutil.copytree(ROOT / "workflows", root / "workflows")
    old_app = make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(root))
    make_user(old_app, "a@example.org")
    client = old_app.test_client()
    sign_in(client, "a@example.org")
    old_id = start_application(client)
    fill_all(client, old_id)
    old_version = _application(old_app, old_id).form_version
    old_app.extensions["formflow"].db.dispose()

    # Staff add a required question; the app restarts on the new files.
    form = root / "forms" / "provider_registration.yaml"
    text = form.read_text()
    anchor = "      - id: address\n"
    form.write_text(text.replace(anchor, NEW_FIELD + anchor, 1))
    new_app = make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(root))
    # Drop the in-memory copy of the old version: it must come back from the database.
    new_app.extensions["formflow"].registry._forms.pop(("provider_registration", old_version), None)
    client = new_app.test_client()
    sign_in(client, "a@example.org")
    old_page = client.get(f"/applications/{old_id}/pages/organization").get_data(as_text=True)
    assert "Federal tax ID number" not in old_page
    assert fire(client, old_id, "submit").status_code == 302
    assert _application(new_app, old_id).state == "submitted"
    assert _application(new_app, old_id).form_version == old_version

    new_id = start_application(client)
    new_page = client.get(f"/applications/{new_id}/pages/organization").get_data(as_text=True)
    assert "Federal tax ID number" in new_page
    assert _application(new_app, new_id).form_version != old_version
    new_app.extensions["formflow"].db.dispose()
