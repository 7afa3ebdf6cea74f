"""Trying a changed version in a scenario, before it is published for real: the changed
files of a folder put in place of the files under test, loaded in a registry of their
own on the scenario's scratch database, published there, and the applications under way
moved onto them as `upgrade:` says (engine.definitions.upgrades).

The folder holds only what changes, in forms/ and workflows/ sub-folders; a file there
replaces the file of the same name under test, and every other file stays as it is. A
step may name several folders: each one's files replace those before it, so two trials
can share a changed form and differ in their workflow.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from engine.definitions import upgrades
from engine.platform.db import Database
from engine.platform.definitions import DefinitionRegistry
from engine.runtime.machine import Calendar
from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import display_name

KINDS = ("forms", "workflows")
# Who the scenario's publications are recorded as published by.
PUBLISHER = "scenario"


def folder_problem(beside: Path, name: str) -> str | None:
    """Say what is wrong with the folder a `publish:` step names, or None if nothing is."""
    folder = beside / name
    if not folder.is_dir():
        parent = folder.parent
        # Suggest the folders next to where it was looked for, written as the step writes them.
        known = (
            [str(Path(name).parent / p.name) for p in parent.iterdir() if p.is_dir()]
            if parent.is_dir()
            else []
        )
        return f"there is no folder '{name}' beside this file{did_you_mean(name, known)}"
    if not changed_files(folder):
        return f"the folder '{name}' has no forms/*.yaml or workflows/*.yaml to publish"
    return None


def changed_files(folder: Path) -> list[Path]:
    """Return the YAML files of a folder of changes, from its forms/ and workflows/."""
    return [p for kind in KINDS for p in sorted((folder / kind).glob("*.yaml"))]


def load_changed(
    folders: list[Path], setting_root: Path, templates: Path, db: Database, copy: Path
) -> DefinitionRegistry:
    """Load the files under test with the folders' files in their place, in a new registry
    on the same database; the merged files are written under `copy`, which must outlive it.

    Raise DefinitionsInvalid naming the real files (the folder's, or those under test).
    """
    origin: dict[str, str] = {}
    for kind in KINDS:
        (copy / kind).mkdir(parents=True)
        # The folders' files go in last, in order, so each replaces the one of its name.
        sources = sorted((setting_root / kind).glob("*.yaml"))
        for folder in folders:
            sources += sorted((folder / kind).glob("*.yaml"))
        for source in sources:
            target = copy / kind / source.name
            shutil.copyfile(source, target)
            origin[display_name(target)] = display_name(source)
    registry = DefinitionRegistry(copy, templates, db)
    try:
        registry.load_files()
    except DefinitionsInvalid as invalid:
        raise DefinitionsInvalid([_located(e, origin) for e in invalid.errors]) from None
    return registry


def publish_and_move(
    db: Database, registry: DefinitionRegistry, workflow: str, today: date, calendar: Calendar
) -> list[upgrades.Moved]:
    """Publish the registry's files and move the workflow's applications under way onto
    its version in force, as the system; return what happened to each."""
    with db.transaction() as session:
        registry.publish(session, by=PUBLISHER)
        target = upgrades.in_force(registry, workflow)
        return upgrades.move(session, registry, target, None, today, calendar)


def _located(error: DefinitionError, origin: dict[str, str]) -> DefinitionError:
    """Name the file a problem is in as staff know it, not as its merged copy."""
    return DefinitionError(
        origin.get(error.file, error.file), error.line, error.column, error.message
    )
