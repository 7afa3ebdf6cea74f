"""Administrators see every publication of a form or workflow: which version, when, by
whom, and what its text changed against the one published before; any earlier version
opens in the editor, to be checked and published again like any text."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, render_template
from sqlalchemy import select

from engine.definitions.views.editor import KINDS, definition_file
from engine.platform.models import Definition, Publication
from engine.platform.services import services
from engine.platform.web.security import role_required

bp = Blueprint("definition_versions", __name__, url_prefix="/admin/definitions")


@dataclass(frozen=True)
class DiffLine:
    """One line of a text comparison: added (+), removed (-), kept ( ) or a marker (@)."""

    mark: str
    text: str


@dataclass(frozen=True)
class Published:
    """One publication as the page lists it, with the changes it made."""

    number: int
    version: str
    at: datetime
    by: str
    in_force: bool
    diff: list[DiffLine]
    added: int
    removed: int


@bp.get("/<kind>/<name>/versions")
@role_required("admin")
def versions(kind: str, name: str) -> str:
    """List the publications of one definition, newest first, each with its changes."""
    path = definition_file(kind, name)  # 404 for anything not in force
    with services().db.reading() as session:
        rows = session.execute(
            select(Publication, Definition)
            .join(Definition, Publication.definition_id == Definition.id)
            .where(Definition.kind == kind, Definition.name == name)
            .order_by(Publication.id)
        ).all()
        listed = [(p.published_at, p.published_by, d.version, d.source) for p, d in rows]
    found = []
    before = ""
    for number, (at, by, version, source) in enumerate(listed, start=1):
        # The first publication has nothing to compare with: its whole text is new.
        diff = _diff(before, source) if number > 1 else []
        found.append(
            Published(
                number=number,
                version=version,
                at=at,
                by=by,
                in_force=number == len(listed),
                diff=diff,
                added=sum(line.mark == "+" for line in diff),
                removed=sum(line.mark == "-" for line in diff),
            )
        )
        before = source
    return render_template(
        "admin/definition_versions.html",
        kind=kind,
        name=name,
        path=f"{KINDS[kind]}/{path.name}",
        published=list(reversed(found)),
    )


def _diff(before: str, after: str) -> list[DiffLine]:
    """Compare two texts line by line, with three lines of context around each change."""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=3)
    found = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        found.append(DiffLine(line[:1], line[1:]))
    return found
