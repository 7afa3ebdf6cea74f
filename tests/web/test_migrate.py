"""Moving applications under way onto a new version: only with a declared `upgrade:`,
only those it can move without leaving a required question unanswered, each move in the
history; from the command line (diff, migrate --dry-run, publish) and from the editor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from engine.applications import moves as ops
from engine.definitions.upgrades import UPGRADE
from engine.platform.models import Application, AuditEvent, User
from tests.conftest import make_test_app
from tests.web.helpers import (
    EDITOR,
    copy_definitions,
    make_user,
    post,
    publish_text,
    replace_in,
    sign_in,
    signed_in_admin,
)

APPLICANT = "casey@library.example.org"
ADMIN = EDITOR
CAPACITY = (
    "      - id: capacity\n        type: whole_number\n        label: Seats available\n"
    "        required: true\n"
)


def _with_capacity(root: Path, upgrade: str | None) -> Path:
    """The single-event form asks for the seats available; the workflow may say how
    applications under way move."""
    replace_in(
        root / "forms" / "single_event_application.yaml",
        "      - id: cost\n",
        CAPACITY + "      - id: cost\n",
    )
    if upgrade is not None:
        workflow = root / "workflows" / "single_event.yaml"
        replace_in(workflow, "\nstates:\n", f"\n{upgrade}\nstates:\n")
    return root


@pytest.fixture
def under_way(app: Flask) -> tuple[int, int]:
    """Two single-event applications on the first version (see _start_two)."""
    return _start_two(app)


def _start_two(app: Flask) -> tuple[int, int]:
    """Publish, then start a draft and one waiting for a decision (put there directly:
    how it got there is not what is tested)."""
    app.test_cli_runner().invoke(args=["definitions", "publish"])
    make_user(app, APPLICANT)
    svc = app.extensions["formflow"]
    with svc.db.transaction() as session:
        owner = session.scalars(select(User).where(User.email == APPLICANT)).one()
        compiled = svc.registry.latest("single_event")
        draft = ops.start(session, compiled, owner)
        waiting = ops.start(session, compiled, owner)
        session.flush()
        session.execute(
            update(Application)
            .where(Application.id == waiting.id)
            .values(state="submitted", answers={"title": "Coaching cycles"})
        )
        return draft.id, waiting.id


def _run(database_url: str, tmp_path: Path, root: Path, *args: str) -> str:
    edited = make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(root))
    try:
        result = edited.test_cli_runner().invoke(args=list(args))
    finally:
        edited.extensions["formflow"].db.dispose()
    assert result.exception is None, result.output
    return result.output


def _rows(app: Flask) -> dict[int, Application]:
    with app.extensions["formflow"].db.reading() as session:
        rows = session.scalars(select(Application)).all()
        session.expunge_all()
    return {r.id: r for r in rows}


def test_without_an_upgrade_applications_stay_on_their_version(
    app: Flask, database_url: str, tmp_path: Path, under_way: tuple[int, int]
) -> None:
    before = _rows(app)
    root = _with_capacity(copy_definitions(tmp_path / "plain"), upgrade=None)
    output = _run(database_url, tmp_path, root, "definitions", "publish")
    assert "Published form single_event_application" in output and "moved" not in output
    output = _run(
        database_url, tmp_path, root, "definitions", "migrate", "--dry-run", "single_event"
    )
    assert "workflow single_event: 0 of 2 applications on earlier versions would move" in output
    assert f"  {under_way[0]:06d} (draft) stays: this version declares no 'upgrade:'" in output
    after = _rows(app)
    assert [(r.form_version, r.version) for r in after.values()] == [
        (r.form_version, r.version) for r in before.values()
    ]


def test_diff_says_what_publishing_would_move_and_publish_moves_it(
    app: Flask, database_url: str, tmp_path: Path, under_way: tuple[int, int]
) -> None:
    draft, waiting = under_way
    before = _rows(app)
    bare = _with_capacity(copy_definitions(tmp_path / "bare"), upgrade="upgrade: {}")
    output = _run(database_url, tmp_path, bare, "definitions", "diff")
    assert "With the 'upgrade:' declared, publishing moves 1 of 2 applications" in output
    assert (
        f"  {waiting:06d} (submitted) stays: the new required question 'Seats available' "
        "(capacity) has no answer; give one under 'upgrade: answers:'"
    ) in output
    assert _rows(app)[draft].form_version == before[draft].form_version  # diff changes nothing

    given = _with_capacity(
        copy_definitions(tmp_path / "given"),
        upgrade=(
            "upgrade:\n  answers: {capacity: 30}\n"
            "  note: Seats are now asked; 30 was the room's size when this was sent."
        ),
    )
    output = _run(database_url, tmp_path, given, "definitions", "publish")
    assert "workflow single_event: 2 of 2 applications on earlier versions moved" in output
    assert f"  {waiting:06d} (submitted; answers given: capacity) moved" in output
    after = _rows(app)
    assert after[waiting].answers == {"title": "Coaching cycles", "capacity": 30}
    # A draft is given the answer too, as a default its applicant may change.
    assert after[draft].answers["capacity"] == 30
    assert after[draft].form_version != before[draft].form_version
    assert after[waiting].version == before[waiting].version + 1
    assert after[waiting].state == "submitted"
    with app.extensions["formflow"].db.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.application_id == waiting, AuditEvent.trigger == UPGRADE
            )
        ).one()
        assert (event.from_state, event.to_state, event.actor_id) == (
            "submitted",
            "submitted",
            None,
        )
        assert event.form_version == after[waiting].form_version
        assert event.comment.splitlines()[1:] == [
            "Seats are now asked; 30 was the room's size when this was sent.",
            "Answer given to 'Seats available': 30",
        ]
    # Run again: nothing is left to move.
    output = _run(database_url, tmp_path, given, "definitions", "migrate", "single_event")
    assert "every application under way is on this version" in output

    # The applicant sees the move in the history, and the new question in the draft.
    client = app.test_client()
    sign_in(client, APPLICANT)
    page = client.get(f"/applications/{waiting}").get_data(as_text=True)
    assert "Moved onto the current rules" in page
    assert "30 was the room&#39;s size when this was sent." in page


def test_migrate_names_unknown_workflows(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["definitions", "migrate", "single_evnt"])
    assert result.exit_code == 2
    assert "there is no workflow 'single_evnt'" in result.output


def test_the_editor_shows_the_plan_before_publishing_and_moves_on_publish(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    admin = signed_in_admin(app)
    draft, waiting = _start_two(app)
    _with_capacity(root, upgrade=None)
    assert "Published" in app.test_cli_runner().invoke(args=["definitions", "publish"]).output

    path = root / "workflows" / "single_event.yaml"
    text = path.read_text().replace(
        "\nstates:\n", "\nupgrade:\n  answers: {capacity: 25}\n\nstates:\n", 1
    )
    url = "/admin/definitions/workflow/single_event"
    page = post(admin, url, {"text": text, "action": "check"}).get_data(as_text=True)
    assert "Applications under way: Single-event approval" in page
    assert (
        "On publishing, 2 of 2 applications under way on another version move onto this one."
        in page
    )
    assert "Moves; answers given: capacity" in page
    assert _rows(app)[waiting].answers == {"title": "Coaching cycles"}  # a check moves nothing

    response = publish_text(admin, url, text)
    assert response.status_code == 302
    page = admin.get(url).get_data(as_text=True)
    assert (
        "Single-event approval: 2 of 2 applications under way moved onto the version in force."
        in page
    )
    after = _rows(app)
    assert after[waiting].answers["capacity"] == 25
    with app.extensions["formflow"].db.reading() as session:
        actor = session.scalars(
            select(AuditEvent.actor_id).where(
                AuditEvent.application_id == draft, AuditEvent.trigger == UPGRADE
            )
        ).one()
        admin_id = session.scalars(select(User.id).where(User.email == ADMIN)).one()
    assert actor == admin_id


def test_the_workflow_page_lists_what_stays_and_an_admin_moves_the_rest(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    admin = signed_in_admin(app)
    draft, waiting = _start_two(app)
    _with_capacity(root, upgrade="upgrade: {}")
    output = app.test_cli_runner().invoke(args=["definitions", "publish"]).output
    assert "1 of 2 applications on earlier versions moved" in output
    page = admin.get("/admin/workflows/single_event").get_data(as_text=True)
    assert "Now, 0 of 1 application under way on another version can move" in page
    assert "Stays: the new required question &#39;Seats available&#39; (capacity)" in page
    assert "Move them onto the version in force" not in page

    # Its seats become known (however: here written directly); now it can move.
    with app.extensions["formflow"].db.transaction() as session:
        session.execute(
            update(Application)
            .where(Application.id == waiting)
            .values(answers={"title": "Coaching cycles", "capacity": 12})
        )
    page = admin.get("/admin/workflows/single_event").get_data(as_text=True)
    assert "Now, 1 of 1 application under way on another version can move" in page
    response = post(admin, "/admin/workflows/single_event/upgrade", {})
    assert response.status_code == 302
    page = admin.get("/admin/workflows/single_event").get_data(as_text=True)
    assert "1 of 1 applications under way moved onto the version in force." in page
    assert "Every application under way is on the version in force." in page
    assert _rows(app)[waiting].form_version == _rows(app)[draft].form_version


def test_a_reviewer_whose_page_was_open_during_the_move_is_told_to_reload(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    draft, waiting = _start_two(app)
    make_user(app, "riley@opi.example.gov", "reviewer")
    reviewer = app.test_client()
    sign_in(reviewer, "riley@opi.example.gov")
    page = reviewer.get(f"/review/applications/{waiting}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    decision = {"version": version.group(1), "trigger": "deny", "comment": "Not eligible."}

    _with_capacity(root, upgrade="upgrade:\n  answers: {capacity: 30}")
    output = app.test_cli_runner().invoke(args=["definitions", "publish"]).output
    assert "2 of 2 applications on earlier versions moved" in output

    stale = post(reviewer, f"/applications/{waiting}/fire", decision)
    assert stale.status_code == 409 and "Reload" in stale.get_data(as_text=True)
    assert _rows(app)[waiting].state == "submitted"
    # Reloaded, the decision is made on the version it moved onto.
    page = reviewer.get(f"/review/applications/{waiting}").get_data(as_text=True)
    fresh = re.search(r'name="version" value="(\d+)"', page)
    assert fresh and fresh.group(1) != version.group(1)
    decided = post(
        reviewer, f"/applications/{waiting}/fire", {**decision, "version": fresh.group(1)}
    )
    assert decided.status_code == 302
    after = _rows(app)[waiting]
    assert after.state == "denied" and after.answers["capacity"] == 30


def test_an_application_mapped_into_a_final_state_is_decided_and_kept(
    app: Flask, database_url: str, tmp_path: Path, under_way: tuple[int, int]
) -> None:
    draft, waiting = under_way
    root = copy_definitions(tmp_path / "final")
    replace_in(
        root / "workflows" / "single_event.yaml",
        "\nstates:\n",
        "\nupgrade:\n  states: {submitted: withdrawn}\n  note: Withdrawn for the new rules.\n"
        "\nstates:\n",
    )
    output = _run(database_url, tmp_path, root, "definitions", "publish")
    assert f"  {waiting:06d} (submitted → withdrawn) moved" in output
    after = _rows(app)
    assert after[waiting].state == "withdrawn" and after[waiting].due_on is None
    assert after[waiting].final_at is not None and after[waiting].keep_until is not None
    assert after[waiting].keep_until.year - after[waiting].final_at.year == 5
    assert after[draft].state == "draft" and after[draft].final_at is None
