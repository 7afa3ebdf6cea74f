"""The people of a provider: the switcher, the account manager's page, staff's pages."""

from __future__ import annotations

import re
import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.organizations import memberships as orgs
from engine.platform.models import Organization, User
from tests.smtp_server import SmtpServer
from tests.web.helpers import make_provider, make_user, post, sign_in, token

MANAGER_A, USER_A, USER_B = "manager@a.example.org", "user@a.example.org", "user@b.example.org"
BOTH = "both@example.org"


def providers(app: Flask) -> tuple[int, int]:
    """Provider A (a manager, a user, and BOTH) and provider B (BOTH manages, one user)."""
    for email in (MANAGER_A, USER_A, USER_B, BOTH):
        make_user(app, email)
    a = make_provider(app, "Alpha Academy", MANAGER_A, USER_A, BOTH)
    b = make_provider(app, "Beta Schools", BOTH, USER_B)
    return a, b


def client_of(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, email)
    return client


def role(app: Flask, organization_id: int, email: str) -> str | None:
    with app.extensions["formflow"].db.reading() as session:
        user = session.scalar(select(User).where(User.email == email))
        return orgs.role_in(session, user.id if user else None, organization_id)


def user_id(app: Flask, email: str) -> int:
    with app.extensions["formflow"].db.reading() as session:
        found = session.scalar(select(User.id).where(User.email == email))
        assert found is not None
        return found


# --- the switcher ------------------------------------------------------------------------


def test_one_provider_is_shown_without_a_switcher(app: Flask) -> None:
    providers(app)
    page = client_of(app, USER_A).get("/applications").get_data(as_text=True)
    assert "Working for: <strong>Alpha Academy (RUP-0001)</strong>" in page
    assert 'name="organization_id"' not in page


def test_the_switcher_persists_across_requests(app: Flask) -> None:
    a, b = providers(app)
    client = client_of(app, BOTH)
    page = client.get("/account").get_data(as_text=True)
    assert "Working for: <strong>Alpha Academy (RUP-0001)</strong>" in page
    assert '<label class="usa-label" for="switch-organization">' in page
    assert re.search(r'<select class="usa-select" id="switch-organization"', page)
    assert '<button type="submit" class="usa-button usa-button--outline">Switch</button>' in page
    assert 'name="next" value="/account"' in page
    response = post(client, "/organization/switch", {"organization_id": b, "next": "/account"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    for path in ("/account", "/applications", "/organization/people", "/account"):
        page = client.get(path).get_data(as_text=True)
        assert "Working for: <strong>Beta Schools (RUP-0002)</strong>" in page, path
    assert "People of Beta Schools" in client.get("/organization/people").get_data(as_text=True)


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example", ""])
def test_the_switcher_only_goes_back_to_local_pages(app: Flask, next_url: str) -> None:
    _, b = providers(app)
    client = client_of(app, BOTH)
    response = post(client, "/organization/switch", {"organization_id": b, "next": next_url})
    assert response.headers["Location"] == "/applications"


@pytest.mark.parametrize("forged", ["b", "999999", "nonsense"])
def test_the_switcher_refuses_an_organization_one_does_not_work_for(
    app: Flask, forged: str
) -> None:
    a, b = providers(app)
    client = client_of(app, USER_A)
    value = {"b": str(b), "999999": "999999", "nonsense": "x"}[forged]
    response = post(client, "/organization/switch", {"organization_id": value, "next": "/"})
    assert response.status_code == 400
    assert "You do not work for that provider" in response.get_data(as_text=True)
    page = client.get("/organization/people").get_data(as_text=True)
    assert "People of Alpha Academy" in page
    assert "Beta" not in page and USER_B not in page


def test_the_switch_needs_a_csrf_token(app: Flask) -> None:
    _, b = providers(app)
    client = client_of(app, BOTH)
    assert client.post("/organization/switch", data={"organization_id": b}).status_code == 400
    assert "People of Alpha Academy" in client.get("/organization/people").get_data(as_text=True)


# --- the account manager's page ------------------------------------------------------------


def test_the_people_page_lists_name_username_email_and_role(app: Flask) -> None:
    a, _ = providers(app)
    page = client_of(app, MANAGER_A).get("/organization/people").get_data(as_text=True)
    for email in (MANAGER_A, USER_A, BOTH):
        assert email in page
    assert USER_B not in page
    assert "Account manager" in page
    assert '<label class="usa-label" for="name">Full name</label>' in page
    assert '<label class="usa-label" for="email">Email address</label>' in page
    assert f'href="/organization/people/{user_id(app, USER_A)}/remove"' in page
    assert f"/organization/people/{user_id(app, MANAGER_A)}/remove" not in page


def test_the_manager_adds_a_new_person_who_gets_an_invitation(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    a, _ = providers(mail_app)
    client = client_of(mail_app, MANAGER_A)
    response = post(
        client, "/organization/people", {"name": "Sam Lee", "email": "Sam@A.example.org"}
    )
    assert response.status_code == 302
    page = client.get("/organization/people").get_data(as_text=True)
    assert "Sam Lee (username SLee) can now work for Alpha Academy" in page
    assert "sam@a.example.org" in page
    assert role(mail_app, a, "sam@a.example.org") == orgs.MEMBER
    (message,) = smtp_server.wait_for(1)
    assert message.recipients == ("sam@a.example.org",)
    assert "Your username: SLee" in message.body
    path = re.search(r"http://localhost(/auth/set-password/\S+)", message.body)
    assert path
    assert mail_app.test_client().get(path.group(1)).status_code == 200


def test_adding_someone_with_an_account_tells_them_to_sign_in(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    a, _ = providers(mail_app)
    client = client_of(mail_app, MANAGER_A)
    assert post(client, "/organization/people", {"name": "U B", "email": USER_B}).status_code == 302
    (message,) = smtp_server.wait_for(1)
    assert message.recipients == (USER_B,)
    assert "Sign in as usual" in message.body
    assert "set-password" not in message.body
    assert role(mail_app, a, USER_B) == orgs.MEMBER


def test_a_double_click_on_add_adds_the_person_once_and_gives_no_error(app: Flask) -> None:
    a, _ = providers(app)
    clients = [client_of(app, MANAGER_A), client_of(app, MANAGER_A)]
    tokens = [token(client) for client in clients]
    for round_ in range(5):
        email = f"new{round_}@a.example.org"
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def add(index: int, email: str, barrier: threading.Barrier, got: list[int]) -> None:
            data = {"csrf_token": tokens[index], "name": "New Person", "email": email}
            barrier.wait()
            got.append(clients[index].post("/organization/people", data=data).status_code)

        threads = [
            threading.Thread(target=add, args=(i, email, barrier, statuses)) for i in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        # One adds; the other adds too or is told the person already works there.
        assert sorted(statuses) in ([302, 302], [200, 302]), (round_, statuses)
        assert role(app, a, email) == orgs.MEMBER
        with app.extensions["formflow"].db.reading() as session:
            assert len(session.scalars(select(User).where(User.email == email)).all()) == 1


def test_adding_shows_errors_by_the_fields_and_keeps_what_was_typed(app: Flask) -> None:
    providers(app)
    client = client_of(app, MANAGER_A)
    response = post(client, "/organization/people", {"name": "", "email": "not <b>an</b> email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'id="name-error"' in page and 'id="email-error"' in page
    assert 'value="not &lt;b&gt;an&lt;/b&gt; email"' in page
    again = post(client, "/organization/people", {"name": "User A", "email": USER_A})
    text = again.get_data(as_text=True)
    assert 'id="email-error"' in text
    assert "already works for Alpha Academy" in text
    assert f'value="{USER_A}"' in text and 'value="User A"' in text


def test_the_manager_removes_a_user_after_confirming(app: Flask) -> None:
    a, _ = providers(app)
    client = client_of(app, MANAGER_A)
    target = user_id(app, USER_A)
    confirm = client.get(f"/organization/people/{target}/remove")
    assert confirm.status_code == 200
    assert "Yes, remove them" in confirm.get_data(as_text=True)
    assert role(app, a, USER_A) == orgs.MEMBER  # a GET changes nothing
    response = post(client, f"/organization/people/{target}/remove", {})
    assert response.status_code == 302
    assert role(app, a, USER_A) is None
    assert "no longer works for Alpha Academy" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    # The removed person no longer works for anyone, so the page is gone for them.
    assert client_of(app, USER_A).get("/organization/people").status_code == 404


def test_the_manager_cannot_remove_themself(app: Flask) -> None:
    a, _ = providers(app)
    client = client_of(app, MANAGER_A)
    response = post(client, f"/organization/people/{user_id(app, MANAGER_A)}/remove", {})
    assert response.status_code == 400
    assert "cannot be removed" in response.get_data(as_text=True)
    assert role(app, a, MANAGER_A) == orgs.MANAGER


def test_the_manager_hands_over_and_loses_the_controls(app: Flask) -> None:
    a, _ = providers(app)
    client = client_of(app, MANAGER_A)
    target = user_id(app, USER_A)
    assert client.get(f"/organization/people/{target}/hand-over").status_code == 200
    response = post(client, f"/organization/people/{target}/hand-over", {})
    assert response.status_code == 302
    assert role(app, a, USER_A) == orgs.MANAGER
    assert role(app, a, MANAGER_A) == orgs.MEMBER
    # The old manager is a plain user now: the list is read-only, every change is 403.
    page = client.get("/organization/people").get_data(as_text=True)
    assert "Add a person" not in page and "/remove" not in page
    assert (
        post(client, "/organization/people", {"name": "X Y", "email": "x@example.org"}).status_code
        == 403
    )
    assert client.get(f"/organization/people/{target}/remove").status_code == 403
    assert post(client, f"/organization/people/{target}/hand-over", {}).status_code == 403
    # The new one has them.
    assert "Add a person" in client_of(app, USER_A).get("/organization/people").get_data(
        as_text=True
    )


def test_a_plain_user_sees_the_list_read_only_and_cannot_change_it(app: Flask) -> None:
    a, _ = providers(app)
    client = client_of(app, USER_A)
    page = client.get("/organization/people")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert MANAGER_A in text and "Add a person" not in text and 'name="name"' not in text
    manager = user_id(app, MANAGER_A)
    assert (
        post(client, "/organization/people", {"name": "X Y", "email": "x@example.org"}).status_code
        == 403
    )
    assert client.get(f"/organization/people/{manager}/hand-over").status_code == 403
    assert post(client, f"/organization/people/{manager}/hand-over", {}).status_code == 403
    assert post(client, f"/organization/people/{user_id(app, BOTH)}/remove", {}).status_code == 403
    assert role(app, a, MANAGER_A) == orgs.MANAGER and role(app, a, BOTH) == orgs.MEMBER


def test_nobody_reaches_another_providers_people(app: Flask) -> None:
    a, b = providers(app)
    # The manager of A, working for A, names a user of B: not found, nothing changes.
    client = client_of(app, MANAGER_A)
    other = user_id(app, USER_B)
    assert client.get(f"/organization/people/{other}/remove").status_code == 404
    assert post(client, f"/organization/people/{other}/remove", {}).status_code == 404
    assert post(client, f"/organization/people/{other}/hand-over", {}).status_code == 404
    assert role(app, b, USER_B) == orgs.MEMBER
    # A user of B sees only B.
    page = client_of(app, USER_B).get("/organization/people").get_data(as_text=True)
    assert "Beta Schools" in page and MANAGER_A not in page and USER_A not in page


def test_someone_who_works_for_no_provider_has_no_people_page(app: Flask) -> None:
    make_user(app, "loner@example.org")
    client = client_of(app, "loner@example.org")
    assert client.get("/organization/people").status_code == 404
    page = client.get("/account").get_data(as_text=True)
    assert "Working for:" not in page
    assert "You do not work for any provider organization yet" in page


def test_the_account_page_lists_organizations_and_roles(app: Flask) -> None:
    providers(app)
    with app.extensions["formflow"].db.transaction() as session:
        user = session.scalar(select(User).where(User.email == BOTH))
        assert user is not None
        user.username = "BBoth"
    page = client_of(app, BOTH).get("/account").get_data(as_text=True)
    assert BOTH in page and "BBoth" in page
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>', page)
    assert rows == [
        ("Alpha Academy", "RUP-0001", "User"),
        ("Beta Schools", "RUP-0002", "Account manager"),
    ]


# --- staff -----------------------------------------------------------------------------------


def staff(app: Flask, kind: str = "reviewer") -> FlaskClient:
    make_user(app, f"{kind}@opi.example.gov", kind)
    return client_of(app, f"{kind}@opi.example.gov")


def test_staff_list_and_search_providers(app: Flask) -> None:
    providers(app)
    client = staff(app)
    page = client.get("/admin/providers").get_data(as_text=True)
    assert page.index("Alpha Academy") < page.index("Beta Schools")
    assert f"({MANAGER_A})" in page and f"({BOTH})" in page
    rows = re.findall(r"<tr>\s*<td>(RUP-\d+)</td>.*?<td>(\d+)</td>\s*</tr>", page, re.S)
    assert rows == [("RUP-0001", "3"), ("RUP-0002", "2")]
    by_name = client.get("/admin/providers?q=beta").get_data(as_text=True)
    assert "Beta Schools" in by_name and "Alpha Academy" not in by_name
    by_number = client.get("/admin/providers?q=rup-0001").get_data(as_text=True)
    assert "Alpha Academy" in by_number and "Beta Schools" not in by_number
    # Wildcards are typed text, not patterns.
    assert "No providers match" in client.get("/admin/providers?q=%25").get_data(as_text=True)
    assert '<label class="usa-label" for="q">' in page


@pytest.mark.parametrize("kind", ["reviewer", "admin"])
def test_staff_manage_a_providers_people(app: Flask, kind: str) -> None:
    a, _ = providers(app)
    client = staff(app, kind)
    page = client.get(f"/admin/providers/{a}").get_data(as_text=True)
    assert "Alpha Academy" in page and "RUP-0001" in page and USER_A in page
    response = post(
        client, f"/admin/providers/{a}", {"name": "Kim Park", "email": "kim@a.example.org"}
    )
    assert response.status_code == 302
    assert role(app, a, "kim@a.example.org") == orgs.MEMBER
    kim = user_id(app, "kim@a.example.org")
    assert client.get(f"/admin/providers/{a}/people/{kim}/hand-over").status_code == 200
    assert post(client, f"/admin/providers/{a}/people/{kim}/hand-over", {}).status_code == 302
    assert role(app, a, "kim@a.example.org") == orgs.MANAGER
    assert role(app, a, MANAGER_A) == orgs.MEMBER
    assert (
        post(
            client, f"/admin/providers/{a}/people/{user_id(app, MANAGER_A)}/remove", {}
        ).status_code
        == 302
    )
    assert role(app, a, MANAGER_A) is None
    refused = post(client, f"/admin/providers/{a}/people/{kim}/remove", {})
    assert refused.status_code == 400
    assert "cannot be removed" in refused.get_data(as_text=True)
    # A person of another organization is not found under this one.
    assert (
        client.get(f"/admin/providers/{a}/people/{user_id(app, USER_B)}/remove").status_code == 404
    )
    assert client.get("/admin/providers/999999").status_code == 404


def test_staff_errors_stay_by_the_fields(app: Flask) -> None:
    a, _ = providers(app)
    client = staff(app)
    response = post(client, f"/admin/providers/{a}", {"name": "Kim Park", "email": "kim@"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="email-error"' in page and 'value="Kim Park"' in page and 'value="kim@"' in page


def test_staff_set_a_provider_inactive_and_active(app: Flask) -> None:
    a, _ = providers(app)
    client = staff(app)

    def status() -> str:
        with app.extensions["formflow"].db.reading() as session:
            found = session.get(Organization, a)
            assert found is not None
            return found.status

    assert post(client, f"/admin/providers/{a}/status", {"status": "inactive"}).status_code == 302
    assert status() == "inactive"
    assert "Inactive" in client.get(f"/admin/providers/{a}").get_data(as_text=True)
    assert post(client, f"/admin/providers/{a}/status", {"status": "gone"}).status_code == 400
    assert post(client, f"/admin/providers/{a}/status", {"status": "active"}).status_code == 302
    assert status() == "active"


def test_provider_users_cannot_use_the_staff_pages(app: Flask) -> None:
    a, _ = providers(app)
    client = client_of(app, MANAGER_A)
    assert client.get("/admin/providers").status_code == 403
    assert client.get(f"/admin/providers/{a}").status_code == 403
    csrf = token(client)
    response = client.post(
        f"/admin/providers/{a}", data={"csrf_token": csrf, "name": "X Y", "email": "x@example.org"}
    )
    assert response.status_code == 403
    assert role(app, a, "x@example.org") is None


def test_the_header_links_the_new_pages(app: Flask) -> None:
    providers(app)
    manager = client_of(app, MANAGER_A).get("/account").get_data(as_text=True)
    assert 'href="/organization/people">People</a>' in manager
    assert 'href="/account">Your account</a>' in manager
    assert "/admin/providers" not in manager
    reviewer = staff(app).get("/admin/providers").get_data(as_text=True)
    assert 'href="/admin/providers">Providers</a>' in reviewer
    assert "/admin/outbox" not in reviewer  # the admin nav shows reviewers only their page
