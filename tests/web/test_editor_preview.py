"""The editor's live preview: the text being typed is checked like the Check button and
answered with a fragment of problems, changes and preview; nothing is ever written."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from engine.platform.models import Definition
from tests.web.helpers import make_user, post, sign_in, signed_in_admin, token

FORM = "/admin/definitions/form/single_event_application"
WORKFLOW = "/admin/definitions/workflow/single_event"


def _published(app: Flask) -> int:
    with app.extensions["formflow"].db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Definition)) or 0)


def test_a_good_text_is_previewed_with_its_changes_and_nothing_is_written(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    client = signed_in_admin(app)
    path = root / "forms" / "single_event_application.yaml"
    text = path.read_text()
    published = _published(app)
    anchor = "      - id: cost\n"
    edited = text.replace(
        anchor,
        "      - id: seats\n        type: whole_number\n        label: Seats available\n"
        "        required: true\n" + anchor,
    )
    response = post(client, FORM + "/preview", {"text": edited})
    assert response.status_code == 200
    fragment = response.text
    assert "<html" not in fragment and "<h1" not in fragment  # a part of the page only
    assert "As checked, not yet published" in fragment and "No problems found" in fragment
    assert "Seats available" in fragment
    assert "a new required question: &#39;Seats available&#39; (seats)" in fragment
    assert response.headers["Cache-Control"] == "no-store"
    assert path.read_text() == text
    assert _published(app) == published


def test_a_broken_text_is_answered_with_its_line_and_nothing_is_written(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    client = signed_in_admin(app)
    path = root / "workflows" / "single_event.yaml"
    text = path.read_text()
    published = _published(app)
    broken = text.replace("initial: draft", "initial: drafty")
    line = broken[: broken.index("initial: drafty")].count("\n") + 1
    response = post(client, WORKFLOW + "/preview", {"text": broken, "action": "publish"})
    assert response.status_code == 200
    fragment = response.text
    assert "1 problem</h3>" in fragment
    assert re.search(
        rf'<a class="usa-link app-line-link" href="#text" data-line="{line}">'
        rf"Line {line}, column \d+: there is no state &#39;drafty&#39;",
        fragment,
    )
    # The preview stays the version in force: the diagram of the workflow as it is.
    assert "In force now" in fragment and "State diagram of the workflow" in fragment
    assert "No problems found" not in fragment
    assert path.read_text() == text
    assert _published(app) == published
    assert "Decided within 7 business days." in client.get("/rules/single_event").text


def test_the_preview_is_for_administrators_and_known_definitions_only(
    editable: tuple[Flask, Path],
) -> None:
    app, _ = editable
    make_user(app, "riley@opi.example.gov", "reviewer")
    reviewer = app.test_client()
    sign_in(reviewer, "riley@opi.example.gov")
    assert post(reviewer, WORKFLOW + "/preview", {"text": "x"}).status_code == 403
    anonymous = app.test_client()
    response = post(anonymous, WORKFLOW + "/preview", {"text": "x"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    admin = signed_in_admin(app)
    assert post(admin, "/admin/definitions/workflow/no_such/preview", {}).status_code == 404
    assert post(admin, "/admin/definitions/file/single_event/preview", {}).status_code == 404


def test_the_preview_needs_the_csrf_token_and_takes_it_as_a_header(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    client = signed_in_admin(app)
    text = (root / "workflows" / "single_event.yaml").read_text()
    assert client.post(WORKFLOW + "/preview", data={"text": text}).status_code == 400
    # The page's script sends the token in a header, as flask-wtf reads it.
    sent = client.post(
        WORKFLOW + "/preview", data={"text": text}, headers={"X-CSRFToken": token(client, WORKFLOW)}
    )
    assert sent.status_code == 200 and "No problems found" in sent.text


def test_a_text_far_bigger_than_any_definition_is_refused(editable: tuple[Flask, Path]) -> None:
    app, _ = editable
    client = signed_in_admin(app)
    assert post(client, WORKFLOW + "/preview", {"text": "#" * 200_001}).status_code == 413


def test_the_page_holds_the_preview_region_its_script_updates(
    editable: tuple[Flask, Path],
) -> None:
    app, _ = editable
    page = signed_in_admin(app).get(WORKFLOW).text
    assert f'data-preview-url="{WORKFLOW}/preview"' in page
    assert 'src="/static/js/definition_editor.js"' in page
    assert '<p class="app-live-status" id="preview-status" role="status"></p>' in page


def test_as_one_types_only_the_first_applications_under_way_are_planned(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    app.config["EDITOR_LIVE_PLANS"] = 1
    admin = signed_in_admin(app)
    make_user(app, "casey@library.example.org")
    applicant = app.test_client()
    sign_in(applicant, "casey@library.example.org")
    for _ in range(2):
        assert post(applicant, "/apply/single_event", {}).status_code == 302  # two drafts
    text = (root / "workflows" / "single_event.yaml").read_text()
    changed = text.replace("\nstates:\n", "\nupgrade: {}\n\nstates:\n", 1)
    live = post(admin, WORKFLOW + "/preview", {"text": changed}).get_data(as_text=True)
    assert "The first 1 of 2 applications under way on another version are planned" in live
    assert live.count("Moves") == 1
    # Check plans them all.
    page = post(admin, WORKFLOW, {"text": changed, "action": "check"}).get_data(as_text=True)
    assert "The first 1 of 2" not in page
    assert "On publishing, 2 of 2 applications under way on another version move" in page
