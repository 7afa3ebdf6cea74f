"""Every setting the app reads, with its default and meaning; set from FORMFLOW_* variables.

A setting comes, last one winning, from its default here, from the service's own values
(app.py: its name, its agency, its contact addresses), from the environment variable
FORMFLOW_<NAME> (read as JSON when it parses: FORMFLOW_SMTP_PORT=587 is a number), then
from the values a test or an embedding program passes to create_app.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from engine.platform.mailer import MAIL_DEFAULTS

PREFIX = "FORMFLOW"
# Deployments set a plain DATABASE_URL before the FORMFLOW_ prefix covered every setting.
LEGACY_DATABASE_URL = "DATABASE_URL"
SECRET_KEY_FILE = "secret_key"


@dataclass(frozen=True)
class Place:
    """Where the app runs: the service's folder (forms/, workflows/, templates/) and instance."""

    root: Path
    instance: Path


@dataclass(frozen=True)
class Setting:
    """One setting: its name, what it does, and its default (a value, or one made at start)."""

    name: str
    doc: str
    default: Any = None
    # A default that depends on where the app runs, and how the README describes it.
    computed: Callable[[Place], Any] | None = None
    shown: str = ""
    # The service (app.py) must give a value: the engine knows no agency of its own.
    from_service: bool = False

    @property
    def variable(self) -> str:
        """Return the environment variable that sets it."""
        return f"{PREFIX}_{self.name}"


SETTINGS: tuple[Setting, ...] = (
    # Where things are.
    Setting(
        "DATABASE_URL",
        "SQLAlchemy URL of the database; a plain DATABASE_URL variable is read when this is unset.",
        computed=lambda place: f"sqlite:///{place.instance / 'formflow.sqlite'}",
        shown="SQLite file `formflow.sqlite` in the instance folder",
    ),
    Setting(
        "SECRET_KEY",
        "Signs session cookies, reset links and sign-in codes; keep it secret and stable.",
        shown="random, made once and kept in the instance folder's `secret_key` file",
    ),
    Setting(
        "DEFINITIONS_DIR",
        "Folder holding the service's forms/ and workflows/.",
        computed=lambda place: str(place.root),
        shown="the folder of app.py",
    ),
    Setting(
        "TEMPLATE_DIR",
        "Folder of the email, listing-page and certificate-layout files.",
        computed=lambda place: str(place.root / "templates"),
        shown="`templates/` beside app.py",
    ),
    Setting(
        "HELP_DIR",
        "Folder of the help pages.",
        computed=lambda place: str(place.root / "templates" / "help"),
        shown="`templates/help/` beside app.py",
    ),
    Setting(
        "DEFINITIONS_REFRESH_SECONDS",
        "Seconds between a web process's checks for newly published definitions.",
        2,
    ),
    # Who the service is.
    Setting("SITE_NAME", "The site's name, on every page and in email.", from_service=True),
    Setting("AGENCY_NAME", "The agency that runs the site.", from_service=True),
    Setting(
        "STAFF_CONTACT",
        "Address people write to for help, on pages and in email.",
        from_service=True,
    ),
    Setting(
        "BASE_URL",
        "Address of the site, for links in email and on certificates.",
        "http://127.0.0.1:5000",
    ),
    # Email.
    Setting(
        "MAIL_BACKEND",
        "`smtp` sends email; `console` prints it instead.",
        MAIL_DEFAULTS["MAIL_BACKEND"],
    ),
    Setting("MAIL_FROM", "Sender of every email.", from_service=True),
    Setting("SMTP_HOST", "Mail server to send through.", MAIL_DEFAULTS["SMTP_HOST"]),
    Setting("SMTP_PORT", "Port of the mail server.", MAIL_DEFAULTS["SMTP_PORT"]),
    Setting("SMTP_TIMEOUT", "Seconds to wait for the mail server.", MAIL_DEFAULTS["SMTP_TIMEOUT"]),
    Setting("SMTP_STARTTLS", "Switch to TLS (STARTTLS) before sending.", False),
    Setting("SMTP_USERNAME", "User to sign in to the mail server as; empty: no sign-in.", ""),
    Setting("SMTP_PASSWORD", "Password of SMTP_USERNAME.", ""),
    Setting(
        "MAIL_MAX_ATTEMPTS",
        "Tries to send one email before it is marked failed.",
        MAIL_DEFAULTS["MAIL_MAX_ATTEMPTS"],
    ),
    Setting(
        "MAIL_CLAIM_TIMEOUT_MINUTES",
        "Minutes after which an email whose sender stopped mid-send is marked failed.",
        15,
    ),
    # Limits against guessing and flooding.
    Setting("LOGIN_MAX_FAILURES", "Failed sign-ins allowed within LOGIN_WINDOW_MINUTES.", 5),
    Setting("LOGIN_WINDOW_MINUTES", "Minutes over which failed sign-ins are counted.", 15),
    Setting(
        "LOGIN_MAX_FAILURES_PER_ADDRESS",
        "Failed sign-ins from one network address, to any accounts, within the window.",
        20,
    ),
    Setting("STAFF_IDLE_MINUTES", "Minutes unused after which a staff session ends.", 30),
    Setting("IDLE_MINUTES", "Minutes unused after which a provider's session ends.", 120),
    Setting(
        "TRUSTED_PROXIES",
        "Reverse proxies in front of the app whose X-Forwarded-* headers are believed.",
        0,
    ),
    Setting("PASSWORD_RESET_MAX_PER_HOUR", "Password-reset emails one account may get.", 3),
    Setting("SIGN_UP_EMAILS_PER_HOUR", "Sign-up emails one address may get in an hour.", 3),
    Setting("EDUCATOR_CODES_PER_HOUR", "Sign-in codes one educator's address may get.", 3),
    Setting("EDUCATOR_CODES_PER_IP_HOUR", "Sign-in codes one network address may ask for.", 20),
    # Pages.
    Setting("QUEUE_PAGE_SIZE", "Rows per page of the review queue.", 100),
    Setting("LISTING_PAGE_SIZE", "Rows per page of a public listing shown as a table.", 50),
    Setting(
        "EDITOR_LIVE_PLANS",
        "Applications under way the editor's live preview plans, per workflow.",
        100,
    ),
    # Flask and Flask-WTF settings the app sets.
    Setting("SESSION_COOKIE_HTTPONLY", "Keep the session cookie from page scripts.", True),
    Setting("SESSION_COOKIE_SAMESITE", "SameSite attribute of the session cookie.", "Lax"),
    Setting(
        "SESSION_COOKIE_SECURE",
        "Send the session cookie over HTTPS only; switched on whenever BASE_URL is https.",
        False,
    ),
    Setting(
        "WTF_CSRF_TIME_LIMIT",
        "Seconds a form's CSRF token lasts; null: as long as the session.",
        None,
    ),
    # A CSV roster is at most 1 MB: a larger body is refused before anything reads it
    # into memory, the CSRF check included.
    Setting("MAX_CONTENT_LENGTH", "Largest request body read at all, in bytes.", 2 * 1024 * 1024),
)
NAMES = frozenset(setting.name for setting in SETTINGS)


def configure(
    app: Flask,
    place: Place,
    service: Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
) -> None:
    """Set every declared setting: default, the service's value, FORMFLOW_*, then overrides."""
    unknown = sorted(set(service) - NAMES)
    if unknown:
        raise ValueError(f"The service sets undeclared settings: {', '.join(unknown)}.")
    missing = [s.name for s in SETTINGS if s.from_service and s.name not in service]
    if missing:
        raise ValueError(f"The service must set: {', '.join(missing)}.")
    place.instance.mkdir(parents=True, exist_ok=True)
    for setting in SETTINGS:
        value = setting.computed(place) if setting.computed else setting.default
        app.config[setting.name] = service.get(setting.name, value)
    legacy = os.environ.get(LEGACY_DATABASE_URL)
    if legacy:
        app.config["DATABASE_URL"] = legacy
    app.config.from_prefixed_env(PREFIX)
    if overrides:
        app.config.from_mapping(overrides)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret_key(place.instance)


def instance_secret_key(instance: Path) -> str:
    """Return the instance's own key, made the first time it is asked for."""
    # A key kept per instance keeps sessions valid across restarts without set-up.
    key_file = instance / SECRET_KEY_FILE
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def markdown_table(service: Mapping[str, Any]) -> str:
    """Return the README's table of every setting: variable, default and meaning."""
    rows = ["| Variable | Default | What it does |", "| --- | --- | --- |"]
    for setting in SETTINGS:
        rows.append(f"| `{setting.variable}` | {_shown(setting, service)} | {setting.doc} |")
    return "\n".join(rows) + "\n"


def _shown(setting: Setting, service: Mapping[str, Any]) -> str:
    if setting.shown:
        return setting.shown
    value = service[setting.name] if setting.from_service else setting.default
    text = value if isinstance(value, str) else json.dumps(value)
    return f"`{text}`" if text else "empty"
