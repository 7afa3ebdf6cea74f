"""`flask users create`: passwords from standard input or generated, and clear refusals."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from engine.accounts import users
from engine.cli import users as cli_users
from engine.platform.models import User

PASSWORD = "piped in password"


def stored(app: Flask, email: str) -> User | None:
    """Return the user row for an email address."""
    with app.extensions["formflow"].db.reading() as session:
        return session.scalar(select(User).where(User.email == email))


def test_create_with_password_on_stdin(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "Rev@Example.org",
            "--role",
            "reviewer",
            "--role",
            "admin",
            "--name",
            "Robin Reviewer",
        ],
        input=PASSWORD + "\nignored second line\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created account" in result.output
    assert "rev@example.org" in result.output
    assert PASSWORD not in result.output
    user = stored(app, "rev@example.org")
    assert user is not None
    assert user.role_set() == {"reviewer", "admin"}
    assert user.name == "Robin Reviewer"
    assert user.password_hash.startswith("$argon2id$")
    assert users.verify_password(user.password_hash, PASSWORD)


def test_role_defaults_to_applicant(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "pat@example.org"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    user = stored(app, "pat@example.org")
    assert user is not None and user.role_set() == {"applicant"}


def test_generated_password_at_a_terminal(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_users, "_stdin_is_tty", lambda: True)
    result = app.test_cli_runner().invoke(
        args=["users", "create", "admin@example.org", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    match = re.search(r"Password \(shown only this once\): (\S+)", result.output)
    assert match
    user = stored(app, "admin@example.org")
    assert user is not None
    assert users.verify_password(user.password_hash, match.group(1))


def test_duplicate_email_is_refused(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "pat@example.org"], input=PASSWORD + "\n")
    result = runner.invoke(args=["users", "create", "PAT@example.org"], input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_unknown_role_is_refused(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "pat@example.org", "--role", "superuser"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 1
    assert "Unknown role 'superuser'" in result.output
    assert stored(app, "pat@example.org") is None


def test_short_piped_password_is_refused(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "pat@example.org"], input="short\n"
    )
    assert result.exit_code == 1
    assert "must be 12 to 1000 characters long" in result.output
    assert stored(app, "pat@example.org") is None


def test_bad_email_is_refused(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "not-an-email"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 1
    assert "not an email address" in result.output
