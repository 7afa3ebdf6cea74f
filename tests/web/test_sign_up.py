"""Signing up by email: the same reply for every address; the account exists once confirmed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.accounts import sign_ups
from engine.platform.models import OutboxMessage, SignUp, User
from tests.smtp_server import SmtpServer
from tests.web.test_auth import add_user, signed_in_as, signup, stored

_LINK = re.compile(r"http://localhost(/auth/signup/confirm/\S+)")


def _link(body: str) -> str:
    found = _LINK.search(body)
    assert found, body
    return found.group(1)


def _reply(response: Any) -> str:
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Check your email</h1>" in page
    # The reply names the address and nothing else about it.
    return re.sub(r"\s+", " ", page.split("<h1>", 1)[1].split("</main>", 1)[0])


def test_the_account_is_created_by_the_emailed_link_and_signs_in(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    client = mail_app.test_client()
    _reply(signup(client, email=" Pat@Example.org "))
    assert stored(mail_app, "pat@example.org") is None
    assert signed_in_as(client) is None
    (message,) = smtp_server.wait_for(1)
    assert message.recipients == ("pat@example.org",)
    assert "Confirm your email address" in message.subject
    link = _link(message.body)
    # Opening the link (a mail scanner does) changes nothing; the button creates the account.
    page = client.get(link)
    assert page.status_code == 200 and "Create my account" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert stored(mail_app, "pat@example.org") is None
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert token
    created = client.post(link, data={"csrf_token": token.group(1)})
    assert created.status_code == 302 and created.headers["Location"] == "/applications"
    user = stored(mail_app, "pat@example.org")
    assert user is not None and user.name == "Pat Doe" and user.role_set() == {"applicant"}
    assert user.password_hash.startswith("$argon2id$")
    assert signed_in_as(client) == str(user.id)
    # The link is spent.
    assert mail_app.test_client().get(link).status_code == 400


def test_an_address_with_an_account_gets_the_same_reply_and_an_email_saying_so(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    new = _reply(signup(mail_app.test_client(), email="new@example.org"))
    smtp_server.wait_for(1)
    add_user(mail_app, "pat@example.org")
    before = stored(mail_app, "pat@example.org")
    taken = _reply(signup(mail_app.test_client(), email="PAT@example.org", name="Someone Else"))
    assert taken == new.replace("new@example.org", "pat@example.org")
    message = smtp_server.wait_for(2)[1]
    assert message.recipients == ("pat@example.org",)
    assert "You already have an account" in message.subject
    assert "http://localhost/auth/forgot-password" in message.body
    assert "/auth/signup/confirm/" not in message.body
    after = stored(mail_app, "pat@example.org")
    assert after is not None and before is not None
    assert (after.name, after.password_hash) == (before.name, before.password_hash)
    with mail_app.extensions["formflow"].db.reading() as session:
        assert session.scalar(select(SignUp).where(SignUp.email == "pat@example.org")) is None


def test_both_replies_hash_the_password_and_send_after_the_reply(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same work whether or not the address has an account: the same time taken."""
    hashed: list[str] = []
    real = sign_ups.hash_password
    monkeypatch.setattr(sign_ups, "hash_password", lambda p: hashed.append(p) or real(p))
    add_user(app, "pat@example.org")
    for email in ("pat@example.org", "new@example.org"):
        _reply(signup(app.test_client(), email=email))
    assert len(hashed) == 2
    with app.extensions["formflow"].db.reading() as session:
        templates = session.scalars(select(OutboxMessage.template).order_by(OutboxMessage.id))
        assert list(templates) == [sign_ups.EXISTS, sign_ups.CONFIRM]


def test_a_flood_of_sign_ups_for_one_address_sends_three_emails_an_hour(app: Flask) -> None:
    for _ in range(5):
        _reply(signup(app.test_client(), email="pat@example.org"))
    with app.extensions["formflow"].db.reading() as session:
        sent = session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.to_addr == "pat@example.org")
        )
    assert sent == 3


def test_confirming_after_the_address_got_an_account_signs_nobody_in(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    client: FlaskClient = mail_app.test_client()
    _reply(signup(client, email="pat@example.org"))
    link = _link(smtp_server.wait_for(1)[0].body)
    add_user(mail_app, "pat@example.org")
    page = client.get(link).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post(link, data={"csrf_token": token.group(1)})
    assert response.headers["Location"] == "/auth/login"
    assert signed_in_as(client) is None
    with mail_app.extensions["formflow"].db.reading() as session:
        assert session.scalar(select(func.count(User.id))) == 1


@pytest.mark.parametrize("token", ["nonsense", "a" * 43, "é" * 500])
def test_a_wrong_link_is_refused_clearly(client: FlaskClient, token: str) -> None:
    response = client.get(f"/auth/signup/confirm/{token}")
    assert response.status_code == 400
    assert "This link cannot be used" in response.get_data(as_text=True)
