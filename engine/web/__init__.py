"""The web layer: Flask blueprints, one per audience, over the engine and the store."""

from __future__ import annotations

from flask import Flask

from engine.web.services import init_services


def init_app(app: Flask) -> None:
    """Attach services, security, blueprints and CLI commands to the app."""
    from engine.cli import register_commands
    from engine.web import (
        account,
        admin,
        applicant,
        assignments,
        auth,
        bulk,
        certificate_actions,
        certificate_pdfs,
        certificates,
        definition_versions,
        directory,
        editor,
        editor_preview,
        educators,
        help,
        listings,
        obligations,
        overrides,
        passwords,
        people,
        providers_admin,
        public,
        queue_export,
        review,
        rule_book,
        switcher,
        verify,
        versions,
        workflows_admin,
    )
    from engine.web.filters import init_filters
    from engine.web.live_definitions import init_live_definitions
    from engine.web.security import init_security

    init_services(app)
    init_security(app)
    init_filters(app)
    init_live_definitions(app)
    for module in (
        public,
        help,
        directory,
        rule_book,
        auth,
        passwords,
        educators,
        account,
        switcher,
        people,
        applicant,
        review,
        queue_export,
        bulk,
        assignments,
        obligations,
        certificates,
        certificate_pdfs,
        certificate_actions,
        verify,
        overrides,
        versions,
        admin,
        providers_admin,
        workflows_admin,
        editor,
        editor_preview,
        definition_versions,
        # Last: its address /<page> must never hide another page's.
        listings,
    ):
        app.register_blueprint(module.bp)
    clashes = listings.check_routes(app, app.extensions["formflow"].registry)
    if clashes:
        raise ValueError("\n".join(clashes))
    register_commands(app)
