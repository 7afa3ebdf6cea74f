"""Hostile values in addresses and forms get a 4xx, never a 500, on both databases."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine.platform.web.request_input import MAX_ID, whole_number
from tests.web.helpers import PASSWORD, make_user, sign_in, token


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("0", 0),
        ("²", None),
        ("١٢", None),
        ("", None),
        (None, None),
        ("-1", None),
        (" 1", None),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 5000, None),
    ],
)
def test_whole_number_takes_ascii_digits_within_range(
    raw: str | None, expected: int | None
) -> None:
    assert whole_number(raw) == expected


def test_whole_number_has_its_own_maximum() -> None:
    assert whole_number("51", maximum=50) is None
    assert whole_number("50", maximum=50) == 50


@pytest.mark.parametrize(
    "path",
    [
        "/applications/2147483648",
        "/applications/9223372036854775808",
        "/applications/0",
        "/applications/" + "9" * 5000,
        "/applications/%C2%B2",
    ],
)
def test_an_id_no_row_can_have_is_not_found(app: Flask, path: str) -> None:
    assert app.test_client().get(path).status_code == 404


def test_an_id_in_range_still_reaches_the_view(app: Flask) -> None:
    # Not signed in: the view's sign-in check answers, so the converter let it through.
    response = app.test_client().get("/applications/2147483647")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/auth/login", {"email": "a\x00b@example.org", "password": "x"}),
        ("get", "/verify/AB%00CD", None),
        ("get", "/providers?q=a%00b", None),
        ("post", "/auth/login", {"em\x00ail": "a@example.org"}),
    ],
)
def test_a_nul_byte_anywhere_is_a_bad_request(
    app: Flask, method: str, path: str, data: dict[str, str] | None
) -> None:
    response = getattr(app.test_client(), method)(path, data=data)
    assert response.status_code == 400


def test_text_without_nul_bytes_passes(app: Flask) -> None:
    assert app.test_client().get("/providers?q=Bozeman").status_code == 200


@pytest.mark.parametrize("page", ["%C2%B2", "0", "-3", "9" * 5000, "abc"])
def test_a_page_number_that_is_not_one_shows_the_first_page(app: Flask, page: str) -> None:
    make_user(app, "reviewer@example.org", "reviewer")
    reviewer = app.test_client()
    sign_in(reviewer, "reviewer@example.org")
    for path in ("/review", "/providers", "/events"):
        client = reviewer if path == "/review" else app.test_client()
        response = client.get(f"{path}?page={page}")
        assert response.status_code == 200, path


def _chunked(client: FlaskClient, path: str, body: bytes) -> TestResponse:
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={
            "Transfer-Encoding": "chunked",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        # As a server hands on a chunked body: no length, the stream ends where it ends.
        environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_limit_is_refused_whole(app: Flask) -> None:
    client = app.test_client()
    body = f"csrf_token={token(client)}&email=a%40example.org&password=".encode()
    response = _chunked(client, "/auth/login", body + b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413


def test_a_chunked_body_within_the_limit_is_read_whole(app: Flask) -> None:
    make_user(app, "chunked@example.org")
    client = app.test_client()
    body = urlencode(
        {"csrf_token": token(client), "email": "chunked@example.org", "password": PASSWORD}
    )
    response = _chunked(client, "/auth/login", body.encode())
    # Signed in: every field arrived, the token and the password included.
    assert response.status_code == 302
    assert "/auth/login" not in response.headers["Location"]
