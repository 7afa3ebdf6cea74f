"""The editor's live preview: the text being typed, checked as the Check button checks it,
answered with the part of the page that shows the problems, the changes and the preview.

It only reads: nothing is written to a file or published, whatever the text says.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from engine.runtime.upgrade import NO_UPGRADE
from engine.web.editor import (
    changes_of,
    check_text,
    definition_file,
    elsewhere_problems,
    plans_of,
    preview_of,
)
from engine.web.security import role_required

bp = Blueprint("editor_preview", __name__, url_prefix="/admin/definitions")
# The largest definition file is a few kilobytes; anything much bigger is no edit of one,
# and checking it would only keep a worker busy.
MAX_TEXT = 200_000
# Applications planned per workflow as one types (each costs a validation of its
# answers), unless EDITOR_LIVE_PLANS says otherwise; the Check button plans them all.
LIVE_PLANS = 100


@bp.post("/<kind>/<name>/preview")
@role_required("admin")
def preview(kind: str, name: str) -> tuple[str, int, dict[str, str]]:
    """Check the text sent and answer with the preview fragment; never write or publish."""
    path = definition_file(kind, name)
    text = request.form.get("text", "").replace("\r\n", "\n")
    if len(text) > MAX_TEXT:
        abort(413)
    problems, elsewhere, checked = check_text(path, text)
    problems += elsewhere_problems(elsewhere)
    fragment = render_template(
        "admin/_definition_preview.html",
        live=True,
        problems=problems,
        preview=preview_of(kind, name, checked),
        changes=changes_of(kind, name, checked) if checked is not None else None,
        plans=plans_of(kind, name, checked, _live_plans()) if checked is not None else [],
        no_upgrade=NO_UPGRADE,
    )
    # A fragment of one moment's text: never worth keeping.
    return fragment, 200, {"Cache-Control": "no-store"}


def _live_plans() -> int:
    return int(current_app.config.get("EDITOR_LIVE_PLANS", LIVE_PLANS))
