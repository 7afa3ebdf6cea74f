"""`flask lint [PATH ...]`: check definition files and print every problem."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from engine.spec.loader import lint


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def lint_command(paths: tuple[Path, ...]) -> None:
    """Check form and workflow files (default: the shipped forms/ and workflows/)."""
    root = Path(current_app.config["DEFINITIONS_DIR"])
    targets = list(paths) or [root / "forms", root / "workflows"]
    problems = lint(targets, Path(current_app.config["TEMPLATE_DIR"]))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        count = len(problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
        raise SystemExit(1)
    click.echo("All definitions are valid.")


def register(app: Flask) -> None:
    """Add the command to the app's CLI."""
    app.cli.add_command(lint_command)
