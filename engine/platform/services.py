"""The services a request uses, created once per app and found through current_app."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from flask import Flask, current_app

from engine.platform.db import Database
from engine.platform.definitions import DefinitionRegistry
from engine.platform.help.listing_pages import ListingPage, check_listing_pages
from engine.platform.help.topics import HelpLibrary, check_help, help_files
from engine.platform.outbox import AttachmentSource
from engine.runtime.calendar import BusinessCalendar, CalendarFileError, montana
from engine.spec.build_certificates import LAYOUTS_FOLDER
from engine.spec.errors import DefinitionsInvalid
from engine.spec.layout import LayoutSpec, check_layouts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartupProblem:
    """Files of one kind (definitions, help files ...) that could not be loaded at start."""

    what: str
    error: DefinitionsInvalid

    def refuse(self) -> None:
        """Print the problems, where the person running a command reads them, and raise."""
        print(f"The {self.what} have problems; fix them first:", file=sys.stderr)
        print(self.error, file=sys.stderr)
        raise self.error


class _Start:
    # A broken file never stops a process: it is logged, kept for the admin pages and
    # `lint`, and the process runs on what was last published (or on what loads).
    def __init__(self) -> None:
        self.problems: list[StartupProblem] = []

    def broken(self, what: str, error: DefinitionsInvalid) -> None:
        log.error("the %s have problems; they are not used until fixed:\n%s", what, error)
        self.problems.append(StartupProblem(what, error))


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
    # What was broken at start: reported, and not used until fixed.
    problems: tuple[StartupProblem, ...] = ()

    def report(self, what: str, error: DefinitionsInvalid) -> None:
        """Log files found broken after start (a clash of addresses) and keep them listed."""
        log.error("the %s have problems; they are not used until fixed:\n%s", what, error)
        self.problems = (*self.problems, StartupProblem(what, error))

    def refuse_if_broken(self) -> None:
        """Stop, saying what is wrong, if any of the app's files had problems at start.

        For the commands that work from the files (publishing, the demo, scenarios).
        """
        for problem in self.problems:
            problem.refuse()


# Makes the attachments source from the services it reads (the database, the layouts ...).
AttachmentsFactory = Callable[[Services], AttachmentSource]


def init_services(app: Flask, attachments: AttachmentsFactory | None = None) -> None:
    """Create the services; broken files are reported, and never stop the process."""
    start = _Start()
    db = Database(app.config["DATABASE_URL"])
    root = Path(app.config["DEFINITIONS_DIR"])
    registry = DefinitionRegistry(root, Path(app.config["TEMPLATE_DIR"]), db)
    try:
        registry.load_files()
    except DefinitionsInvalid as error:
        start.broken("definitions", error)
        registry.load_published()
    try:
        calendar = montana()
    except CalendarFileError as error:
        print(f"The holiday file has a problem; the app will not start:\n{error}", file=sys.stderr)
        raise
    made = Services(
        db=db,
        registry=registry,
        calendar=calendar,
        help=_help(app, start),
        listing_pages=_listing_pages(app, start),
        layouts=_layouts(app, start),
        static_dir=static_dir(app),
        problems=tuple(start.problems),
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


def _help(app: Flask, start: _Start) -> HelpLibrary:
    # The topics that read well are served; the broken ones are reported.
    folder = Path(app.config["HELP_DIR"])
    library, errors = check_help(help_files([folder]), help_placeholders(app.config))
    if errors:
        start.broken("help files", DefinitionsInvalid(errors))
    return library


def listing_pages_dir(config: Mapping[str, Any]) -> Path:
    """Return the folder of the listing pages' words: templates/listings/."""
    return Path(config["TEMPLATE_DIR"]) / "listings"


def _listing_pages(app: Flask, start: _Start) -> Mapping[str, ListingPage]:
    folder = listing_pages_dir(app.config)
    pages, errors = check_listing_pages(folder, help_placeholders(app.config))
    if errors:
        start.broken("listing pages", DefinitionsInvalid(errors))
    return MappingProxyType(dict(pages))


def static_dir(app: Flask) -> Path:
    """Return the app's static folder, where certificate fonts are found."""
    return Path(app.static_folder or "static")


def layouts_dir(config: Mapping[str, Any]) -> Path:
    """Return the folder of the certificate layouts: templates/certificates/."""
    return Path(config["TEMPLATE_DIR"]) / LAYOUTS_FOLDER


def _layouts(app: Flask, start: _Start) -> Mapping[str, LayoutSpec]:
    layouts, errors = check_layouts(layouts_dir(app.config), static_dir(app))
    if errors:
        start.broken("certificate layouts", DefinitionsInvalid(errors))
    return MappingProxyType(layouts)


def services() -> Services:
    """Return the services of the current app."""
    found: Services = current_app.extensions["formflow"]
    return found
