"""`flask scenarios [PATH ...]`: play the scenario files staff wrote and say what failed."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from engine.scenarios.runner import Setting, run_file, scenario_files
from engine.spec.errors import DefinitionsInvalid
from engine.web.decisions import mail_settings
from engine.web.services import services


@click.command("scenarios")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def scenarios_command(paths: tuple[Path, ...]) -> None:
    """Play scenario files (default: tests/scenarios) on scratch databases."""
    config = current_app.config
    root = Path(config["DEFINITIONS_DIR"])
    files = scenario_files(list(paths) or [root / "tests" / "scenarios"])
    with current_app.test_request_context():
        mail = mail_settings()
    setting = Setting(root, Path(config["TEMPLATE_DIR"]), services().calendar, mail)
    passed = failed = 0
    for path in files:
        try:
            results = run_file(path, setting)
        except DefinitionsInvalid as invalid:
            click.echo(str(invalid))
            failed += 1
            continue
        for result in results:
            if result.passed:
                passed += 1
                click.echo(f"ok      {path.name}: {result.name}")
            else:
                failed += 1
                click.echo(f"FAILED  {path.name}: {result.name}")
                for problem in result.problems:
                    click.echo(f"        {problem}")
    click.echo(f"{passed} passed, {failed} failed.")
    if failed:
        raise SystemExit(1)


def register(app: Flask) -> None:
    """Add the command to the app's CLI."""
    app.cli.add_command(scenarios_command)
