"""Organizations through HTTP: an approved registration becomes a provider, people ask to
join it, and a provider's people share its records while nobody else sees them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from engine.applications.actions import run_actions
from engine.applications.actions.context import ActionContext
from engine.organizations.memberships import remove_member
from engine.platform.mail import mail_settings
from engine.platform.models import Application, Membership, Organization, OutboxMessage, User
from engine.runtime.machine import Outcome
from tests.conftest import make_test_app
from tests.smtp_server import SmtpServer
from tests.web.helpers import fill_all, fire, make_user, post, sign_in, start_application
from tests.web.orgs_helpers import (
    app_with_member_workflow,
    application,
    make_provider,
    memberships,
    organization,
    outbox,
    start,
)

OTHER_USERS = {
    "manager_name": "Jordan Rivers",
    "manager_title": "Director",
    "manager_email": "jordan@bigsky.example.org",
    "manager_phone": "406 555 0100",
    "has_other_users": "yes",
    "other_users-items": ["0", "1"],
    "other_users-0-name": "Sam Lee",
    "other_users-0-email": "sam@bigsky.example.org",
    "other_users-0-role": "both",
    "other_users-1-name": "Ana Lee",
    "other_users-1-email": "ana@bigsky.example.org",
    "other_users-1-role": "certificates",
    "action": "continue",
}
ABOUT_KIM = {
    "full_name": "Kim Doe",
    "job_title": "Coordinator",
    "email": "kim@example.org",
    "phone": "406 555 0199",
    "reason": "I enter the events.",
    "action": "continue",
}


def _approved_registration(app: Flask) -> int:
    """An applicant registers Big Sky with two other users; a reviewer approves it."""
    make_user(app, "a@example.org")
    make_user(app, "r@example.org", "reviewer")
    client = app.test_client()
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    fill_all(client, application_id)
    people = post(client, f"/applications/{application_id}/pages/people", OTHER_USERS)
    assert people.status_code == 302, people.get_data(as_text=True)[:2000]
    assert fire(client, application_id, "submit").status_code == 302
    sign_in(client, "r@example.org")
    assert fire(client, application_id, "approve").status_code == 302
    assert application(app, application_id).state == "approved"
    return application_id


def test_an_approved_registration_becomes_a_provider_with_its_people(
    database_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    app = make_test_app(
        database_url, tmp_path, SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port
    )
    application_id = _approved_registration(app)
    provider = organization(app, "RUP-0001")
    assert provider is not None
    assert (provider.name, provider.status, provider.phone, provider.website) == (
        "Big Sky Teacher Academy",
        "active",
        "406 444 3095",
        "https://bigsky.example.org",
    )
    assert provider.email == "jordan@bigsky.example.org"
    assert provider.source_application_id == application_id
    assert application(app, application_id).organization_id == provider.id
    assert memberships(app, "RUP-0001") == {
        "jordan@bigsky.example.org": ("manager", "JRivers"),
        "sam@bigsky.example.org": ("member", "SLee"),
        "ana@bigsky.example.org": ("member", "ALee"),
    }
    # submit (received), then the three invitations and the approval: five emails.
    by_to = {m.to: m for m in smtp_server.wait_for(5)}
    invitation = by_to["jordan@bigsky.example.org"]
    assert "Your username: JRivers" in invitation.body
    assert re.search(r"http://localhost/auth/set-password/\S+", invitation.body)
    assert "Your username: SLee" in by_to["sam@bigsky.example.org"].body
    approval = [m for m in smtp_server.messages if m.subject.startswith("Your provider regis")]
    assert [m.to for m in approval] == ["a@example.org"]
    assert "Your provider number is RUP-0001." in approval[0].body
    app.extensions["formflow"].db.dispose()


def test_creating_the_organization_again_creates_nothing_new(app: Flask) -> None:
    application_id = _approved_registration(app)
    emails_before = len(outbox(app))
    svc = app.extensions["formflow"]
    # The action fires once more on the same (approved) application, as a retried
    # worker or a re-run would: it finds the organization and stops.
    with app.test_request_context(), svc.db.transaction() as session:
        row = session.get(Application, application_id)
        assert row is not None
        compiled = svc.registry.compiled(row.workflow, row.workflow_version, row.form_version)
        approve = compiled.workflow.transition("approve", "submitted")
        assert approve is not None
        outcome = Outcome("approve", "submitted", "approved", "", approve.actions[:1], None)
        context = ActionContext(
            row, compiled.workflow, outcome, None, mail_settings(), answers=row.answers
        )
        run_actions(session, approve.actions[:1], context)
    with svc.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Organization)) == 1
        assert session.scalar(select(func.count()).select_from(Membership)) == 3
    assert len(outbox(app)) == emails_before


def test_two_approvals_at_once_make_one_provider(app: Flask) -> None:
    make_user(app, "a@example.org")
    make_user(app, "r@example.org", "reviewer")
    client = app.test_client()
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    fill_all(client, application_id)
    fire(client, application_id, "submit")
    sign_in(client, "r@example.org")
    version = str(application(app, application_id).version)
    data = {"trigger": "approve", "version": version, "comment": ""}
    first = post(client, f"/applications/{application_id}/fire", data)
    second = post(client, f"/applications/{application_id}/fire", data)
    assert (first.status_code, second.status_code) == (302, 409)
    with app.extensions["formflow"].db.reading() as session:
        assert session.scalars(select(Organization.number)).all() == ["RUP-0001"]


def _access_request(app: Flask, number: str, **answers: str) -> int:
    """kim@example.org (signed up) asks to join the provider; returns the request's id."""
    make_user(app, "kim@example.org")
    client = app.test_client()
    sign_in(client, "kim@example.org")
    page = client.get(f"/apply/access_request?organization={number}").get_data(as_text=True)
    assert re.search(rf'<option value="{number}" selected>', page)
    request_id = start(client, "access_request", organization=number)
    response = post(client, f"/applications/{request_id}/pages/about_you", {**ABOUT_KIM, **answers})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert fire(client, request_id, "submit").status_code == 302
    assert application(app, request_id).state == "submitted"
    return request_id


def test_the_account_manager_gives_access_to_someone_with_a_new_login(
    database_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    app = make_test_app(
        database_url, tmp_path, SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port
    )
    number = make_provider(app, "Big Sky", "boss@example.org", "staffer@example.org")
    request_id = _access_request(app, number, email="kim.doe@work.example.org")
    received = smtp_server.wait_for(2)
    to_manager = [m for m in received if m.to == "boss@example.org"]
    assert [m.subject for m in to_manager] == [f"Kim Doe asks to join Big Sky ({request_id:06d})"]
    assert f"http://localhost/applications/{request_id}" in to_manager[0].body

    manager = app.test_client()
    sign_in(manager, "boss@example.org")
    board = manager.get("/applications").get_data(as_text=True)
    assert "Waiting for you as account manager of Big Sky" in board and "Kim Doe" in board
    status = manager.get(f"/applications/{request_id}").get_data(as_text=True)
    assert "Give access" in status and "Decline" in status
    assert fire(manager, request_id, "approve").status_code == 302
    assert application(app, request_id).state == "approved"
    people = memberships(app, number)
    assert people["kim.doe@work.example.org"] == ("member", "KDoe")
    invitation = [m for m in smtp_server.wait_for(3) if m.to == "kim.doe@work.example.org"]
    assert len(invitation) == 1
    assert "Your username: KDoe" in invitation[0].body
    assert "/auth/set-password/" in invitation[0].body
    app.extensions["formflow"].db.dispose()


def test_an_existing_login_is_added_and_told_to_sign_in_as_usual(app: Flask) -> None:
    number = make_provider(app, "Big Sky", "boss@example.org")
    request_id = _access_request(app, number)
    manager = app.test_client()
    sign_in(manager, "boss@example.org")
    assert fire(manager, request_id, "approve").status_code == 302
    assert memberships(app, number)["kim@example.org"][0] == "member"
    (added,) = [
        m
        for m in outbox(app)
        if m.to_addr == "kim@example.org" and m.template != "access_request_sent"
    ]
    assert added.template == "account_added"
    assert "Sign in as usual" in added.body and "set-password" not in added.body
    # Kim now works for Big Sky: the site shows its records to Kim from now on.
    kim = app.test_client()
    sign_in(kim, "kim@example.org")
    assert "Big Sky" in kim.get("/applications").get_data(as_text=True)


def test_staff_decline_with_a_comment_and_nobody_is_added(app: Flask) -> None:
    number = make_provider(app, "Big Sky", "boss@example.org")
    make_user(app, "r@example.org", "reviewer")
    request_id = _access_request(app, number)
    reviewer = app.test_client()
    sign_in(reviewer, "r@example.org")
    assert "Kim Doe" in reviewer.get("/review").get_data(as_text=True)
    fire(reviewer, request_id, "decline")  # no comment: refused
    assert application(app, request_id).state == "submitted"
    fire(reviewer, request_id, "decline", "Kim left the district in June.")
    assert application(app, request_id).state == "declined"
    assert "kim@example.org" not in memberships(app, number)
    declined = [m for m in outbox(app) if m.template == "access_request_declined"]
    assert [m.to_addr for m in declined] == ["kim@example.org"]
    assert "Kim left the district in June." in declined[0].body
    assert declined[0].subject == f"Your request to join Big Sky was declined ({request_id:06d})"


def test_only_the_manager_of_that_provider_sees_a_request_once_it_is_sent(app: Flask) -> None:
    number = make_provider(app, "Big Sky", "boss@example.org", "staffer@example.org")
    make_provider(app, "Other Provider", "other-boss@example.org")
    make_user(app, "kim@example.org")
    kim = app.test_client()
    sign_in(kim, "kim@example.org")
    request_id = start(kim, "access_request", organization=number)
    manager = app.test_client()
    sign_in(manager, "boss@example.org")
    # A draft is the requester's alone.
    assert manager.get(f"/applications/{request_id}").status_code == 404
    post(kim, f"/applications/{request_id}/pages/about_you", ABOUT_KIM)
    fire(kim, request_id, "submit")
    assert manager.get(f"/applications/{request_id}").status_code == 200
    # The manager decides; the answers are not theirs to change.
    assert manager.get(f"/applications/{request_id}/pages/about_you").status_code == 404
    for email in ("staffer@example.org", "other-boss@example.org"):
        client = app.test_client()
        sign_in(client, email)
        assert "Kim Doe" not in client.get("/applications").get_data(as_text=True)
        assert client.get(f"/applications/{request_id}").status_code == 404
        version = str(application(app, request_id).version)
        refused = post(
            client,
            f"/applications/{request_id}/fire",
            {"trigger": "approve", "version": version, "comment": ""},
        )
        assert refused.status_code == 404
    assert application(app, request_id).state == "submitted"


def test_the_start_page_needs_a_known_active_organization(app: Flask) -> None:
    make_provider(app, "Big Sky", "boss@example.org")
    make_user(app, "kim@example.org")
    kim = app.test_client()
    sign_in(kim, "kim@example.org")
    page = kim.get("/apply/access_request").get_data(as_text=True)
    assert '<label class="usa-label" for="organization">Organization</label>' in page
    assert "Big Sky (RUP-0001)" in page
    refused = post(kim, "/apply/access_request", {"organization": "RUP-9999"})
    assert refused.status_code == 400
    assert "Choose the organization from the list." in refused.get_data(as_text=True)
    with app.extensions["formflow"].db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Application)) == 0


# -- organization: member -----------------------------------------------------------------


def _member_app(database_url: str, tmp_path: Path) -> tuple[Flask, str, str]:
    app = app_with_member_workflow(database_url, tmp_path)
    a = make_provider(app, "Provider A", "a-boss@example.org", "a1@example.org", "a2@example.org")
    b = make_provider(app, "Provider B", "b-boss@example.org", "b1@example.org")
    make_user(app, "nobody@example.org")
    return app, a, b


def _signed_in(app: Flask, email: str) -> Any:
    client = app.test_client()
    sign_in(client, email)
    return client


def test_a_members_application_is_shared_by_its_provider_and_nobody_else(
    database_url: str, tmp_path: Path
) -> None:
    app, a, _ = _member_app(database_url, tmp_path)
    first = _signed_in(app, "a1@example.org")
    start_page = first.get("/apply/shared").get_data(as_text=True)
    assert "You are starting this for <strong>Provider A</strong>" in start_page
    shared_id = start(first, "shared")
    provider_a = organization(app, a)
    assert provider_a is not None
    assert application(app, shared_id).organization_id == provider_a.id
    url = f"/applications/{shared_id}/pages/organization"
    answers = {"org_name": "Spring institute", "manager_name": "M", "manager_email": "m@x.org"}
    post(first, url, {**answers, "action": "save"})

    second = _signed_in(app, "a2@example.org")
    board = second.get("/applications").get_data(as_text=True)
    assert "Spring institute" in board and "Provider A (RUP-0001)" in board
    assert second.get(url).status_code == 200
    edited = post(second, url, {**answers, "org_name": "Spring institute 2026", "action": "save"})
    assert edited.status_code == 302
    assert application(app, shared_id).answers["org_name"] == "Spring institute 2026"
    assert fire(second, shared_id, "submit").status_code == 302
    assert application(app, shared_id).state == "submitted"

    for email in ("b1@example.org", "b-boss@example.org", "nobody@example.org"):
        outsider = _signed_in(app, email)
        assert "Spring institute" not in outsider.get("/applications").get_data(as_text=True)
        for page in (f"/applications/{shared_id}", url, f"/applications/{shared_id}/check"):
            assert outsider.get(page).status_code == 404, (email, page)
        version = str(application(app, shared_id).version)
        refused = post(
            outsider,
            f"/applications/{shared_id}/fire",
            {"trigger": "sign_off", "version": version, "comment": ""},
        )
        assert refused.status_code == 404
    assert application(app, shared_id).state == "submitted"
    # The account manager of A signs it off ('by: manager').
    boss = _signed_in(app, "a-boss@example.org")
    assert fire(boss, shared_id, "sign_off").status_code == 302
    assert application(app, shared_id).state == "done"
    app.extensions["formflow"].db.dispose()


def test_only_people_of_a_provider_start_for_it_and_only_for_their_own(
    database_url: str, tmp_path: Path
) -> None:
    app, a, b = _member_app(database_url, tmp_path)
    nobody = _signed_in(app, "nobody@example.org")
    page = nobody.get("/apply/shared")
    assert page.status_code == 200
    assert "Only people who work for a provider can start this" in page.get_data(as_text=True)
    assert "Start now" not in page.get_data(as_text=True)
    assert post(nobody, "/apply/shared", {}).status_code == 403
    # A member of A who forges the choice of B in the session still files for A.
    member = _signed_in(app, "a1@example.org")
    provider_b = organization(app, b)
    assert provider_b is not None
    with member.session_transaction() as session:
        session["organization_id"] = provider_b.id
    shared_id = start(member, "shared")
    provider_a = organization(app, a)
    assert provider_a is not None
    assert application(app, shared_id).organization_id == provider_a.id
    with app.extensions["formflow"].db.reading() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    app.extensions["formflow"].db.dispose()


def test_who_leaves_a_provider_leaves_its_records_behind(database_url: str, tmp_path: Path) -> None:
    app, a, _ = _member_app(database_url, tmp_path)
    leaver = _signed_in(app, "a1@example.org")
    shared_id = start(leaver, "shared")
    post(
        leaver,
        f"/applications/{shared_id}/pages/organization",
        {"org_name": "Mine?", "action": "save"},
    )
    assert "Mine?" in leaver.get("/applications").get_data(as_text=True)
    with app.extensions["formflow"].db.transaction() as session:
        provider = session.scalar(select(Organization).where(Organization.number == a))
        user = session.scalar(select(User).where(User.email == "a1@example.org"))
        assert provider is not None and user is not None
        remove_member(session, provider, user.id)
    assert "Mine?" not in leaver.get("/applications").get_data(as_text=True)
    assert leaver.get(f"/applications/{shared_id}").status_code == 404
    assert leaver.get(f"/applications/{shared_id}/pages/organization").status_code == 404
    # It stays with the provider.
    colleague = _signed_in(app, "a2@example.org")
    assert colleague.get(f"/applications/{shared_id}").status_code == 200
    app.extensions["formflow"].db.dispose()
