"""`flask lint [PATH ...]`: check definition and help files and print every problem."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from engine.platform.help.listing_pages import check_listing_pages
from engine.platform.help.topics import SUFFIX, check_help, help_files
from engine.platform.services import (
    help_placeholders,
    layouts_dir,
    listing_pages_dir,
    services,
    static_dir,
)
from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.layout import check_layouts
from engine.spec.loader import lint_deep


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def lint_command(paths: tuple[Path, ...]) -> None:
    """Check form, workflow, help and layout files (default: the shipped ones)."""
    config = current_app.config
    root = Path(config["DEFINITIONS_DIR"])
    targets = list(paths) or [root / "forms", root / "workflows"]
    help_targets = list(paths) or [Path(config["HELP_DIR"])]
    definitions = [p for p in targets if p.is_dir() or p.suffix != SUFFIX]
    problems = lint_deep(definitions, Path(config["TEMPLATE_DIR"])) if definitions else []
    _, help_problems = check_help(help_files(help_targets), help_placeholders(config))
    page_problems: list[DefinitionError] = []
    if not paths:  # the listing pages' words are checked with the shipped files
        _, page_problems = check_listing_pages(listing_pages_dir(config), help_placeholders(config))
        # ... and so are the certificate layouts.
        _, layout_problems = check_layouts(layouts_dir(config), static_dir(current_app))
        page_problems += layout_problems
        # ... and what the files take away from versions applications are pinned to.
        page_problems += pinned_problems()
    problems = sorted(problems + help_problems + page_problems)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        count = len(problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
        raise SystemExit(1)
    click.echo("All definitions are valid.")


def pinned_problems() -> list[DefinitionError]:
    """Return what the files on disk take away from versions applications still use."""
    svc = services()
    try:
        on_disk = {name: w.version for name, w in svc.registry.load_files().workflows.items()}
    except DefinitionsInvalid:
        on_disk = {}  # the files' own problems are reported with them
    try:
        with svc.db.reading() as session:
            return svc.registry.pinned_problems(session, on_disk)
    except SQLAlchemyError:
        return []  # no database yet, so no application is pinned to anything


def register(app: Flask) -> None:
    """Add the command to the app's CLI."""
    app.cli.add_command(lint_command)
