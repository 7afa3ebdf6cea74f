"""Sessions end when they should: sign-out and a password change end every session of the
account, and a session unused for too long ends (staff sooner than providers)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.platform.models import LoginAttempt
from tests.conftest import make_test_app
from tests.web.helpers import PASSWORD, make_user, post, sign_in, token

NEW_PASSWORD = "another horse battery staple"


def _signed_in(client: FlaskClient, path: str = "/account") -> bool:
    response = client.get(path)
    return response.status_code == 200


def _copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of this one's session cookie (a stolen cookie)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    return other


def test_a_cookie_copied_before_sign_out_opens_nothing_after(app: Flask) -> None:
    make_user(app, "staff@example.org", "reviewer")
    client = app.test_client()
    sign_in(client, "staff@example.org")
    stolen = _copy_of(app, client)
    assert _signed_in(stolen, "/review")
    post(client, "/auth/logout", {})
    assert not _signed_in(stolen, "/review")
    assert not _signed_in(client, "/review")


def test_signing_out_ends_the_account_s_sessions_on_every_device(app: Flask) -> None:
    make_user(app, "a@example.org")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "a@example.org")
    sign_in(phone, "a@example.org")
    post(laptop, "/auth/logout", {})
    assert not _signed_in(phone)


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app: Flask) -> None:
    make_user(app, "a@example.org")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "a@example.org")
    sign_in(phone, "a@example.org")
    response = post(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _signed_in(laptop)
    assert not _signed_in(phone)


def _idle_for(client: FlaskClient, minutes: int) -> None:
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - minutes * 60


@pytest.mark.parametrize(
    ("roles", "minutes", "still_in"),
    [
        (("reviewer",), 20, True),
        (("reviewer",), 31, False),
        (("admin",), 31, False),
        (("applicant",), 31, True),
        (("applicant",), 110, True),
        (("applicant",), 121, False),
    ],
)
def test_a_session_unused_for_too_long_ends(
    app: Flask, roles: tuple[str, ...], minutes: int, still_in: bool
) -> None:
    make_user(app, "u@example.org", *roles)
    client = app.test_client()
    sign_in(client, "u@example.org")
    _idle_for(client, minutes)
    response = client.get("/account")
    assert (response.status_code == 200) is still_in
    if not still_in:
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "signed out because the service was not used for a while" in page


def test_using_the_service_keeps_the_session_going(app: Flask) -> None:
    make_user(app, "staff@example.org", "reviewer")
    client = app.test_client()
    sign_in(client, "staff@example.org")
    _idle_for(client, 25)
    assert _signed_in(client, "/review")
    # That request counted as use: 25 minutes on, it is 25 minutes since then, not 50.
    with client.session_transaction() as session:
        session["seen"] -= 25 * 60
    assert _signed_in(client, "/review")


def test_the_session_cookie_is_secure_when_the_service_is_served_over_https(
    database_url: str, tmp_path: Path
) -> None:
    app = make_test_app(database_url, tmp_path, BASE_URL="https://renewal.example.gov")
    # The sign-in page puts its CSRF token in the session, so it sets the cookie.
    response = app.test_client().get("/auth/login", base_url="https://renewal.example.gov")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "; Secure" in cookie
    app.extensions["formflow"].db.dispose()


def test_plain_http_keeps_an_ordinary_cookie(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/auth/login")
    assert "; Secure" not in response.headers["Set-Cookie"]


@pytest.mark.parametrize(("proxies", "seen_as"), [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_a_forwarded_address_is_believed_only_from_trusted_proxies(
    database_url: str, tmp_path: Path, proxies: int, seen_as: str
) -> None:
    app = make_test_app(database_url, tmp_path, TRUSTED_PROXIES=proxies)
    client = app.test_client()
    client.post(
        "/auth/login",
        data={"csrf_token": token(client), "email": "nobody@example.org", "password": "x" * 12},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    with app.extensions["formflow"].db.reading() as session:
        assert session.scalars(select(LoginAttempt.ip)).all() == [seen_as]
    app.extensions["formflow"].db.dispose()
