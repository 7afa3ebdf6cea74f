"""The Flask application factory: wires config, database, definitions, web and CLI."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from engine.platform.mailer import MAIL_DEFAULTS

ROOT = Path(__file__).resolve().parent


def _secret_key(instance: Path) -> str:
    # A key generated once per instance keeps sessions valid across restarts without set-up.
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app: config from defaults, FORMFLOW_* env, then test_config."""
    app = Flask(__name__, instance_relative_config=True, template_folder="templates")
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'formflow.sqlite'}"),
        DEFINITIONS_DIR=str(ROOT),
        TEMPLATE_DIR=str(ROOT / "templates"),
        HELP_DIR=str(ROOT / "templates" / "help"),
        **MAIL_DEFAULTS,
        MAIL_FROM="Renewal Unit Provider System <no-reply@opi.example.gov>",
        STAFF_CONTACT="opirenewalunits@example.gov",
        SITE_NAME="Renewal Unit Provider System",
        AGENCY_NAME="Montana Office of Public Instruction",
        BASE_URL="http://127.0.0.1:5000",
        LOGIN_MAX_FAILURES=5,
        LOGIN_WINDOW_MINUTES=15,
        # Failed sign-ins from one network address, to any accounts, within the window.
        LOGIN_MAX_FAILURES_PER_ADDRESS=20,
        # Sessions end after this long without a request: staff sooner than providers.
        STAFF_IDLE_MINUTES=30,
        IDLE_MINUTES=120,
        # How many reverse proxies in front of the app to believe X-Forwarded-* from.
        TRUSTED_PROXIES=0,
        PASSWORD_RESET_MAX_PER_HOUR=3,
        # Codes an educator may ask for in an hour: per address, and per network address.
        EDUCATOR_CODES_PER_HOUR=3,
        EDUCATOR_CODES_PER_IP_HOUR=20,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        # The largest request body read at all (a CSV roster is at most 1 MB): larger ones
        # are refused before anything, the CSRF check included, reads them into memory.
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    app.config.from_prefixed_env("FORMFLOW")
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    from engine.wiring import init_app

    init_app(app)
    return app
