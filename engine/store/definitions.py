"""The definition registry: the current files, every published version, compiled once.

Forms and workflows are loaded from forms/ and workflows/ and frozen. Each version (a
content hash) is recorded in the definitions table, so an application pinned to an
older version can still be rendered and validated after the files change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.machine import WorkflowMachine
from engine.runtime.validation import FormValidator
from engine.spec.loader import Definitions, load_definitions
from engine.spec.model import FormSpec, WorkflowSpec
from engine.store.models import Definition


@dataclass(frozen=True)
class Compiled:
    """A workflow version with its form version, validator and machine."""

    workflow: WorkflowSpec
    form: FormSpec
    validator: FormValidator
    machine: WorkflowMachine


class DefinitionRegistry:
    """Holds the current definitions and every version met so far, compiled once."""

    def __init__(self, root: Path, template_dir: Path) -> None:
        self.root = root
        self.template_dir = template_dir
        self.current: Definitions | None = None
        self._forms: dict[tuple[str, str], FormSpec] = {}
        self._workflows: dict[tuple[str, str], WorkflowSpec] = {}
        self._validators: dict[tuple[str, str], FormValidator] = {}
        self._machines: dict[tuple[str, str], WorkflowMachine] = {}

    def paths(self) -> tuple[list[Path], list[Path]]:
        """Return the form files and workflow files under the root, sorted."""
        return (
            sorted((self.root / "forms").glob("*.yaml")),
            sorted((self.root / "workflows").glob("*.yaml")),
        )

    def load_files(self) -> Definitions:
        """Load and check every file; keep the previous good set if any file is broken."""
        forms, workflows = self.paths()
        loaded = load_definitions(forms, workflows, self.template_dir)
        self.current = loaded
        for form in loaded.forms.values():
            self._forms[(form.name, form.version)] = form
        for workflow in loaded.workflows.values():
            self._workflows[(workflow.name, workflow.version)] = workflow
        return loaded

    def publish(self, session: Session, by: str = "files") -> list[Definition]:
        """Record every current version not yet in the database; return the new rows."""
        assert self.current is not None, "load_files() first"
        rows = []
        specs: list[tuple[str, FormSpec | WorkflowSpec]] = [
            ("form", f) for f in self.current.forms.values()
        ] + [("workflow", w) for w in self.current.workflows.values()]
        for kind, spec in specs:
            exists = session.scalar(
                select(Definition.id).where(
                    Definition.kind == kind,
                    Definition.name == spec.name,
                    Definition.version == spec.version,
                )
            )
            if exists is None:
                row = Definition(
                    kind=kind,
                    name=spec.name,
                    version=spec.version,
                    source=spec.source,
                    path=spec.where.file if spec.where else "",
                    published_by=by,
                )
                session.add(row)
                rows.append(row)
        session.flush()
        return rows

    # -- lookups ---------------------------------------------------------------------

    def workflow_names(self) -> list[str]:
        """Return the names of the current workflows."""
        assert self.current is not None
        return sorted(self.current.workflows)

    def latest(self, workflow: str) -> Compiled:
        """Return the current version of a workflow, compiled."""
        assert self.current is not None
        spec = self.current.workflows[workflow]
        form = self.current.forms[spec.form]
        return self.compiled(spec.name, spec.version, form.version)

    def compiled(self, workflow: str, version: str, form_version: str) -> Compiled:
        """Return a pinned workflow version with its pinned form version, compiled once."""
        spec = self._workflows[(workflow, version)]
        form = self._forms[(spec.form, form_version)]
        key = (workflow, version)
        if key not in self._machines:
            self._machines[key] = WorkflowMachine(spec)
        form_key = (form.name, form.version)
        if form_key not in self._validators:
            self._validators[form_key] = FormValidator(form)
        return Compiled(spec, form, self._validators[form_key], self._machines[key])

    def validators_for(self, compiled: Compiled) -> dict[str, FormValidator]:
        """Return the validators of every form a workflow's transitions name."""
        return {compiled.form.name: compiled.validator}
