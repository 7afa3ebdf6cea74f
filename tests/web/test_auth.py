"""Signing up, in and out; CSRF, throttling, safe redirects, headers and admin access."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from engine.accounts import users
from engine.platform.models import OutboxMessage, User
from engine.platform.web.security import CSRF_MESSAGE, HEADERS, unguarded_endpoints
from tests.conftest import csrf_token

PASSWORD = "a long enough password"


def add_user(app: Flask, email: str, *roles: str, password: str = PASSWORD) -> None:
    """Create an account directly in the database."""
    with app.extensions["formflow"].db.transaction() as session:
        users.create_user(session, email, password, roles or ("applicant",), name="Test Person")


def login(
    client: FlaskClient, email: str, password: str = PASSWORD, next: str | None = None
) -> TestResponse:
    """Post the sign-in form with a fresh CSRF token."""
    data = {"csrf_token": csrf_token(client), "email": email, "password": password}
    if next is not None:
        data["next"] = next
    return client.post("/auth/login", data=data)


def signup(client: FlaskClient, **fields: str) -> TestResponse:
    """Post the sign-up form with a fresh CSRF token."""
    data = {
        "csrf_token": csrf_token(client, "/auth/signup"),
        "name": "Pat Doe",
        "email": "pat@example.org",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
    }
    data.update(fields)
    return client.post("/auth/signup", data=data)


def signed_in_as(client: FlaskClient) -> str | None:
    """Return the user id in the session cookie, if any."""
    with client.session_transaction() as session:
        return session.get("_user_id")


def stored(app: Flask, email: str) -> User | None:
    """Return the user row for an email address."""
    with app.extensions["formflow"].db.reading() as session:
        return session.scalar(select(User).where(User.email == email))


def error_summary_links(page: str) -> list[str]:
    """Return the input ids the error summary links to."""
    summary = r'<div class="usa-alert usa-alert--error[^"]*" role="alert".*?</div>\s*</div>'
    match = re.search(summary, page, re.S)
    assert match, "no error summary"
    assert "There is a problem" in match.group(0)
    return re.findall(r'href="#([^"]+)"', match.group(0))


# --- signing up -----------------------------------------------------------------------


def test_signup_page_is_accessible_markup(client: FlaskClient) -> None:
    page = client.get("/auth/signup").get_data(as_text=True)
    assert page.count("<h1") == 1
    for input_id, autocomplete in [
        ("name", "name"),
        ("email", "email"),
        ("password", "new-password"),
        ("confirm_password", "new-password"),
    ]:
        assert f'<label class="usa-label" for="{input_id}">' in page
        tag = re.search(rf'<input[^>]*id="{input_id}"[^>]*>', page)
        assert tag and f'autocomplete="{autocomplete}"' in tag.group(0)
    assert 'name="csrf_token"' in page
    assert "style=" not in page and "<script>" not in page


def test_signup_shows_every_problem_at_the_top_and_by_each_field(client: FlaskClient) -> None:
    response = signup(client, name="", email="not-an-email", password="short", confirm_password="x")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_summary_links(page) == ["name", "email", "password", "confirm_password"]
    assert "<title>Error: " in page
    assert 'id="email-error"' in page
    assert re.search(r'<input[^>]*id="email"[^>]*aria-describedby="[^"]*email-error', page)
    assert re.search(r'<input[^>]*id="email"[^>]*aria-invalid="true"', page)
    assert "at least 12 characters" in page
    assert "correct format" in page
    assert 'value="not-an-email"' in page
    assert "short" not in re.findall(r'value="([^"]*)"', page)
    assert signed_in_as(client) is None


def test_signup_with_mismatched_passwords(client: FlaskClient) -> None:
    page = signup(client, confirm_password=PASSWORD + "?").get_data(as_text=True)
    assert error_summary_links(page) == ["confirm_password"]
    assert "do not match" in page


# --- signing in and out ---------------------------------------------------------------


def test_login_page_markup(client: FlaskClient) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    assert page.count("<h1") == 1
    # One field takes an email address or a username, so it is text, not type=email.
    assert '<label class="usa-label" for="email">Email address or username</label>' in page
    assert re.search(r'<input[^>]*id="email"[^>]*type="text"[^>]*autocomplete="username"', page)
    assert re.search(r'<input[^>]*id="password"[^>]*autocomplete="current-password"', page)
    assert 'href="/auth/forgot-password">Forgot your password?</a>' in page


def test_login_and_logout(app: Flask, client: FlaskClient) -> None:
    add_user(app, "pat@example.org")
    response = login(client, "Pat@Example.org")
    assert response.status_code == 302
    assert signed_in_as(client) is not None
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Signed in as pat@example.org" in page
    assert client.get("/auth/logout").status_code == 405
    token = csrf_token(client)
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert signed_in_as(client) is None


def test_wrong_password_shows_the_summary_and_keeps_the_email(
    app: Flask, client: FlaskClient
) -> None:
    add_user(app, "pat@example.org")
    response = login(client, "pat@example.org", "wrong password!!")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_summary_links(page) == ["email"]
    assert "Enter a correct email address or username and password" in page
    assert 'value="pat@example.org"' in page
    assert "wrong password!!" not in page
    assert signed_in_as(client) is None


def test_unknown_email_gets_the_same_message(client: FlaskClient) -> None:
    page = login(client, "nobody@example.org").get_data(as_text=True)
    assert "Enter a correct email address or username and password" in page


def test_empty_login_form_names_both_fields(client: FlaskClient) -> None:
    page = login(client, "", "").get_data(as_text=True)
    assert error_summary_links(page) == ["email", "password"]


def test_throttled_after_too_many_failures(app: Flask, client: FlaskClient) -> None:
    add_user(app, "pat@example.org")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert login(client, "pat@example.org", "wrong password!!").status_code == 200
    # Even the right password is refused now: guesses past the limit learn nothing.
    response = login(client, "pat@example.org")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "too many failed attempts" in page
    assert re.search(r"Wait \d+ minutes", page)
    assert error_summary_links(page) == ["email"]
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/path",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_to_another_site_is_ignored(app: Flask, client: FlaskClient, target: str) -> None:
    add_user(app, "pat@example.org")
    response = login(client, "pat@example.org", next=target)
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]
    assert not response.headers["Location"].startswith("javascript")


def test_next_to_a_local_path_is_followed(app: Flask, client: FlaskClient) -> None:
    add_user(app, "admin@example.org", "admin")
    page = client.get("/auth/login?next=/admin/users").get_data(as_text=True)
    assert 'name="next" value="/admin/users"' in page
    response = login(client, "admin@example.org", next="/admin/users")
    assert response.headers["Location"] == "/admin/users"


@pytest.mark.parametrize("path", ["/auth/login", "/auth/signup", "/auth/logout"])
def test_every_auth_post_needs_a_csrf_token(app: Flask, client: FlaskClient, path: str) -> None:
    add_user(app, "pat@example.org")
    data = {"email": "pat@example.org", "password": PASSWORD, "name": "Pat"}
    response = client.post(path, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert CSRF_MESSAGE in page
    assert page.count("<h1") == 1
    response = client.post(path, data={**data, "csrf_token": "forged"})
    assert response.status_code == 400
    assert signed_in_as(client) is None


# --- headers, pages, access -----------------------------------------------------------


def test_security_headers_on_every_page(app: Flask, client: FlaskClient) -> None:
    response = client.get("/auth/login")
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers.get("Cache-Control") != "no-store"
    add_user(app, "pat@example.org")
    login(client, "pat@example.org")
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"
    assert client.get("/no-such-page").headers["X-Frame-Options"] == "DENY"


def test_not_found_page(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert page.count("<h1") == 1
    assert "Page not found" in page


def test_session_cookie_is_http_only(app: Flask, client: FlaskClient) -> None:
    add_user(app, "pat@example.org")
    response = login(client, "pat@example.org")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


ADMIN_PAGES = ["/admin/outbox", "/admin/users", "/admin/outbox/1"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_send_anonymous_people_to_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_forbidden_to_others(
    app: Flask, client: FlaskClient, path: str, role: str
) -> None:
    add_user(app, "someone@example.org", role)
    login(client, "someone@example.org")
    response = client.get(path)
    assert response.status_code == 403
    assert "You do not have access" in response.get_data(as_text=True)


def test_inactive_users_are_signed_out(app: Flask, client: FlaskClient) -> None:
    add_user(app, "admin@example.org", "admin")
    login(client, "admin@example.org")
    assert client.get("/admin/users").status_code == 200
    with app.extensions["formflow"].db.transaction() as session:
        user = session.scalar(select(User).where(User.email == "admin@example.org"))
        assert user is not None
        user.active = False
    assert client.get("/admin/users").status_code == 302


def test_admin_sees_the_outbox_and_each_message_escaped(app: Flask, client: FlaskClient) -> None:
    add_user(app, "admin@example.org", "admin")
    with app.extensions["formflow"].db.transaction() as session:
        old = OutboxMessage(template="t", to_addr="a@example.org", subject="Older", body="x")
        session.add(old)
        session.flush()
        new = OutboxMessage(
            template="welcome",
            to_addr="b@example.org",
            subject="Newer <b>",
            body="Line one\n<script>alert(1)</script>",
            last_error="ConnectionRefusedError: nope",
        )
        session.add(new)
        session.flush()
        new_id = new.id
    login(client, "admin@example.org")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert page.index("Newer &lt;b&gt;") < page.index("Older")
    assert "ConnectionRefusedError" in page
    assert page.count("<h1") == 1
    detail = client.get(f"/admin/outbox/{new_id}")
    assert detail.status_code == 200
    text = detail.get_data(as_text=True)
    assert "<pre" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)" not in text
    assert client.get("/admin/outbox/999999").status_code == 404


def test_admin_sees_the_accounts(app: Flask, client: FlaskClient) -> None:
    add_user(app, "admin@example.org", "admin", "reviewer")
    add_user(app, "pat@example.org")
    login(client, "admin@example.org")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "pat@example.org" in page
    assert "admin, reviewer" in page


def test_every_endpoint_is_public_or_role_checked(app: Flask) -> None:
    assert unguarded_endpoints(app) == []
