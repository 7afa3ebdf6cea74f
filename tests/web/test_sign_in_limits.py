"""Sign-in throttling per account and per address, and owners never locked out by strangers."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.helpers import PASSWORD, make_user, post, sign_in, token


def _try(client: FlaskClient, email: str, password: str, address: str) -> TestResponse:
    return client.post(
        "/auth/login",
        data={"csrf_token": token(client), "email": email, "password": password},
        environ_overrides={"REMOTE_ADDR": address},
    )


def test_one_address_guessing_at_many_accounts_is_slowed(app: Flask) -> None:
    make_user(app, "target@example.org")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    client = app.test_client()
    for number in range(limit):
        response = _try(client, f"user{number}@example.org", "a wrong guess!", "198.51.100.7")
        assert response.status_code == 200
    # Even the right password for an account never tried is refused from that address ...
    refused = _try(client, "target@example.org", PASSWORD, "198.51.100.7")
    assert refused.status_code == 429
    assert "too many failed attempts" in refused.get_data(as_text=True)
    # ... while another address is not affected.
    assert _try(app.test_client(), "target@example.org", PASSWORD, "192.0.2.1").status_code == 302


def test_strangers_cannot_lock_the_owner_out_of_a_device_they_signed_in_on(app: Flask) -> None:
    make_user(app, "staff@example.org", "reviewer")
    owner = app.test_client()
    sign_in(owner, "staff@example.org")
    post(owner, "/auth/logout", {})
    for number in range(app.config["LOGIN_MAX_FAILURES"]):
        stranger = _try(app.test_client(), "staff@example.org", "guess!", f"203.0.113.{number}")
        assert stranger.status_code == 200
    # A stranger with the right password on a new device waits like everyone else ...
    assert _try(app.test_client(), "staff@example.org", PASSWORD, "203.0.113.99").status_code == 429
    # ... the owner's browser, which signed in before, does not.
    assert _try(owner, "staff@example.org", PASSWORD, "192.0.2.1").status_code == 302


def test_a_forged_device_cookie_earns_nothing(app: Flask) -> None:
    make_user(app, "staff@example.org", "reviewer")
    for number in range(app.config["LOGIN_MAX_FAILURES"]):
        _try(app.test_client(), "staff@example.org", "guess!", f"203.0.113.{number}")
    forger = app.test_client()
    forger.set_cookie("known_device", "1.forged.signature")
    assert _try(forger, "staff@example.org", PASSWORD, "203.0.113.50").status_code == 429
