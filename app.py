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


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    tolerate_broken_definitions: bool | None = None,
) -> Flask:
    """Create and configure the app: settings' defaults, FORMFLOW_* env, then test_config.

    Broken definition, help or layout files stop it, unless tolerate_broken_definitions;
    left unset, only the flask command line looking up one of the app's commands does.
    """
    app = Flask(__name__, instance_relative_config=True, template_folder="templates")
    settings.configure(app, settings.Place(ROOT, Path(app.instance_path)), SERVICE, test_config)

    from engine.cli.broken_files import loading_for_a_command
    from engine.wiring import init_app

    if tolerate_broken_definitions is None:
        tolerate_broken_definitions = loading_for_a_command()
    init_app(app, tolerate_broken_definitions=tolerate_broken_definitions)
    return app
