"""Passwords: an invitation's link, forgot password, changing it; signing in by username."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from engine.accounts.mail import queue_invitation
from engine.accounts.tokens import INVITE_MAX_AGE, RESET_MAX_AGE, make_password_token
from engine.accounts.users import verify_password
from engine.organizations import memberships as orgs
from engine.platform.mail import mail_settings
from engine.platform.models import LoginAttempt, OutboxMessage, User
from engine.platform.web.outbox_hook import deliver_after_commit
from tests.smtp_server import SmtpServer
from tests.web.helpers import PASSWORD, make_user, post, sign_in, token

NEW_PASSWORD = "a brand new pass phrase"
LINK = re.compile(r"http://localhost(/auth/set-password/\S+)")


def invite(app: Flask, name: str, email: str) -> None:
    """Invite a new person to a new organization and send the email (as the lead's actions do)."""
    with app.test_request_context(), app.extensions["formflow"].db.transaction() as session:
        organization = orgs.create_organization(session, name="Big Sky Academy")
        user, new_account = orgs.invite(session, organization, name=name, email=email)
        queue_invitation(session, mail_settings(), user, organization, new_account)
    with app.test_request_context():
        deliver_after_commit()


def link_in(body: str) -> str:
    """Return the local path of the set-password link in an email."""
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def user_row(app: Flask, email: str) -> User:
    with app.extensions["formflow"].db.reading() as session:
        found = session.scalar(select(User).where(User.email == email))
        assert found is not None
        return found


def set_password(client: FlaskClient, path: str, password: str = NEW_PASSWORD) -> TestResponse:
    return client.post(
        path,
        data={
            "csrf_token": token(client, "/auth/login"),
            "password": password,
            "confirm_password": password,
        },
    )


def signed_in_id(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def login(client: FlaskClient, name: str, password: str) -> int:
    response = client.post(
        "/auth/login",
        data={"csrf_token": token(client), "email": name, "password": password},
    )
    return response.status_code


# --- the set-password link -------------------------------------------------------------


def test_an_invitation_link_sets_the_password_and_signs_in(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    invite(mail_app, "Jane Doe", "jane@bigsky.example.org")
    (message,) = smtp_server.wait_for(1)
    assert message.recipients == ("jane@bigsky.example.org",)
    assert "Your username: JDoe" in message.body
    path = link_in(message.body)
    client = mail_app.test_client()
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "JDoe" in text and "Choose your password" in text
    assert '<label class="usa-label" for="password">New password</label>' in text
    response = set_password(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/applications"
    user = user_row(mail_app, "jane@bigsky.example.org")
    assert signed_in_id(client) == str(user.id)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    # The link worked once: now it is refused, whether opened or posted.
    again = client.get(path)
    assert again.status_code == 400
    assert "used already" in again.get_data(as_text=True)
    assert 'href="/auth/forgot-password"' in again.get_data(as_text=True)
    assert set_password(mail_app.test_client(), path, "another long password").status_code == 400
    assert verify_password(
        user_row(mail_app, "jane@bigsky.example.org").password_hash, NEW_PASSWORD
    )
    # And she signs in with her username, in any case.
    assert login(mail_app.test_client(), "jdoe", NEW_PASSWORD) == 302


def test_a_new_password_follows_the_sign_up_rules(app: Flask) -> None:
    make_user(app, "pat@example.org")
    user = user_row(app, "pat@example.org")
    path = "/auth/set-password/" + make_password_token("test-secret", user)
    client = app.test_client()
    response = client.post(
        path,
        data={"csrf_token": token(client), "password": "short", "confirm_password": "other"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "at least 12 characters" in page
    assert 'id="password-error"' in page
    assert signed_in_id(client) is None
    assert verify_password(user_row(app, "pat@example.org").password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("has_password", "age", "usable"),
    [
        # An invitation (no password yet) lasts a week; a reset link a day.
        (False, RESET_MAX_AGE + 3600, True),
        (False, INVITE_MAX_AGE + 60, False),
        (True, RESET_MAX_AGE - 600, True),
        (True, RESET_MAX_AGE + 60, False),
    ],
)
def test_old_links_expire(app: Flask, has_password: bool, age: int, usable: bool) -> None:
    make_user(app, "pat@example.org")
    with app.extensions["formflow"].db.transaction() as session:
        user = session.scalar(select(User).where(User.email == "pat@example.org"))
        assert user is not None
        if not has_password:
            user.password_hash = orgs.unusable_password()
        session.flush()
        old = make_password_token("test-secret", user, signed_at=int(time.time()) - age)
    response = app.test_client().get("/auth/set-password/" + old)
    assert response.status_code == (200 if usable else 400)
    if not usable:
        assert "This link has expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("bad", ["nonsense", "eyJhIjoxfQ.forged.sig"])
def test_a_forged_link_is_refused(app: Flask, bad: str) -> None:
    make_user(app, "pat@example.org")
    response = app.test_client().get("/auth/set-password/" + bad)
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)


def test_a_link_signed_with_another_key_is_refused(app: Flask) -> None:
    make_user(app, "pat@example.org")
    forged = make_password_token("not-our-secret", user_row(app, "pat@example.org"))
    assert app.test_client().get("/auth/set-password/" + forged).status_code == 400


# --- forgot password -------------------------------------------------------------------


def forgot(client: FlaskClient, login: str) -> str:
    """Ask for a reset link; return the page the redirect leads to."""
    response = client.post(
        "/auth/forgot-password",
        data={"csrf_token": token(client, "/auth/forgot-password"), "login": login},
    )
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_sign_in_page_links_to_forgot_password(client: FlaskClient) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Forgot your password?" in page
    form = client.get("/auth/forgot-password").get_data(as_text=True)
    assert '<label class="usa-label" for="login">Email address or username</label>' in form


@pytest.mark.parametrize("login_with", ["email", "username"])
def test_forgot_password_sends_a_link_that_works(
    mail_app: Flask, smtp_server: SmtpServer, login_with: str
) -> None:
    make_user(mail_app, "jane@bigsky.example.org")
    with mail_app.extensions["formflow"].db.transaction() as session:
        user = session.scalar(select(User).where(User.email == "jane@bigsky.example.org"))
        assert user is not None
        user.username = "JDoe"
    client = mail_app.test_client()
    page = forgot(client, "JANE@bigsky.example.org " if login_with == "email" else "jdoe")
    assert "If an account exists" in page
    (message,) = smtp_server.wait_for(1)
    assert message.recipients == ("jane@bigsky.example.org",)
    assert "Choose a new password" in message.subject
    path = link_in(message.body)
    assert set_password(client, path).status_code == 302
    assert verify_password(
        user_row(mail_app, "jane@bigsky.example.org").password_hash, NEW_PASSWORD
    )
    # The old password no longer works.
    assert login(mail_app.test_client(), "jane@bigsky.example.org", PASSWORD) == 200


def test_an_invited_person_whose_link_expired_can_ask_again(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    invite(mail_app, "Jane Doe", "jane@bigsky.example.org")
    smtp_server.wait_for(1)
    client = mail_app.test_client()
    forgot(client, "JDoe")
    reset = smtp_server.wait_for(2)[1]
    assert reset.recipients == ("jane@bigsky.example.org",)
    assert "username JDoe" in reset.body
    assert set_password(client, link_in(reset.body)).status_code == 302
    assert login(mail_app.test_client(), "JDoe", NEW_PASSWORD) == 302


def test_an_unknown_address_gets_the_same_reply_and_no_mail(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    make_user(mail_app, "jane@bigsky.example.org")
    client = mail_app.test_client()
    unknown = forgot(client, "nobody@example.org")
    known = forgot(client, "jane@bigsky.example.org")
    smtp_server.wait_for(1)

    def reply(page: str) -> str:
        match = re.search(r'<p class="usa-alert__text">([^<]*)</p>', page)
        assert match
        return match.group(1)

    assert reply(unknown) == reply(known)
    assert "If an account exists" in reply(unknown)
    assert reply(forgot(client, "NoSuchUser")) == reply(known)
    time.sleep(0.3)  # give a wrongly sent message time to arrive
    assert [m.recipients for m in smtp_server.messages] == [("jane@bigsky.example.org",)]


def test_forgot_password_needs_an_answer(client: FlaskClient) -> None:
    response = client.post(
        "/auth/forgot-password",
        data={"csrf_token": token(client, "/auth/forgot-password"), "login": "  "},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="#login"' in page
    assert "Enter your email address or username." in page


def test_reset_emails_are_limited_per_hour(app: Flask) -> None:
    make_user(app, "jane@bigsky.example.org")
    limit = app.config["PASSWORD_RESET_MAX_PER_HOUR"]
    client = app.test_client()
    replies = {forgot(client, "jane@bigsky.example.org").count("If an account exists")}
    for _ in range(limit + 2):
        replies.add(forgot(client, "jane@bigsky.example.org").count("If an account exists"))
    assert replies == {1}
    with app.extensions["formflow"].db.reading() as session:
        queued = session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.template == "password_reset")
        )
    assert queued == limit


# --- changing the password --------------------------------------------------------------


def change(client: FlaskClient, current: str, new: str, confirm: str | None = None) -> TestResponse:
    return post(
        client,
        "/account/password",
        {"current_password": current, "password": new, "confirm_password": confirm or new},
    )


def test_change_password(app: Flask) -> None:
    make_user(app, "pat@example.org")
    client = app.test_client()
    sign_in(client, "pat@example.org")
    form = client.get("/account/password").get_data(as_text=True)
    for input_id in ("current_password", "password", "confirm_password"):
        assert f'<label class="usa-label" for="{input_id}">' in form
    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert "Your password has been changed" in client.get("/account").get_data(as_text=True)
    assert verify_password(user_row(app, "pat@example.org").password_hash, NEW_PASSWORD)
    assert login(app.test_client(), "pat@example.org", NEW_PASSWORD) == 302
    assert login(app.test_client(), "pat@example.org", PASSWORD) == 200


def test_a_wrong_current_password_is_an_error_by_that_field(app: Flask) -> None:
    make_user(app, "pat@example.org")
    client = app.test_client()
    sign_in(client, "pat@example.org")
    response = change(client, "not my password", NEW_PASSWORD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r'href="#([^"]+)"', page.split("There is a problem")[1])[0] == (
        "current_password"
    )
    assert 'id="current_password-error"' in page
    assert "Your current password is not correct." in page
    assert verify_password(user_row(app, "pat@example.org").password_hash, PASSWORD)
    mismatch = change(client, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert "do not match" in mismatch.get_data(as_text=True)


def test_guessing_the_current_password_is_throttled_like_sign_in(app: Flask) -> None:
    make_user(app, "pat@example.org")
    client = app.test_client()
    sign_in(client, "pat@example.org")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert "is not correct" in change(client, "a wrong guess!", NEW_PASSWORD).get_data(
            as_text=True
        )
    page = change(client, PASSWORD, NEW_PASSWORD).get_data(as_text=True)
    assert "too many failed attempts" in page
    assert verify_password(user_row(app, "pat@example.org").password_hash, PASSWORD)


def test_changing_the_password_needs_sign_in(client: FlaskClient) -> None:
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


# --- signing in by username --------------------------------------------------------------


def with_username(app: Flask, email: str, username: str) -> None:
    with app.extensions["formflow"].db.transaction() as session:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        user.username = username


def test_sign_in_with_a_username(app: Flask) -> None:
    make_user(app, "jane@bigsky.example.org")
    with_username(app, "jane@bigsky.example.org", "JDoe")
    client = app.test_client()
    assert login(client, " jdoe ", PASSWORD) == 302
    assert signed_in_id(client) == str(user_row(app, "jane@bigsky.example.org").id)
    assert login(app.test_client(), "JDoe", "wrong password!!") == 200
    assert login(app.test_client(), "NoSuchUser", PASSWORD) == 200


def test_throttling_counts_per_account_by_username_or_email(app: Flask) -> None:
    make_user(app, "jane@bigsky.example.org")
    with_username(app, "jane@bigsky.example.org", "JDoe")
    limit = app.config["LOGIN_MAX_FAILURES"]
    client = app.test_client()
    for attempt in range(limit):
        name = "JDoe" if attempt % 2 else "jane@bigsky.example.org"
        assert login(client, name, "wrong password!!") == 200
    # Both names are locked: they are the same account.
    assert login(client, "jdoe", PASSWORD) == 429
    assert login(client, "jane@bigsky.example.org", PASSWORD) == 429
    with app.extensions["formflow"].db.reading() as session:
        keys = set(session.scalars(select(LoginAttempt.email)))
    assert keys == {"jane@bigsky.example.org"}


def test_the_reset_reply_goes_out_before_its_mail(mail_app: Flask, smtp_server: SmtpServer) -> None:
    # The mail goes once the reply is out, so a known address is answered as fast as an
    # unknown one. A plain client does not close the response: nothing is sent until then.
    make_user(mail_app, "jane@bigsky.example.org")
    client = FlaskClient(mail_app, mail_app.response_class, use_cookies=True)
    response = client.post(
        "/auth/forgot-password",
        data={"csrf_token": token(client), "login": "jane@bigsky.example.org"},
    )
    assert response.status_code == 302
    time.sleep(0.2)
    assert smtp_server.messages == []
    response.close()
    (message,) = smtp_server.wait_for(1)
    assert message.recipients == ("jane@bigsky.example.org",)
