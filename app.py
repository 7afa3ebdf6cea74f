"""The Flask application factory: wires settings, database, definitions, web and CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from engine.platform import settings

ROOT = Path(__file__).resolve().parent

# Who this service is: the settings the engine leaves to the service it runs.
SERVICE = {
    "SITE_NAME": "Renewal Unit Provider System",
    "AGENCY_NAME": "Montana Office of Public Instruction",
    "STAFF_CONTACT": "opirenewalunits@example.gov",
    "MAIL_FROM": "Renewal Unit Provider System <no-reply@opi.example.gov>",
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app: settings' defaults, FORMFLOW_* env, then test_config.

    Broken definition, help or layout files never stop it: they are logged and shown to
    administrators, and the app runs on the definitions last published.
    """
    app = Flask(__name__, instance_relative_config=True, template_folder="templates")
    settings.configure(app, settings.Place(ROOT, Path(app.instance_path)), SERVICE, test_config)

    from engine.wiring import init_app

    init_app(app)
    return app
