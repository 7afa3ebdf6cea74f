"""Reviewers' work on the queue: filters, assignment, bulk decisions and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.platform.models import Application, AuditEvent, User
from engine.review.assignment import ASSIGN, UNASSIGN
from tests.conftest import make_test_app
from tests.web.helpers import (
    fill_all,
    fire,
    make_user,
    post,
    sign_in,
    start_application,
    token,
)

APPLICANT = "a@example.org"
RILEY = "riley@example.org"
CASEY = "casey@example.org"


def _setup(app: Flask, *names: str, drafts: tuple[str, ...] = ()) -> dict[str, int]:
    """Create an applicant and two reviewers; submit one registration per name."""
    make_user(app, APPLICANT)
    make_user(app, RILEY, "reviewer")
    make_user(app, CASEY, "admin")
    client = app.test_client()
    sign_in(client, APPLICANT)
    ids = {}
    for name in (*names, *drafts):
        application_id = start_application(client)
        fill_all(client, application_id, legal_name=name)
        if name not in drafts:
            assert fire(client, application_id, "submit").status_code == 302
        ids[name] = application_id
    return ids


def _reviewer(app: Flask, email: str = RILEY) -> FlaskClient:
    client = app.test_client()
    sign_in(client, email)
    return client


def _application(app: Flask, application_id: int) -> Application:
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        return found


def _events(app: Flask, application_id: int) -> list[AuditEvent]:
    with app.extensions["formflow"].db.reading() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.application_id == application_id)
                .order_by(AuditEvent.id)
            )
        )


def _user_id(app: Flask, email: str) -> int:
    with app.extensions["formflow"].db.reading() as session:
        found = session.scalar(select(User.id).where(User.email == email))
        assert found is not None
        return found


def _hidden(page: str, application_id: int) -> dict[str, str]:
    """Return the version and assignee the queue page carries for one application."""
    found = {}
    for name in ("version", "assignee"):
        match = re.search(rf'name="{name}-{application_id}" value="(\d*)"', page)
        assert match, f"no {name} for {application_id}"
        found[f"{name}-{application_id}"] = match.group(1)
    return found


def _bulk(client: FlaskClient, url: str, queue: str, ids: list[int], **data: Any) -> str:
    """Tick these rows on the queue page at `queue` and post the bulk form to `url`."""
    page = client.get(queue).get_data(as_text=True)
    form: dict[str, Any] = {"selected": [str(i) for i in ids], **data}
    for application_id in ids:
        form.update(_hidden(page, application_id))
    response = post(client, url, form)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def _rows(page: str) -> list[str]:
    """Return the reference numbers the queue table lists, in order."""
    return re.findall(r'<th scope="row" data-label="Reference"><a [^>]*>(\d{6})</a>', page)


# -- filters -------------------------------------------------------------------------


def test_the_filter_form_narrows_the_queue_and_says_how_many_match(app: Flask) -> None:
    ids = _setup(app, "Older Academy", "Newer Academy", drafts=("Draft Academy",))
    client = _reviewer(app)
    ref = {name: f"{i:06d}" for name, i in ids.items()}

    page = client.get("/review").get_data(as_text=True)
    assert _rows(page) == [ref["Older Academy"], ref["Newer Academy"]]
    assert "2 applications match" in page and "Download these 2 rows as CSV" in page

    page = client.get("/review?state=any").get_data(as_text=True)
    assert _rows(page) == [ref["Older Academy"], ref["Newer Academy"], ref["Draft Academy"]]
    page = client.get("/review?state=draft&workflow=provider_registration").get_data(as_text=True)
    assert _rows(page) == [ref["Draft Academy"]]
    assert "1 application matches" in page
    assert '<option value="draft" selected>Draft</option>' in page

    page = client.get("/review?q=newer+ACADEMY").get_data(as_text=True)
    assert _rows(page) == [ref["Newer Academy"]]
    page = client.get(f"/review?q={ids['Older Academy']}").get_data(as_text=True)
    assert _rows(page) == [ref["Older Academy"]]
    page = client.get("/review?workflow=single_event").get_data(as_text=True)
    assert "0 applications match" in page and "Nothing matches these filters" in page
    assert 'href="/review">Clear filters</a>' in page


def test_a_long_queue_is_shown_a_page_at_a_time_but_counted_and_exported_whole(
    database_url: str, tmp_path: Path
) -> None:
    app = make_test_app(database_url, tmp_path, QUEUE_PAGE_SIZE=2)
    try:
        ids = _setup(app, "One Academy", "Two Academy", "Three Academy")
        client = _reviewer(app)
        refs = [f"{ids[name]:06d}" for name in ("One Academy", "Two Academy", "Three Academy")]
        page = client.get("/review?q=academy").get_data(as_text=True)
        assert _rows(page) == refs[:2]
        assert "3 applications match" in page and "Showing 1 to 2 of 3, page 1 of 2." in page
        assert "Download all 3 rows as CSV" in page and "Previous page" not in page
        assert 'href="/review?page=2&amp;q=academy">Next page</a>' in page
        page = client.get("/review?q=academy&page=2").get_data(as_text=True)
        assert _rows(page) == refs[2:] and "Showing 3 to 3 of 3, page 2 of 2." in page
        assert "Next page" not in page and "Previous page" in page
        assert _rows(client.get("/review?q=academy&page=99").get_data(as_text=True)) == refs[2:]
        assert _rows(client.get("/review?q=academy&page=x").get_data(as_text=True)) == refs[:2]
        lines = list(csv.reader(io.StringIO(client.get("/review/export.csv?q=academy").text)))
        assert [line[0] for line in lines[1:]] == refs
    finally:
        app.extensions["formflow"].db.dispose()


def test_a_date_that_is_not_a_date_is_reported_and_not_applied(app: Flask) -> None:
    _setup(app, "Older Academy")
    page = _reviewer(app).get("/review?due_by=31/12/2026").get_data(as_text=True)
    assert "Enter the date as year-month-day" in page
    assert 'aria-invalid="true"' in page and "<title>Error: " in page
    assert "1 application matches" in page


def test_applicants_and_visitors_see_no_queue_and_no_export(app: Flask) -> None:
    _setup(app, "Older Academy")
    applicant = app.test_client()
    sign_in(applicant, APPLICANT)
    for url in ("/review?state=any", "/review/export.csv?state=any"):
        assert applicant.get(url).status_code == 403
        anonymous = app.test_client().get(url)
        assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]


# -- assignment ----------------------------------------------------------------------


def test_assign_to_me_is_shown_everywhere_and_audited_but_is_no_state_change(
    app: Flask,
) -> None:
    ids = _setup(app, "Older Academy")
    application_id = ids["Older Academy"]
    client = _reviewer(app)
    before = _application(app, application_id)
    response = post(
        client,
        f"/review/applications/{application_id}/assign",
        {"expected": "", "assignee": str(_user_id(app, RILEY))},
    )
    assert response.status_code == 302
    after = _application(app, application_id)
    assert after.assigned_to_id == _user_id(app, RILEY)
    # The version is untouched: a colleague's open decision page is still good.
    assert (after.version, after.state) == (before.version, before.state)

    event = _events(app, application_id)[-1]
    assert (event.trigger, event.from_state, event.to_state) == (ASSIGN, "submitted", "submitted")
    assert event.actor_id == _user_id(app, RILEY) and event.snapshot_id is None
    review = client.get(f"/review/applications/{application_id}").get_data(as_text=True)
    assert "Assigned to you by you" in review
    assert "Assigned to riley@example.org." in review  # the flash
    assert "Assign to me" not in review  # already mine

    page = client.get("/review?assigned=me").get_data(as_text=True)
    assert _rows(page) == [f"{application_id:06d}"] and ">You</td>" in page
    assert "0 applications match" in client.get("/review?assigned=nobody").get_data(as_text=True)
    casey = _reviewer(app, CASEY).get("/review").get_data(as_text=True)
    assert ">riley@example.org</td>" in casey

    # The applicant's history shows decisions, not staff's bookkeeping.
    applicant = app.test_client()
    sign_in(applicant, APPLICANT)
    status = applicant.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "Assigned to" not in status and "Waiting for a decision" in status


def test_two_reviewers_assigning_at_once_do_not_clobber_each_other(app: Flask) -> None:
    ids = _setup(app, "Older Academy")
    application_id = ids["Older Academy"]
    riley, casey = _reviewer(app), _reviewer(app, CASEY)
    url = f"/review/applications/{application_id}/assign"
    # Both loaded the page while nobody was assigned.
    assert post(riley, url, {"expected": "", "assignee": str(_user_id(app, RILEY))}).status_code
    lost = post(casey, url, {"expected": "", "assignee": str(_user_id(app, CASEY))})
    assert lost.status_code == 409
    assert "Reload the page" in lost.get_data(as_text=True)
    assert _application(app, application_id).assigned_to_id == _user_id(app, RILEY)
    assert [e.trigger for e in _events(app, application_id)].count(ASSIGN) == 1
    history = casey.get(f"/review/applications/{application_id}").get_data(as_text=True)
    assert "Assigned to riley@example.org by riley@example.org" in history

    # Reloaded, Casey sees Riley and may take it over; then unassign.
    expected = str(_user_id(app, RILEY))
    took = post(casey, url, {"expected": expected, "assignee": str(_user_id(app, CASEY))})
    assert took.status_code == 302
    gone = post(casey, url, {"expected": str(_user_id(app, CASEY)), "assignee": ""})
    assert gone.status_code == 302
    assert _application(app, application_id).assigned_to_id is None
    events = [e for e in _events(app, application_id) if e.trigger in (ASSIGN, UNASSIGN)]
    assert [(e.trigger, e.assignee_id, e.comment) for e in events] == [
        (ASSIGN, _user_id(app, RILEY), ""),
        (ASSIGN, _user_id(app, CASEY), ""),
        (UNASSIGN, None, ""),
    ]
    history = casey.get(f"/review/applications/{application_id}").get_data(as_text=True)
    assert "Assigned to you by you" in history and "Unassigned by you" in history


def test_only_active_staff_can_be_assigned(app: Flask) -> None:
    ids = _setup(app, "Older Academy")
    application_id = ids["Older Academy"]
    client = _reviewer(app)
    url = f"/review/applications/{application_id}/assign"
    response = post(client, url, {"expected": "", "assignee": str(_user_id(app, APPLICANT))})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only an active reviewer or administrator can be assigned." in page
    assert post(client, url, {"assignee": ""}).status_code == 400  # no `expected`: refused
    assert post(client, url, {"expected": "x", "assignee": ""}).status_code == 400
    assert _application(app, application_id).assigned_to_id is None
    assert ASSIGN not in [e.trigger for e in _events(app, application_id)]


def test_an_assignment_does_not_hide_what_changed_since_changes_were_requested(
    app: Flask,
) -> None:
    ids = _setup(app, "Older Academy")
    application_id = ids["Older Academy"]
    client = _reviewer(app)
    assert fire(client, application_id, "request_changes", "Say more.").status_code == 302
    applicant = app.test_client()
    sign_in(applicant, APPLICANT)
    fill_all(applicant, application_id, legal_name="Renamed Academy")
    assert fire(applicant, application_id, "resubmit").status_code == 302
    url = f"/review/applications/{application_id}/assign"
    post(client, url, {"expected": "", "assignee": str(_user_id(app, RILEY))})
    review = client.get(f"/review/applications/{application_id}").get_data(as_text=True)
    assert "What changed since changes were requested" in review
    assert "Older Academy" in review and "Renamed Academy" in review


def test_bulk_assignment_reports_each_item(app: Flask) -> None:
    ids = _setup(app, "One Academy", "Two Academy", "Three Academy")
    one, two, three = ids["One Academy"], ids["Two Academy"], ids["Three Academy"]
    riley, casey = _reviewer(app), _reviewer(app, CASEY)
    page = riley.get("/review").get_data(as_text=True)  # Riley's view, before Casey acts
    post(
        casey,
        f"/review/applications/{two}/assign",
        {"expected": "", "assignee": str(_user_id(app, CASEY))},
    )
    form: dict[str, Any] = {"selected": [str(one), str(two), str(three)], "assign_to": "me"}
    for application_id in (one, two, three):
        form.update(_hidden(page, application_id))
    result = post(riley, "/review/assign", {**form, "q": "academy"})
    assert result.status_code == 200
    text = result.get_data(as_text=True)
    assert f"{one:06d} assigned to riley@example.org" in text
    assert f"{two:06d} not changed: someone else assigned it meanwhile" in text
    assert "2 of 3 changed" in text
    assert 'href="/review?q=academy"' in text  # back to the same filter
    assert _application(app, two).assigned_to_id == _user_id(app, CASEY)
    assert _application(app, three).assigned_to_id == _user_id(app, RILEY)


def test_bulk_forms_need_a_selection_and_a_choice(app: Flask) -> None:
    ids = _setup(app, "One Academy")
    client = _reviewer(app)
    for url, data in (
        ("/review/assign", {"assign_to": "me"}),
        ("/review/assign", {"selected": str(ids["One Academy"]), "assign_to": ""}),
        ("/review/decide", {"trigger": "approve"}),
        ("/review/decide", {"selected": str(ids["One Academy"]), "trigger": ""}),
    ):
        response = post(client, url, {**data, "state": "any"})
        assert response.status_code == 302, url
        assert response.headers["Location"] == "/review?state=any"
    assert _application(app, ids["One Academy"]).state == "submitted"


# -- bulk decision -------------------------------------------------------------------


def test_bulk_decision_fires_each_alone_with_mixed_outcomes(
    mail_app: Flask, smtp_server: Any
) -> None:
    app = mail_app
    ids = _setup(app, "One Academy", "Two Academy", "Three Academy", drafts=("Draft Academy",))
    one, two, three = ids["One Academy"], ids["Two Academy"], ids["Three Academy"]
    draft = ids["Draft Academy"]
    riley = _reviewer(app)
    page = riley.get("/review?state=any").get_data(as_text=True)
    assert '<option value="approve">Approve (3 of the 4 listed)</option>' in page
    assert "Deny (3 of the 4 listed, comment required)" in page
    # Two is decided on its own page meanwhile: the queue page is stale for it.
    assert fire(riley, two, "request_changes", "Please add a phone number.").status_code == 302
    mail_before = len(smtp_server.messages)

    form: dict[str, Any] = {
        "selected": [str(i) for i in (one, two, three, draft)],
        "trigger": "approve",
        "comment": "Welcome aboard.",
        "state": "any",
    }
    for application_id in (one, two, three, draft):
        form.update(_hidden(page, application_id))
    result = post(riley, "/review/decide", form)
    assert result.status_code == 200
    text = result.get_data(as_text=True)
    assert f"{one:06d} now Approved" in text and f"{three:06d} now Approved" in text
    assert f"{two:06d} not changed: someone else changed it meanwhile" in text
    assert f"{draft:06d} not changed: this decision does not apply to it (Draft)" in text
    assert "2 of 4 changed" in text

    assert [_application(app, i).state for i in (one, two, three, draft)] == [
        "approved",
        "changes_requested",
        "approved",
        "draft",
    ]
    for application_id in (one, three):
        approvals = [e for e in _events(app, application_id) if e.trigger == "approve"]
        assert len(approvals) == 1, "each decided item has its own audit event"
        assert approvals[0].actor_id == _user_id(app, RILEY)
        assert approvals[0].comment == "Welcome aboard."
    assert "approve" not in [e.trigger for e in _events(app, two)]
    # The approval emails went out after the commits, one per approved application.
    subjects = [m.subject for m in smtp_server.wait_for(mail_before + 2)[mail_before:]]
    for application_id in (one, three):
        assert f"Your provider registration is approved ({application_id:06d})" in subjects


def test_a_bulk_decision_needing_a_comment_is_refused_item_by_item(app: Flask) -> None:
    ids = _setup(app, "One Academy", "Two Academy")
    client = _reviewer(app)
    chosen = [ids["One Academy"], ids["Two Academy"]]
    text = _bulk(client, "/review/decide", "/review", chosen, trigger="deny", comment=" ")
    assert "0 of 2 changed" in text
    assert text.count("not changed: Write a comment to explain this decision.") == 2
    text = _bulk(client, "/review/decide", "/review", chosen, trigger="deny", comment="No.")
    assert "2 of 2 changed" in text and text.count("now Denied") == 2


def test_a_bulk_post_for_an_application_the_page_did_not_show_changes_nothing(
    app: Flask,
) -> None:
    ids = _setup(app, "One Academy")
    client = _reviewer(app)
    response = post(
        client, "/review/decide", {"selected": str(ids["One Academy"]), "trigger": "approve"}
    )
    assert "someone else changed it meanwhile" in response.get_data(as_text=True)
    assert _application(app, ids["One Academy"]).state == "submitted"


def test_bulk_posts_need_the_csrf_token(app: Flask) -> None:
    ids = _setup(app, "One Academy")
    client = _reviewer(app)
    token(client, "/review")
    selected = str(ids["One Academy"])
    for url, data in (
        ("/review/decide", {"trigger": "approve"}),
        ("/review/assign", {"assign_to": "me"}),
        (f"/review/applications/{selected}/assign", {"expected": "", "assignee": ""}),
    ):
        response = client.post(url, data={"selected": selected, **data})
        assert response.status_code == 400, url
    assert _application(app, ids["One Academy"]).assigned_to_id is None
    assert _application(app, ids["One Academy"]).state == "submitted"


# -- CSV export ----------------------------------------------------------------------


def test_the_csv_has_exactly_the_rows_the_filter_shows(app: Flask) -> None:
    ids = _setup(app, "Older Academy", "Newer Academy", drafts=("Draft Academy",))
    client = _reviewer(app)
    for query in ("", "?state=any", "?state=draft", "?q=newer", "?workflow=single_event"):
        page = client.get(f"/review{query}").get_data(as_text=True)
        response = client.get(f"/review/export.csv{query}")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert lines[0][:3] == ["Reference", "Workflow", "Name"]
        assert [line[0] for line in lines[1:]] == _rows(page), query
    lines = list(csv.reader(io.StringIO(client.get("/review/export.csv?q=older").text)))
    assert lines[1] == [
        f"{ids['Older Academy']:06d}",
        "Approved provider registration (multiple events)",
        "Older Academy",
        "",
        APPLICANT,
        "Waiting for a decision",
        _application(app, ids["Older Academy"]).state_entered_at.date().isoformat(),
        str(_application(app, ids["Older Academy"]).due_on),
        "no",
        "",
    ]


def test_the_csv_quotes_cells_a_spreadsheet_would_run(app: Flask) -> None:
    names = ("=HYPERLINK(1)", "+SUM(A1)", "-2+3", "@cmd")
    _setup(app, *names)
    lines = list(csv.reader(io.StringIO(_reviewer(app).get("/review/export.csv").text)))
    assert [line[2] for line in lines[1:]] == [f"'{name}" for name in names]
