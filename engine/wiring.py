"""The web layer: Flask blueprints, one per audience, over the engine and the store."""

from __future__ import annotations

from flask import Flask

from engine.applications.moves import Conflict, NotEditable
from engine.certificates.files import CertificateFiles
from engine.organizations.memberships import MembershipError
from engine.platform.mail import MissingTemplate
from engine.platform.services import Services, init_services
from engine.platform.web.errors import ErrorPage, init_errors
from engine.spec.errors import DefinitionsInvalid

# The page for each refusal a view leaves to the app (views that do more, like showing a
# form again with the answers kept or listing each item of a batch, catch their own).
ERROR_PAGES = {
    Conflict: ErrorPage(409, "This application changed while you were looking at it"),
    NotEditable: ErrorPage(
        409,
        "This application can no longer be changed",
        "Its status changed since the page was shown, and answers can no longer be changed.",
    ),
    # A decision whose action could not give the organization its access.
    MembershipError: ErrorPage(409, "This could not be done"),
    # An email template removed on disk while a version in use names it (lint reports it).
    MissingTemplate: ErrorPage(409, "This could not be done"),
}


def certificate_files(svc: Services) -> CertificateFiles:
    """Return what makes the certificate PDFs attached to outgoing email."""
    return CertificateFiles(svc.db, svc.registry, svc.layouts, svc.static_dir)


def init_app(app: Flask) -> None:
    """Attach services, security, blueprints and CLI commands to the app."""
    from engine.accounts.views import account, auth, passwords
    from engine.applications import views as applicant
    from engine.certificates.views import actions as certificate_actions
    from engine.certificates.views import educators, verify
    from engine.certificates.views import issuing as certificates
    from engine.certificates.views import pdfs as certificate_pdfs
    from engine.cli import register_commands
    from engine.definitions.views import definition_versions, editor, editor_preview, versions
    from engine.definitions.views import workflows as workflows_admin
    from engine.listings import views as listings
    from engine.obligations import views as obligations
    from engine.operations import views as admin
    from engine.organizations.views import directory, people, switcher
    from engine.organizations.views import providers as providers_admin
    from engine.pages.views import help, public, rule_book
    from engine.platform.web.filters import init_filters
    from engine.platform.web.live_definitions import init_live_definitions
    from engine.platform.web.request_input import init_request_input
    from engine.platform.web.security import init_security
    from engine.review.views import assignments, bulk, overrides
    from engine.review.views import export as queue_export
    from engine.review.views import queue as review

    init_services(app, attachments=certificate_files)
    init_request_input(app)
    init_security(app)
    init_errors(app, ERROR_PAGES)
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
    svc = app.extensions["formflow"]
    clashes = listings.check_routes(app, svc.registry)
    if clashes:
        # The page keeps its address; the listing is unreachable until renamed.
        svc.report("listing pages", DefinitionsInvalid(clashes))
    register_commands(app)
