"""Shared fixtures: an app per test on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import re
import shutil
import uuid
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, make_url, text

from engine.accounts import users
from engine.platform.db import make_engine
from engine.platform.migrate import upgrade
from engine.platform.models import Base

pytest_plugins = ["tests.smtp_server"]

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])


# The service hashes with argon2's default cost (about 0.1 s a hash here, on purpose); the
# tests sign in thousands of times, so they hash with the same algorithm at its lowest
# cost. tests/unit/test_users.py checks that the service's own hasher keeps the default.
SERVICE_HASHER = users._hasher
users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

_CONNECTED: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _remember_engine(connection: Any) -> None:
    _CONNECTED.add(connection.engine)


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    """Close the pooled connections of every engine a test opened, when it ends.

    An app a test forgets to dispose would otherwise keep its connections until the
    garbage collector drops them, and psycopg's warning would land on a later test.
    """
    before = set(_CONNECTED)
    yield
    # A leak that still slips through (a session reopened after its block, say) can be
    # blamed on its maker by adding gc.collect() here: right, but it doubles the suite.
    for engine in set(_CONNECTED) - before:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate one SQLite file once; each test copies it (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_migrated() -> Iterator[str]:
    """Create a private PostgreSQL database for this run, migrate it, drop it at the end.

    A database of its own per run means two runs at once (a developer and CI) never
    wipe each other's rows.
    """
    assert PG_URL
    url = make_url(PG_URL)
    name = f"formflow_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    private = url.set(database=name).render_as_string(hide_password=False)
    upgrade(private)
    yield private
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_pg(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        # The records' triggers refuse TRUNCATE; the test database's owner switches them off.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: SQLite always, PostgreSQL too when configured."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_migrated")
    _empty_pg(url)
    return url


def make_test_app(database_url: str, tmp_path: Path, **overrides: Any) -> Flask:
    """Create an app for tests with real CSRF, a real database and SMTP on 127.0.0.1."""
    from app import create_app

    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": 1,  # nothing listens there; tests that read mail start aiosmtpd
        "BASE_URL": "http://localhost",
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = ClosingClient
    return application


class ClosingClient(FlaskClient):
    """A test client that closes each response, as a server does once it is sent.

    Work a view leaves for after its response (mail whose timing must tell nothing) runs
    on close; reading the whole response first is what a browser's request amounts to.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh database."""
    application = make_test_app(database_url, tmp_path)
    yield application
    application.extensions["formflow"].db.dispose()


@pytest.fixture
def mail_app(database_url: str, tmp_path: Path, smtp_server: Any) -> Iterator[Flask]:
    """An app on a fresh database whose email goes to the real SMTP test server."""
    application = make_test_app(
        database_url, tmp_path, SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port
    )
    yield application
    application.extensions["formflow"].db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/auth/login") -> str:
    """Fetch a page and return the CSRF token it carries for this client's session."""
    page = client.get(url).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)
