"""Administrators edit a form or workflow in the browser: the text is checked as lint
checks it, with each problem's line beside the text; a good text is written to its file
and published, so every process uses it for new applications without a restart.

The files stay the source of truth: the editor writes them, exactly as a text editor and
`flask definitions publish` would.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine.applications.cases import today
from engine.definitions import upgrades
from engine.definitions.views.workflows import move_under_way
from engine.platform.models import Definition
from engine.platform.services import services
from engine.platform.web.form_view import page_fields
from engine.platform.web.security import role_required
from engine.runtime.diagram import workflow_svg
from engine.runtime.upgrade import NO_UPGRADE
from engine.runtime.validation import FormValidator
from engine.spec.change_impact import Change, form_changes, workflow_changes
from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.loader import Definitions, lint, lint_deep, load_definitions
from engine.spec.yaml_source import read_source

bp = Blueprint("editor", __name__, url_prefix="/admin/definitions")
KINDS = {"form": "forms", "workflow": "workflows"}


@dataclass(frozen=True)
class Problem:
    """One problem of the text being edited, by its line."""

    line: int
    column: int
    message: str


@bp.get("")
@role_required("admin")
def index() -> str:
    """List every form and workflow in force, and what is wrong with the files on disk."""
    svc = services()
    current = svc.registry.loaded()
    files = [svc.registry.root / folder for folder in KINDS.values()]
    return render_template(
        "admin/definitions.html",
        forms=sorted(current.forms.values(), key=lambda f: f.name),
        workflows=sorted(current.workflows.values(), key=lambda w: w.name),
        # Checked afresh: a file fixed since the process started is no longer listed.
        file_problems=[_located(e, current) for e in lint(files, svc.registry.template_dir)],
        other_problems=[p for p in svc.problems if p.what != "definitions"],
    )


@dataclass(frozen=True)
class FileProblem:
    """A problem of a file on disk, with the editor of its definition when it is in force."""

    where: str
    message: str
    editor: str


def _located(error: DefinitionError, current: Definitions) -> FileProblem:
    path = Path(error.file)
    editor = ""
    for kind, folder in KINDS.items():
        specs = current.forms if kind == "form" else current.workflows
        for spec in specs.values():
            written = Path(spec.where.file) if spec.where else None
            if path.parent.name == folder and written is not None and written.name == path.name:
                editor = url_for("editor.edit", kind=kind, name=spec.name)
    return FileProblem(f"{path.parent.name}/{path.name}:{error.line}", error.message, editor)


@bp.route("/<kind>/<name>", methods=["GET", "POST"])
@role_required("admin")
def edit(kind: str, name: str) -> str | Response | tuple[str, int]:
    """Show the text in force with its preview; check it, or publish it when it is good."""
    path = definition_file(kind, name)
    text = path.read_text(encoding="utf-8")
    # What the file held when the page was loaded: publishing over a text someone else
    # published since would undo their change unseen.
    base = text_hash(text)
    # "Open in the editor" from the list of versions: an earlier text, to check and publish.
    earlier = request.args.get("version") if request.method == "GET" else None
    if earlier:
        text = stored_text(kind, name, earlier)
    problems: list[Problem] = []
    checked: Definitions | None = None
    stale = False
    if request.method == "POST":
        text = posted_text()
        problems, elsewhere, checked = check_text(path, text)
        if not problems and not elsewhere and request.form.get("action") == "publish":
            with _file_lock(path):
                stale = request.form.get("base") != text_hash(path.read_text(encoding="utf-8"))
                if not stale:
                    return _publish(kind, name, path, text)
        problems += elsewhere_problems(elsewhere)
        if not stale:
            # Checking changes nothing: the page still stands on the text first loaded.
            # Once warned of someone else's change, the admin publishes over it knowingly.
            base = request.form.get("base", "")
    page = render_template(
        "admin/definition.html",
        kind=kind,
        name=name,
        path=_shown(path),
        text=text,
        problems=problems,
        **beside_text(kind, name, checked),
        earlier=earlier,
        base=base,
        stale=stale,
    )
    if stale:
        return page, 409
    return (page, 400) if problems else page


def posted_text() -> str:
    """Return the text sent from the editor's box, with the file's LF line ends."""
    # Browsers send text areas with CRLF line ends.
    return request.form.get("text", "").replace("\r\n", "\n")


def beside_text(
    kind: str, name: str, checked: Definitions | None, limit: int | None = None
) -> dict[str, Any]:
    """Return what is shown beside the text: the preview and, for a text checked good,
    what it changes and what publishing does with applications under way (planning all
    of them, or the first `limit` per workflow)."""
    return {
        "preview": _preview_of(kind, name, checked),
        "changes": _changes_of(kind, name, checked) if checked is not None else None,
        "plans": _plans_of(kind, name, checked, limit) if checked is not None else [],
        "no_upgrade": NO_UPGRADE,
    }


def text_hash(text: str) -> str:
    """Return a short fingerprint of a file's text, to tell whether it changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold a lock for this definition file, so two publishers on one machine take turns
    between comparing the file and writing it."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    lock = Path(tempfile.gettempdir()) / f"formflow-editor-{digest}.lock"
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stored_text(kind: str, name: str, version: str) -> str:
    """Return the text of a stored version of a definition (404 when there is none)."""
    with services().db.reading() as session:
        source = session.scalar(
            select(Definition.source).where(
                Definition.kind == kind, Definition.name == name, Definition.version == version
            )
        )
    if source is None:
        abort(404)
    return source


def elsewhere_problems(errors: list[DefinitionError]) -> list[Problem]:
    """Return the problems this text causes in other files, each naming its file."""
    return [
        Problem(0, 0, f"{Path(e.file).parent.name}/{Path(e.file).name}:{e.line}: {e.message}")
        for e in errors
    ]


def definition_file(kind: str, name: str) -> Path:
    """Return the file of a definition in force (404 for anything else)."""
    registry = services().registry
    current = registry.current
    if kind not in KINDS or current is None:
        abort(404)
    if name not in (current.forms if kind == "form" else current.workflows):
        abort(404)
    for path in sorted((registry.root / KINDS[kind]).glob("*.yaml")):
        try:
            if read_source(path).data.get(kind) == name:
                return path
        except (DefinitionsInvalid, AttributeError):
            continue
    abort(404)


def check_text(
    path: Path, text: str
) -> tuple[list[Problem], list[DefinitionError], Definitions | None]:
    """Lint the text with every other file as it is; return its problems, others', and,
    when there are none, the definitions as they would be with this text."""
    registry = services().registry
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder)
        for kind_folder in KINDS.values():
            shutil.copytree(registry.root / kind_folder, copy / kind_folder)
        edited = copy / path.parent.name / path.name
        edited.write_text(text, encoding="utf-8")
        found = lint_deep([copy / "forms", copy / "workflows"], registry.template_dir)

        def is_own(error: DefinitionError) -> bool:
            where = Path(error.file)
            return (where.parent.name, where.name) == (path.parent.name, path.name)

        own = [Problem(e.line, e.column, e.message) for e in found if is_own(e)]
        others = [e for e in found if not is_own(e)]
        loaded = None
        if not found:
            loaded = load_definitions(
                sorted((copy / "forms").glob("*.yaml")),
                sorted((copy / "workflows").glob("*.yaml")),
                registry.template_dir,
            )
    return own, others, loaded


def _publish(kind: str, name: str, path: Path, text: str) -> Response:
    """Write the file (whole, or not at all), then publish what changed."""
    svc = services()
    registry = svc.registry
    before = registry.latest(name) if kind == "workflow" else None
    old_form = registry.form(name)[0] if kind == "form" else None
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".yaml.tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)  # atomic: another process reads the old text or the new
    registry.load_files()
    with svc.db.transaction() as session:
        rows = registry.publish(session, by=current_user.email)
        registry.follow_published(session)
    changes: list[Change] = []
    if before is not None:
        changes = workflow_changes(before.workflow, registry.latest(name).workflow)
    elif old_form is not None:
        changes = form_changes(old_form, registry.form(name)[0])
    version = next((r.version for r in rows if r.name == name), None)
    if version is None:
        flash("Nothing changed: this text is the version in force.", "info")
    else:
        flash(f"Published {kind} {name} version {version}; new applications use it now.", "success")
        for change in changes:
            flash(f"Change: {change.words}.", "info")
    _move_under_way()
    return redirect(url_for("editor.edit", kind=kind, name=name))


def _move_under_way() -> None:
    """Move the applications of every workflow declaring `upgrade:` onto its version in
    force, as `flask definitions publish` does; say what moved and what stays."""
    registry = services().registry
    for workflow in registry.workflow_names():
        if registry.latest(workflow).workflow.upgrade is not None:
            move_under_way(workflow, titled=True)


def _plans_of(
    kind: str, name: str, checked: Definitions, limit: int | None = None
) -> list[tuple[str, list[upgrades.Pending], int]]:
    """Return, for each workflow the checked text touches, the applications under way on
    another version (all, or the first `limit`), what publishing would do with them, and
    how many there are in all."""
    svc = services()
    touched = [
        spec
        for spec in checked.workflows.values()
        if (kind == "workflow" and spec.name == name) or (kind == "form" and spec.form == name)
    ]
    found = []
    with svc.db.reading() as session:
        for spec in touched:
            target = upgrades.Target(spec, FormValidator(checked.forms[spec.form]))
            items = upgrades.pending(
                session, svc.registry, target, today(), svc.calendar, limit=limit
            )
            if items:
                total = len(items) if limit is None else upgrades.count_pending(session, target)
                found.append((spec.title, items, total))
    return found


def _changes_of(kind: str, name: str, checked: Definitions) -> list[Change]:
    """Return what the checked text changes against the version in force."""
    registry = services().registry
    if kind == "workflow":
        return workflow_changes(registry.latest(name).workflow, checked.workflows[name])
    return form_changes(registry.form(name)[0], checked.forms[name])


def _preview_of(kind: str, name: str, checked: Definitions | None) -> dict[str, object]:
    """Return what the page shows beside the text: the diagram, or the form's pages, of
    the text just checked, or else of the version in force."""
    registry = services().registry
    label = "As checked, not yet published" if checked is not None else "In force now"
    if kind == "workflow":
        spec = checked.workflows[name] if checked else registry.latest(name).workflow
        diagram = Markup(workflow_svg(spec))  # noqa: S704 (the drawing escapes every text)
        return {"label": label, "diagram": diagram, "form_name": spec.form}
    form = checked.forms[name] if checked else registry.form(name)[0]
    pages = [
        (page, page_fields(form, page, {}, [], today(), services().calendar)) for page in form.pages
    ]
    # The workflows that ask this form (as their own, or as a report), to open beside it.
    users = sorted(
        (w.title, w.name)
        for w in registry.loaded().workflows.values()
        if w.form == name or any(o.form == name for o in w.obligations.values())
    )
    return {"label": label, "form": form, "pages": pages, "used_by": users}


def _shown(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"
