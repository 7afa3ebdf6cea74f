"""`flask scenarios [PATH ...]`: play the scenario files staff wrote and say what failed;
with `--coverage`, also which moves of the shipped workflows no case made."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from engine.cli.broken_files import CheckedCommand
from engine.platform.definitions import DefinitionRegistry
from engine.platform.mail import mail_settings
from engine.platform.services import services
from engine.scenarios.coverage import Move, WorkflowCoverage, coverage
from engine.scenarios.runner import Setting, run_file, scenario_files
from engine.spec.errors import DefinitionsInvalid
from engine.spec.yaml_source import read_source


@click.command("scenarios", cls=CheckedCommand)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--coverage",
    "show_coverage",
    is_flag=True,
    help="List each workflow's moves, made or not; fail if one is never made.",
)
def scenarios_command(paths: tuple[Path, ...], show_coverage: bool) -> None:
    """Play scenario files (default: tests/scenarios) on scratch databases."""
    config = current_app.config
    root = Path(config["DEFINITIONS_DIR"])
    files = scenario_files(list(paths) or [root / "tests" / "scenarios"])
    with current_app.test_request_context():
        mail = mail_settings()
    setting = Setting(root, Path(config["TEMPLATE_DIR"]), services().calendar, mail)
    passed = failed = 0
    made: list[Move] = []
    played: set[str] = set()
    for path in files:
        try:
            results = run_file(path, setting)
        except DefinitionsInvalid as invalid:
            click.echo(str(invalid))
            failed += 1
            continue
        played.add(read_source(path).data["workflow"])
        for result in results:
            made.extend(result.moves)
            if result.passed:
                passed += 1
                click.echo(f"ok      {path.name}: {result.name}")
            else:
                failed += 1
                click.echo(f"FAILED  {path.name}: {result.name}")
                for problem in result.problems:
                    click.echo(f"        {problem}")
    # By default every shipped workflow is judged, so one without a scenario file shows
    # too; files named on the command line answer for their own workflows only.
    shipped = DefinitionRegistry(root, setting.templates).load_files().workflows.values()
    report = coverage([w for w in shipped if not paths or w.name in played], made)
    if show_coverage:
        _echo_coverage(report)
    exercised = sum(len(entry.exercised) for entry in report)
    total = sum(entry.total for entry in report)
    click.echo(f"{passed} passed, {failed} failed; {exercised} of {total} moves made.")
    unmade = show_coverage and exercised < total
    if failed or unmade:
        raise SystemExit(1)


def _echo_coverage(report: list[WorkflowCoverage]) -> None:
    click.echo("")
    for entry in report:
        click.echo(f"{entry.workflow}: {len(entry.exercised)} of {entry.total} moves made")
        for move in entry.exercised:
            click.echo(f"  made     {move.trigger}: {move.source} → {move.dest}")
        for move in entry.missing:
            click.echo(f"  MISSING  {move.trigger}: {move.source} → {move.dest}")


def register(app: Flask) -> None:
    """Add the command to the app's CLI."""
    app.cli.add_command(scenarios_command)
