"""The registration workflow through HTTP: pages, errors, drafts, decisions, mail."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.platform.models import Application, AuditEvent, OutboxMessage
from tests.web.helpers import fill_all, fire, make_user, post, sign_in, start_application


def _outbox(app: Flask) -> list[OutboxMessage]:
    with app.extensions["formflow"].db.reading() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _application(app: Flask, application_id: int) -> Application:
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        return found


def test_a_bad_answer_is_shown_next_to_its_field_and_every_answer_is_kept(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "a@example.org")
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    response = post(
        client,
        f"/applications/{application_id}/pages/organization",
        {
            "action": "continue",
            "legal_name": "Acme <b>Learning</b>",
            "org_type": "agency_x",
            "address-zip": "5960",
            "address-street": "1 Main St",
            "address-city": "Helena",
            "address-state": "MT",
            "phone": "406 444 3095",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    # The summary links to the field, and the message sits next to it.
    assert 'href="#f-address-zip"' in html
    assert 'id="f-address-zip-error"' in html
    assert "Enter the ZIP code of “Address of the organization” like 59601 or 59601-1234." in html
    assert "Select one of the options for “Type of eligible organization”." in html
    # Answers are kept, and escaped.
    assert 'value="Acme &lt;b&gt;Learning&lt;/b&gt;"' in html
    assert 'value="1 Main St"' in html
    assert "<b>Learning</b>" not in html


def test_a_condition_decided_on_an_earlier_page_hides_the_field_on_the_server(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "a@example.org")
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    fill_all(client, application_id)
    page = client.get(f"/applications/{application_id}/pages/people").get_data(as_text=True)
    # other_users depends on has_other_users, on the same page: rendered with its condition.
    assert "data-show-if" in page and "Answer this only if" in page
    response = post(
        client,
        f"/applications/{application_id}/pages/people",
        {
            **{
                "manager_name": "J",
                "manager_title": "D",
                "manager_email": "j@example.org",
                "manager_phone": "406 555 0100",
            },
            "has_other_users": "no",
            "other_users-0-name": "",
            "other_users-items": "0",
            "action": "continue",
        },
    )
    # Hidden by the answer "no": its empty item is not required.
    assert response.status_code == 302


def test_repeating_group_add_remove_and_item_errors(app: Flask, client: FlaskClient) -> None:
    make_user(app, "a@example.org")
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    url = f"/applications/{application_id}/pages/people"
    base = {
        "manager_name": "J",
        "manager_title": "D",
        "manager_email": "j@example.org",
        "manager_phone": "406 555 0100",
        "has_other_users": "yes",
    }
    page = post(
        client,
        url,
        {
            **base,
            "other_users-0-name": "Sam",
            "other_users-items": "0",
            "action": "add:other_users",
        },
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="other_users-1-name"' in html
    assert 'value="Sam"' in html
    response = post(
        client,
        url,
        {
            **base,
            "other_users-0-name": "Sam",
            "other_users-0-email": "not-an-email",
            "other_users-0-role": "both",
            "other_users-1-name": "Kim",
            "other_users-items": ["0", "1"],
            "action": "continue",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#f-other_users-0-email"' in html
    assert 'href="#f-other_users-1-email"' in html
    assert "Enter an email address in the right format" in html
    removed = post(
        client,
        url,
        {
            **base,
            "other_users-0-name": "Sam",
            "other_users-1-name": "Kim",
            "other_users-items": ["0", "1"],
            "action": "remove:other_users:0",
        },
    )
    html = removed.get_data(as_text=True)
    assert 'value="Kim"' in html and 'value="Sam"' not in html


def test_draft_is_saved_and_resumed(app: Flask, client: FlaskClient) -> None:
    make_user(app, "a@example.org")
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    response = post(
        client,
        f"/applications/{application_id}/pages/organization",
        {"legal_name": "Half Done Academy", "action": "save"},
    )
    assert response.status_code == 302
    sign_in(client, "a@example.org")
    listing = client.get("/applications").get_data(as_text=True)
    assert "Half Done Academy" in listing
    page = client.get(f"/applications/{application_id}/pages/organization")
    assert 'value="Half Done Academy"' in page.get_data(as_text=True)


def test_submit_is_refused_until_the_answers_are_valid(app: Flask, client: FlaskClient) -> None:
    make_user(app, "a@example.org")
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    check = client.get(f"/applications/{application_id}/check").get_data(as_text=True)
    assert "Some answers need to be fixed" in check
    assert "Submit registration" not in check
    response = (
        fire(client, application_id, "submit")
        if False
        else post(
            client,
            f"/applications/{application_id}/fire",
            {"trigger": "submit", "version": "1", "comment": ""},
        )
    )
    assert response.status_code == 302
    assert _application(app, application_id).state == "draft"


def test_whole_story_request_changes_resubmit_diff_approve(app: Flask, client: FlaskClient) -> None:
    make_user(app, "a@example.org")
    make_user(app, "r@example.org", "reviewer")
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    fill_all(client, application_id)
    assert fire(client, application_id, "submit").status_code == 302
    submitted = _application(app, application_id)
    assert submitted.state == "submitted"
    assert submitted.due_on is not None
    status = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "Waiting for a decision" in status and "A decision is due by" in status

    sign_in(client, "r@example.org")
    queue = client.get("/review").get_data(as_text=True)
    assert "Big Sky Teacher Academy" in queue
    assert fire(client, application_id, "request_changes").status_code == 302  # no comment
    assert _application(app, application_id).state == "submitted"
    assert (
        fire(client, application_id, "request_changes", "Say more about follow-up.").status_code
        == 302
    )
    assert _application(app, application_id).state == "changes_requested"

    sign_in(client, "a@example.org")
    status = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "Say more about follow-up." in status and "Changes requested" in status
    post(
        client,
        f"/applications/{application_id}/pages/learning",
        {
            "description": "Coaching cycles with classroom follow-up visits every two weeks.",
            "audiences": ["teachers"],
            "events_per_year": "12",
            "action": "continue",
        },
    )
    assert fire(client, application_id, "resubmit").status_code == 302

    sign_in(client, "r@example.org")
    review = client.get(f"/review/applications/{application_id}").get_data(as_text=True)
    assert "What changed since changes were requested" in review
    assert "followed by classroom visits." in review  # before
    assert "classroom follow-up visits every two weeks." in review  # after
    assert fire(client, application_id, "approve").status_code == 302
    assert _application(app, application_id).state == "approved"

    sign_in(client, "a@example.org")
    assert "Approved" in client.get(f"/applications/{application_id}").get_data(as_text=True)
    subjects = [(m.to_addr, m.subject) for m in _outbox(app)]
    assert (
        "a@example.org",
        f"Your provider registration is approved ({application_id:06d})",
    ) in subjects
    assert len([s for _, s in subjects if s.startswith("We received")]) == 2
    with app.extensions["formflow"].db.reading() as session:
        triggers = session.scalars(
            select(AuditEvent.trigger)
            .where(AuditEvent.application_id == application_id)
            .order_by(AuditEvent.id)
        ).all()
    assert triggers == ["start", "submit", "request_changes", "resubmit", "approve"]


def test_email_reaches_a_real_smtp_server(database_url: str, tmp_path, smtp_server) -> None:
    from tests.conftest import make_test_app

    app = make_test_app(
        database_url, tmp_path, SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port
    )
    client = app.test_client()
    make_user(app, "a@example.org")
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    fill_all(client, application_id)
    fire(client, application_id, "submit")
    smtp_server.wait_for(1)
    message = smtp_server.messages[0]
    assert message.to == "a@example.org"
    assert message.subject == f"We received your provider registration ({application_id:06d})"
    assert re.search(r"We will tell you our decision by \w+day", message.body)
    with app.extensions["formflow"].db.reading() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "sent")
            )
            == 1
        )
    app.extensions["formflow"].db.dispose()
