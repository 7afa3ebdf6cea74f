"""Accounts: hashing, creating, signing in, throttling and role look-ups."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from engine.accounts import users
from engine.platform.db import Database
from engine.platform.models import LoginAttempt, User

NOW = datetime(2026, 3, 2, 15, 0, 0)
PASSWORD = "correct horse battery"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A migrated, empty database."""
    database = Database(database_url)
    yield database
    database.dispose()


def make(db: Database, email: str = "Pat@Example.org ", **kwargs: object) -> User:
    """Create and commit a user."""
    with db.transaction() as session:
        return users.create_user(session, email, PASSWORD, **kwargs)  # type: ignore[arg-type]


def sign_in(db: Database, email: str, password: str, now: datetime = NOW) -> User:
    """Attempt to sign in with the default throttle (5 failures in 15 minutes)."""
    # Like the sign-in view: catch inside the transaction so the attempt row commits.
    failure: users.AuthError | None = None
    with db.transaction() as session:
        try:
            return users.authenticate(session, email, password, "10.0.0.1", now, users.Throttle())
        except users.AuthError as error:
            failure = error
    raise failure


def attempts(db: Database) -> list[LoginAttempt]:
    """Every recorded sign-in attempt, oldest first."""
    with db.reading() as session:
        return list(session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)))


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = users.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert users.verify_password(hashed, PASSWORD)
    assert not users.verify_password(hashed, PASSWORD + "!")
    assert not users.verify_password("not a hash", PASSWORD)


def test_create_user_normalises_email_and_stores_roles(db: Database) -> None:
    user = make(db, roles=("reviewer", "admin"), name=" Pat Doe ")
    assert user.email == "pat@example.org"
    assert user.name == "Pat Doe"
    assert user.role_set() == {"reviewer", "admin"}
    assert user.password_hash.startswith("$argon2id$")


def test_duplicate_email_any_case_is_refused(db: Database) -> None:
    make(db)
    with pytest.raises(users.UserExists):
        make(db, "PAT@example.org")


def test_unknown_role_is_refused(db: Database) -> None:
    with pytest.raises(users.UnknownRole):
        make(db, roles=("superuser",))


def test_authenticate_returns_the_user_and_records_success(db: Database) -> None:
    make(db)
    user = sign_in(db, " PAT@example.org", PASSWORD)
    assert user.email == "pat@example.org"
    [attempt] = attempts(db)
    assert (attempt.email, attempt.success, attempt.ip, attempt.at) == (
        "pat@example.org",
        True,
        "10.0.0.1",
        NOW,
    )


def test_wrong_password_and_unknown_email_fail_alike(db: Database) -> None:
    make(db)
    with pytest.raises(users.BadCredentials) as wrong:
        sign_in(db, "pat@example.org", "wrong password!")
    with pytest.raises(users.BadCredentials) as unknown:
        sign_in(db, "nobody@example.org", PASSWORD)
    assert str(wrong.value) == str(unknown.value)
    assert [a.success for a in attempts(db)] == [False, False]


def test_inactive_user_cannot_sign_in(db: Database) -> None:
    user = make(db)
    with db.transaction() as session:
        session.get(User, user.id).active = False  # type: ignore[union-attr]
    with pytest.raises(users.BadCredentials):
        sign_in(db, "pat@example.org", PASSWORD)


def test_throttled_after_max_failures_even_with_the_right_password(db: Database) -> None:
    make(db)
    for minute in range(5):
        with pytest.raises(users.BadCredentials):
            sign_in(db, "pat@example.org", "wrong password!", NOW + timedelta(minutes=minute))
    later = NOW + timedelta(minutes=5)
    with pytest.raises(users.Throttled) as throttled:
        sign_in(db, "pat@example.org", PASSWORD, later)
    # The oldest failure (at NOW) leaves the 15-minute window at NOW + 15: 10 minutes on.
    assert throttled.value.minutes == 10
    assert "Wait 10 minutes" in str(throttled.value)
    assert len(attempts(db)) == 6


def test_throttle_lifts_when_failures_leave_the_window(db: Database) -> None:
    make(db)
    for _ in range(5):
        with pytest.raises(users.BadCredentials):
            sign_in(db, "pat@example.org", "wrong password!")
    assert sign_in(db, "pat@example.org", PASSWORD, NOW + timedelta(minutes=15, seconds=1))


def test_success_resets_the_failure_count(db: Database) -> None:
    make(db)
    for _ in range(4):
        with pytest.raises(users.BadCredentials):
            sign_in(db, "pat@example.org", "wrong password!")
    sign_in(db, "pat@example.org", PASSWORD)
    for _ in range(4):
        with pytest.raises(users.BadCredentials):
            sign_in(db, "pat@example.org", "wrong password!")
    assert sign_in(db, "pat@example.org", PASSWORD)


def test_throttle_is_per_email(db: Database) -> None:
    make(db)
    for _ in range(5):
        with pytest.raises(users.BadCredentials):
            sign_in(db, "someone-else@example.org", "wrong password!")
    assert sign_in(db, "pat@example.org", PASSWORD)


def test_weak_hash_is_upgraded_on_sign_in(db: Database) -> None:
    user = make(db)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with db.transaction() as session:
        session.get(User, user.id).password_hash = weak  # type: ignore[union-attr]
    sign_in(db, "pat@example.org", PASSWORD)
    with db.reading() as session:
        stored = session.get(User, user.id).password_hash  # type: ignore[union-attr]
    assert stored != weak
    assert not users.needs_rehash(stored)
    assert users.verify_password(stored, PASSWORD)


def test_generated_passwords_are_long_readable_and_different() -> None:
    passwords = {users.generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 19
        assert len(password) >= users.MIN_PASSWORD_LENGTH
        assert not set(password) & set("0O1lI")


def test_users_with_role_lists_active_holders_only(db: Database) -> None:
    make(db, "b-reviewer@example.org", roles=("reviewer",))
    make(db, "a-both@example.org", roles=("reviewer", "admin"))
    make(db, "applicant@example.org")
    gone = make(db, "gone@example.org", roles=("reviewer",))
    with db.transaction() as session:
        session.get(User, gone.id).active = False  # type: ignore[union-attr]
    with db.reading() as session:
        found = [u.email for u in users.users_with_role(session, "reviewer")]
    assert found == ["a-both@example.org", "b-reviewer@example.org"]


@pytest.mark.parametrize(
    ("email", "valid"),
    [
        ("pat@example.org", True),
        ("p.a+t@sub.example.gov", True),
        ("pat@example", False),
        ("pat example@x.org", False),
        ("@example.org", False),
        ("pat@@example.org", False),
        ("", False),
    ],
)
def test_email_format(email: str, valid: bool) -> None:
    assert users.is_valid_email(email) is valid


def test_overlong_password_is_refused_without_hashing_it(db: Database) -> None:
    make(db)
    with pytest.raises(users.BadCredentials):
        sign_in(db, "pat@example.org", "x" * (users.MAX_PASSWORD_LENGTH + 1))


def test_the_service_hashes_at_argon2s_default_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import SERVICE_HASHER

    default = PasswordHasher()
    assert (SERVICE_HASHER.time_cost, SERVICE_HASHER.memory_cost, SERVICE_HASHER.parallelism) == (
        default.time_cost,
        default.memory_cost,
        default.parallelism,
    )
    monkeypatch.setattr(users, "_hasher", SERVICE_HASHER)
    hashed = users.hash_password(PASSWORD)
    assert f"m={default.memory_cost},t={default.time_cost}" in hashed
    assert users.verify_password(hashed, PASSWORD)
    assert not users.needs_rehash(hashed)
