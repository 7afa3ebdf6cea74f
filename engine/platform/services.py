"""The services a request uses, created once per app and found through current_app."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from flask import Flask, current_app

from engine.platform.db import Database
from engine.platform.definitions import DefinitionRegistry
from engine.platform.help.listing_pages import ListingPage, load_listing_pages
from engine.platform.help.topics import HelpLibrary, load_help
from engine.platform.outbox import AttachmentSource
from engine.runtime.calendar import BusinessCalendar, CalendarFileError, montana
from engine.spec.build_certificates import LAYOUTS_FOLDER
from engine.spec.errors import DefinitionsInvalid
from engine.spec.layout import LayoutSpec, check_layouts

# CLI commands that must run even when the definition files are broken.
_TOLERANT_COMMANDS = {"lint", "db", "users"}


@dataclass
class Services:
    """The database, the definitions, the calendar and the help topics of one app."""

    db: Database
    registry: DefinitionRegistry
    calendar: BusinessCalendar
    help: HelpLibrary
    # The words of the public listing pages (/events, /portal ...), by page name.
    listing_pages: Mapping[str, ListingPage] = field(default_factory=lambda: MappingProxyType({}))
    # Certificate layouts by name, and the folder their fonts are found in.
    layouts: Mapping[str, LayoutSpec] = field(default_factory=lambda: MappingProxyType({}))
    static_dir: Path = Path("static")
    # Makes the files outgoing email names; plugged in by the composition (engine.wiring),
    # so the platform knows nothing of what the files are (certificates).
    attachments: AttachmentSource | None = None


# Makes the attachments source from the services it reads (the database, the layouts ...).
AttachmentsFactory = Callable[[Services], AttachmentSource]


def init_services(app: Flask, attachments: AttachmentsFactory | None = None) -> None:
    """Create the services; refuse to start when the definitions are invalid."""
    db = Database(app.config["DATABASE_URL"])
    root = Path(app.config["DEFINITIONS_DIR"])
    registry = DefinitionRegistry(root, Path(app.config["TEMPLATE_DIR"]), db)
    try:
        registry.load_files()
    except DefinitionsInvalid as error:
        if _cli_command() not in _TOLERANT_COMMANDS:
            print("The definitions have problems; the app will not start:", file=sys.stderr)
            print(error, file=sys.stderr)
            raise
    try:
        calendar = montana()
    except CalendarFileError as error:
        print(f"The holiday file has a problem; the app will not start:\n{error}", file=sys.stderr)
        raise
    help_topics = _help(app)
    made = Services(
        db=db,
        registry=registry,
        calendar=calendar,
        help=help_topics,
        listing_pages=_listing_pages(app),
        layouts=_layouts(app),
        static_dir=static_dir(app),
    )
    if attachments is not None:
        made.attachments = attachments(made)
    app.extensions["formflow"] = made


def help_placeholders(config: Mapping[str, Any]) -> dict[str, str]:
    """Return what help files may write as {{ name }}, from the app's config."""
    return {
        "staff_contact": str(config["STAFF_CONTACT"]),
        "site_name": str(config["SITE_NAME"]),
        "agency_name": str(config["AGENCY_NAME"]),
    }


def _help(app: Flask) -> HelpLibrary:
    # Broken help files stop the app like broken definitions do, loudly; `lint` still runs.
    try:
        return load_help(Path(app.config["HELP_DIR"]), help_placeholders(app.config))
    except DefinitionsInvalid as error:
        if _cli_command() not in _TOLERANT_COMMANDS:
            print("The help files have problems; the app will not start:", file=sys.stderr)
            print(error, file=sys.stderr)
            raise
        return HelpLibrary()


def listing_pages_dir(config: Mapping[str, Any]) -> Path:
    """Return the folder of the listing pages' words: templates/listings/."""
    return Path(config["TEMPLATE_DIR"]) / "listings"


def _listing_pages(app: Flask) -> Mapping[str, ListingPage]:
    # Like help files: broken page files stop the app loudly; `lint` still runs.
    try:
        return load_listing_pages(listing_pages_dir(app.config), help_placeholders(app.config))
    except DefinitionsInvalid as error:
        if _cli_command() not in _TOLERANT_COMMANDS:
            print("The listing pages have problems; the app will not start:", file=sys.stderr)
            print(error, file=sys.stderr)
            raise
        return MappingProxyType({})


def static_dir(app: Flask) -> Path:
    """Return the app's static folder, where certificate fonts are found."""
    return Path(app.static_folder or "static")


def layouts_dir(config: Mapping[str, Any]) -> Path:
    """Return the folder of the certificate layouts: templates/certificates/."""
    return Path(config["TEMPLATE_DIR"]) / LAYOUTS_FOLDER


def _layouts(app: Flask) -> Mapping[str, LayoutSpec]:
    # Like definitions: a broken layout stops the app loudly; `lint` still runs.
    layouts, errors = check_layouts(layouts_dir(app.config), static_dir(app))
    if errors and _cli_command() not in _TOLERANT_COMMANDS:
        print("The certificate layouts have problems; the app will not start:", file=sys.stderr)
        print(DefinitionsInvalid(errors), file=sys.stderr)
        raise DefinitionsInvalid(errors)
    return MappingProxyType(layouts)


def services() -> Services:
    """Return the services of the current app."""
    found: Services = current_app.extensions["formflow"]
    return found


def _cli_command() -> str | None:
    # `flask --app app lint` must report broken files instead of failing to start.
    argv = sys.argv
    if not argv or not Path(argv[0]).name.startswith("flask"):
        return None
    args = iter(argv[1:])
    for arg in args:
        if arg in ("--app", "-A", "--env-file", "-e"):
            next(args, None)
        elif not arg.startswith("-"):
            return arg
    return None
