"""The definition registry: the current files, every published version, compiled once.

Forms and workflows are loaded from forms/ and workflows/ and frozen. Each version (a
content hash) is recorded in the definitions table, so an application pinned to an
older version can still be rendered and validated after the files change.

What is in force is the latest version published: every process follows the table
(`follow_published`), so a version published by `flask definitions publish`, or by
another process, is used by new applications everywhere without a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from engine.platform.db import Database
from engine.platform.models import Application, Definition, Publication
from engine.runtime.machine import WorkflowMachine
from engine.runtime.validation import FormValidator
from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.loader import Definitions, load_definitions, load_texts
from engine.spec.model import FormSpec, WorkflowSpec

log = logging.getLogger(__name__)


class NotLoaded(RuntimeError):
    """The registry holds no definitions from the files: broken, or load_files() not run."""


@dataclass(frozen=True)
class Compiled:
    """A workflow version with its form version, validator and machine."""

    workflow: WorkflowSpec
    form: FormSpec
    validator: FormValidator
    machine: WorkflowMachine


class DefinitionRegistry:
    """Holds the current definitions and every version met so far, compiled once."""

    def __init__(self, root: Path, template_dir: Path, db: Database | None = None) -> None:
        self.root = root
        self.template_dir = template_dir
        self.db = db
        self.current: Definitions | None = None
        self._forms: dict[tuple[str, str], FormSpec] = {}
        self._workflows: dict[tuple[str, str], WorkflowSpec] = {}
        self._validators: dict[tuple[str, str], FormValidator] = {}
        self._machines: dict[tuple[str, str], WorkflowMachine] = {}
        self._published = False
        # The newest definitions row this process has looked at (0: none yet).
        self._seen = 0
        # versions_in_use(), kept until something is published or put in force.
        self._in_use: Mapping[str, tuple[WorkflowSpec, ...]] = {}
        self._in_use_key: tuple[object, ...] | None = None

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
        self._remember(loaded)
        return loaded

    def pinned_problems(
        self, session: Session, on_disk: Mapping[str, str]
    ) -> list[DefinitionError]:
        """Return what the files on disk take away from versions applications are pinned to.

        Each version an application under way keeps must still find the email templates,
        listing pages and layouts it names. Versions the files themselves hold (`on_disk`,
        workflow name to version) are left out: checking the files reports those.
        """
        # One pass over the applications under way (a command's cost, not a request's).
        pinned = session.execute(
            select(
                Application.workflow,
                Application.workflow_version,
                Application.form_version,
                func.count(),
            )
            .where(Application.final_at.is_(None))
            .group_by(Application.workflow, Application.workflow_version, Application.form_version)
        ).all()
        problems: list[DefinitionError] = []
        seen: set[tuple[str, str]] = set()
        totals: dict[tuple[str, str], int] = {}
        for workflow, version, _, count in pinned:
            totals[(workflow, version)] = totals.get((workflow, version), 0) + count
        for workflow, version, form_version, _ in pinned:
            if on_disk.get(workflow) == version or (workflow, version) in seen:
                continue
            seen.add((workflow, version))
            try:
                texts = self._stored_texts(session, workflow, version, form_version)
                # Judged by what the files take away only: it loads without looking.
                load_texts(texts, None)
            except (KeyError, DefinitionsInvalid):
                continue
            try:
                load_texts(texts, self.template_dir)
            except DefinitionsInvalid as error:
                count = totals[(workflow, version)]
                kept = f"{count} application{'s' if count != 1 else ''} under way"
                problems += [
                    replace(e, message=f"{e.message} ({kept} still use this version)")
                    for e in error.errors
                ]
        return problems

    def versions_in_use(self, session: Session) -> Mapping[str, tuple[WorkflowSpec, ...]]:
        """Return each workflow's current version and every version unfinished ones keep.

        A new version comes into use only by being published, so the answer is kept
        until the publications change; one indexed query (a partial index) otherwise.
        """
        newest = session.scalar(select(func.max(Publication.id)))
        current = self.loaded().workflows
        key = (newest, tuple(sorted((n, w.version) for n, w in current.items())))
        if key == self._in_use_key:
            return self._in_use
        found: dict[str, dict[str, WorkflowSpec]] = {
            name: {spec.version: spec} for name, spec in current.items()
        }
        pinned = session.execute(
            select(Application.workflow, Application.workflow_version, Application.form_version)
            .where(Application.final_at.is_(None))
            .distinct()
        ).all()
        for workflow, version, form_version in pinned:
            if version in found.get(workflow, {}):
                continue
            try:
                spec = self.compiled(workflow, version, form_version).workflow
            except (KeyError, DefinitionsInvalid):
                log.warning("version %s of %s cannot be loaded", version, workflow)
                continue
            found.setdefault(workflow, {})[version] = spec
        self._in_use = {name: tuple(versions.values()) for name, versions in found.items()}
        self._in_use_key = key
        return self._in_use

    def load_published(self) -> Definitions:
        """Put in force the versions published last: how a process starts on broken files.

        With nothing published yet (or nothing loadable), no form or workflow is in force
        until the files are fixed and published; the process runs all the same.
        """
        loaded = Definitions()
        if self.db is not None:
            try:
                with self.db.reading() as session:
                    rows = self.in_force(session)
                    self._seen = int(session.scalar(select(func.max(Publication.id))) or 0)
                if rows:
                    loaded = load_texts(_published_texts(rows), None)
            except (SQLAlchemyError, DefinitionsInvalid) as error:
                log.error("the published definitions cannot be loaded either:\n%s", error)
        self.current = loaded
        self._remember(loaded)
        # What is in force came from the table: there is nothing of the files to record.
        self._published = True
        return loaded

    def loaded(self) -> Definitions:
        """Return the definitions loaded from the files; raise NotLoaded when there are none."""
        if self.current is None:
            raise NotLoaded(f"no definitions are loaded from {self.root}: run load_files()")
        return self.current

    def publish(
        self, session: Session, by: str = "files", *, again: bool = True
    ) -> list[Definition]:
        """Put every current version in force that is not; return the versions published.

        A version never seen is stored; one stored but not in force (staff went back to
        it) is published again, unless `again` is False: a process starting on its files
        records new versions only, so an old copy of the files never undoes a publication.
        """
        current = self.loaded()
        rows = []
        specs: list[tuple[str, FormSpec | WorkflowSpec]] = [
            ("form", f) for f in current.forms.values()
        ] + [("workflow", w) for w in current.workflows.values()]
        in_force = {(d.kind, d.name): d.id for d in self.in_force(session)}
        for kind, spec in specs:
            row = session.scalar(
                select(Definition).where(
                    Definition.kind == kind,
                    Definition.name == spec.name,
                    Definition.version == spec.version,
                )
            )
            if row is None:
                row = Definition(
                    kind=kind,
                    name=spec.name,
                    version=spec.version,
                    source=spec.source,
                    path=spec.where.file if spec.where else "",
                    published_by=by,
                )
                try:
                    # A savepoint: another process may publish the same version at once.
                    with session.begin_nested():
                        session.add(row)
                except IntegrityError:
                    continue
            elif in_force.get((kind, spec.name)) == row.id or not again:
                continue
            session.add(Publication(definition=row, published_by=by))
            rows.append(row)
        session.flush()
        return rows

    def in_force(self, session: Session) -> list[Definition]:
        """Return the version of each form and workflow published last."""
        latest = (
            select(func.max(Publication.id))
            .join(Definition, Publication.definition_id == Definition.id)
            .group_by(Definition.kind, Definition.name)
        )
        found = session.scalars(select(Publication).where(Publication.id.in_(latest))).all()
        return [p.definition for p in found]

    @property
    def needs_publishing(self) -> bool:
        """Tell whether this process has not yet recorded the versions of its own files."""
        return not self._published

    def ensure_published(self, session: Session) -> None:
        """Record the current versions once per process, before an application pins them."""
        if not self._published:
            self.publish(session, by="app", again=False)
            self._published = True

    def follow_published(self, session: Session) -> bool:
        """Put in force the latest published versions, if any is newer than ours.

        Returns whether anything changed. A published version that cannot be loaded (the
        code moved on since) is logged and the versions in force are kept.
        """
        newest = int(session.scalar(select(func.max(Publication.id))) or 0)
        if newest == self._seen or self.current is None:
            return False
        self._seen = newest
        rows = self.in_force(session)
        in_force = {("form", n): f.version for n, f in self.current.forms.items()}
        in_force |= {("workflow", n): w.version for n, w in self.current.workflows.items()}
        if {(r.kind, r.name): r.version for r in rows} == in_force:
            return False
        try:
            loaded = load_texts(_published_texts(rows), None)
        except DefinitionsInvalid as error:
            log.warning(
                "the latest published definitions cannot be loaded; keeping "
                "the versions in force:\n%s",
                error,
            )
            return False
        self.current = loaded
        self._remember(loaded)
        return True

    def _remember(self, loaded: Definitions) -> None:
        """Keep every version just loaded, so it is compiled and looked up once."""
        for form in loaded.forms.values():
            self._forms[(form.name, form.version)] = form
        for spec in loaded.workflows.values():
            self._workflows[(spec.name, spec.version)] = spec

    # -- lookups ---------------------------------------------------------------------

    def workflow_names(self) -> list[str]:
        """Return the names of the current workflows."""
        return sorted(self.loaded().workflows)

    def latest(self, workflow: str) -> Compiled:
        """Return the current version of a workflow, compiled."""
        current = self.loaded()
        spec = current.workflows[workflow]
        form = current.forms[spec.form]
        return self.compiled(spec.name, spec.version, form.version)

    def compiled(self, workflow: str, version: str, form_version: str) -> Compiled:
        """Return a pinned workflow version with its pinned form version, compiled once."""
        if (workflow, version) not in self._workflows:
            self._load_stored(workflow, version, form_version)
        spec = self._workflows[(workflow, version)]
        if (spec.form, form_version) not in self._forms:
            self._load_stored(workflow, version, form_version)
        form = self._forms[(spec.form, form_version)]
        key = (workflow, version)
        if key not in self._machines:
            self._machines[key] = WorkflowMachine(spec)
        return Compiled(spec, form, self._validator(form), self._machines[key])

    def _validator(self, form: FormSpec) -> FormValidator:
        """Return the form version's validator, compiled once."""
        key = (form.name, form.version)
        if key not in self._validators:
            self._validators[key] = FormValidator(form)
        return self._validators[key]

    def _load_stored(self, workflow: str, version: str, form_version: str) -> None:
        """Load an older published version from the database (the files have moved on)."""
        if self.db is None:
            raise KeyError((workflow, version))
        with self.db.reading() as session:
            texts = self._stored_texts(session, workflow, version, form_version)
        self._remember(load_texts(texts, None))

    def _stored_texts(
        self, session: Session, workflow: str, version: str, form_version: str
    ) -> list[tuple[str, str]]:
        """Return the texts a stored version loads from: it, its form, the current others."""
        flow = session.scalar(
            select(Definition).where(
                Definition.kind == "workflow",
                Definition.name == workflow,
                Definition.version == version,
            )
        )
        if flow is None:
            raise KeyError((workflow, version))
        form_rows = session.scalars(
            select(Definition).where(Definition.kind == "form", Definition.version == form_version)
        ).all()
        texts = [_text(flow)] + [_text(f) for f in form_rows]
        # Report forms of obligations are not pinned: the current ones lend their names.
        pinned = {f.name for f in form_rows}
        if self.current is not None:
            texts += [
                (f"{f.where.file if f.where else f.name}", f.source)
                for f in self.current.forms.values()
                if f.name not in pinned
            ]
        return texts

    def form(self, name: str, version: str | None = None) -> tuple[FormSpec, FormValidator]:
        """Return a form (the current version, or a stored one) and its validator."""
        if version is None:
            spec = self.loaded().forms[name]
        else:
            if (name, version) not in self._forms:
                self._load_stored_form(name, version)
            spec = self._forms[(name, version)]
        return spec, self._validator(spec)

    def _load_stored_form(self, name: str, version: str) -> None:
        self._remember(load_texts([_text(self._stored("form", name, version))], None))

    def _stored(self, kind: str, name: str, version: str) -> Definition:
        """Return a published version's row; KeyError when there is none."""
        if self.db is None:
            raise KeyError((name, version))
        with self.db.reading() as session:
            row = session.scalar(
                select(Definition).where(
                    Definition.kind == kind, Definition.name == name, Definition.version == version
                )
            )
        if row is None:
            raise KeyError((name, version))
        return row

    def validators_for(self, compiled: Compiled) -> dict[str, FormValidator]:
        """Return the validators of every form a workflow's transitions name."""
        return {compiled.form.name: compiled.validator}


def _text(row: Definition) -> tuple[str, str]:
    """Return a stored version as (where it came from, its text) for the loader."""
    return f"{row.path or row.name} (version {row.version})", row.source


def _published_texts(rows: list[Definition]) -> list[tuple[str, str]]:
    """Return the versions in force as (file they came from, text) for the loader."""
    return [(r.path or f"{r.kind}s/{r.name}.yaml", r.source) for r in rows]
