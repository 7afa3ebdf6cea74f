"""Editing a workflow or form in the browser: a broken text is refused with its line and
nothing changes; a good one is written to its file and in force at once."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from engine.platform.models import Definition
from tests.web.helpers import EDITOR, make_user, post, publish_text, sign_in, signed_in_admin

ADMIN = EDITOR


def test_the_editor_shows_the_text_and_what_is_in_force(editable: tuple[Flask, Path]) -> None:
    app, root = editable
    client = signed_in_admin(app)
    page = client.get("/admin/definitions/workflow/single_event").get_data(as_text=True)
    assert "workflow: single_event" in page and "State diagram of the workflow" in page
    form = client.get("/admin/definitions/form/single_event_application").get_data(as_text=True)
    assert "Event title" in form and '<fieldset class="usa-fieldset app-preview" disabled>' in form
    # Each opens the other: the workflow its form, the form the workflows that ask it.
    assert 'href="/admin/definitions/form/single_event_application"' in page
    assert 'Asked by <a class="usa-link" href="/admin/definitions/workflow/single_event">' in form
    assert client.get("/admin/definitions/workflow/no_such").status_code == 404
    assert client.get("/admin/definitions/file/single_event").status_code == 404


def test_a_broken_text_is_refused_with_its_line_and_nothing_changes(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    client = signed_in_admin(app)
    path = root / "workflows" / "single_event.yaml"
    before = path.read_text()
    broken = before.replace("initial: draft", "initial: drafty")
    response = post(
        client, "/admin/definitions/workflow/single_event", {"text": broken, "action": "publish"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    line = broken[: broken.index("initial: drafty")].count("\n") + 1
    assert re.search(rf"Line {line}, column \d+: there is no state &#39;drafty&#39;", page)
    assert "initial: drafty" in page  # the text is kept for fixing
    assert path.read_text() == before
    # The app keeps serving the version in force.
    assert "Decided within 7 business days." in client.get("/rules/single_event").text


def test_a_good_text_is_written_published_and_in_force_at_once(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    client = signed_in_admin(app)
    path = root / "workflows" / "single_event.yaml"
    edited = path.read_text().replace(
        "    due: {business_days: 7}\n", "    due: {business_days: 10}\n"
    )
    checked = post(
        client, "/admin/definitions/workflow/single_event", {"text": edited, "action": "check"}
    )
    assert checked.status_code == 200 and "No problems found" in checked.text
    # Before publishing: the preview is of the checked text, with what it changes.
    assert "As checked, not yet published" in checked.text
    assert (
        "the deadline in &#39;Waiting for a decision&#39; (submitted) changes from "
        "7 business days to 10 business days"
    ) in checked.text
    assert "business_days: 7}" in path.read_text()  # a check writes nothing
    response = publish_text(client, "/admin/definitions/workflow/single_event", edited)
    assert response.status_code == 302
    assert path.read_text() == edited
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Published workflow single_event version" in shown
    assert "Decided within 10 business days." in client.get("/rules/single_event").text
    with app.extensions["formflow"].db.reading() as session:
        by = session.scalars(
            select(Definition.published_by).where(Definition.name == "single_event")
        ).all()
    assert ADMIN in by


def test_only_administrators_edit(editable: tuple[Flask, Path]) -> None:
    app, _ = editable
    make_user(app, "riley@opi.example.gov", "reviewer")
    client = app.test_client()
    sign_in(client, "riley@opi.example.gov")
    assert client.get("/admin/definitions/workflow/single_event").status_code == 403
    response = post(
        client, "/admin/definitions/workflow/single_event", {"text": "x", "action": "publish"}
    )
    assert response.status_code == 403


def test_a_checked_form_is_previewed_with_its_new_question(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    client = signed_in_admin(app)
    path = root / "forms" / "single_event_application.yaml"
    text = path.read_text()
    anchor = "      - id: cost\n"
    edited = text.replace(
        anchor,
        "      - id: seats\n        type: whole_number\n        label: Seats available\n"
        "        required: true\n" + anchor,
    )
    response = post(
        client,
        "/admin/definitions/form/single_event_application",
        {"text": edited, "action": "check"},
    )
    assert response.status_code == 200
    assert "Seats available" in response.text
    assert "a new required question: &#39;Seats available&#39; (seats)" in response.text
    assert path.read_text() == text


def test_publishing_over_a_colleagues_newer_publication_is_refused_until_seen(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    url = "/admin/definitions/workflow/single_event"
    path = root / "workflows" / "single_event.yaml"
    original = path.read_text()
    first = signed_in_admin(app)
    second = signed_in_admin(app, "sam@opi.example.gov")
    page = first.get(url).get_data(as_text=True)
    base = re.search(r'name="base" value="([0-9a-f]+)"', page)
    assert base
    # A colleague publishes a longer deadline while the first admin is still editing.
    theirs = original.replace("    due: {business_days: 7}\n", "    due: {business_days: 10}\n")
    assert publish_text(second, url, theirs).status_code == 302
    mine = original.replace("title: Single-event approval", "title: Single-event approvals")
    checked = post(first, url, {"text": mine, "action": "check", "base": base.group(1)})
    # A check in between does not make the old page current.
    assert f'name="base" value="{base.group(1)}"' in checked.get_data(as_text=True)
    refused = post(first, url, {"text": mine, "action": "publish", "base": base.group(1)})
    assert refused.status_code == 409
    body = refused.get_data(as_text=True)
    assert "Someone else published this file while you were editing it" in body
    assert "title: Single-event approvals" in body  # the text is kept
    assert path.read_text() == theirs  # the colleague's change stands
    # Warned, the admin may publish over it: the page now stands on the newer text.
    fresh = re.search(r'name="base" value="([0-9a-f]+)"', body)
    assert fresh and fresh.group(1) != base.group(1)
    again = post(first, url, {"text": mine, "action": "publish", "base": fresh.group(1)})
    assert again.status_code == 302 and path.read_text() == mine
