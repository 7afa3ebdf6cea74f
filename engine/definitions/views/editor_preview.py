"""The editor's live preview: the text being typed, checked as the Check button checks it,
answered with the part of the page that shows the problems, the changes and the preview.

It only reads: nothing is written to a file or published, whatever the text says.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from engine.definitions.views.editor import (
    beside_text,
    check_text,
    definition_file,
    elsewhere_problems,
    posted_text,
)
from engine.platform.web.security import role_required

bp = Blueprint("editor_preview", __name__, url_prefix="/admin/definitions")
# The largest definition file is a few kilobytes; anything much bigger is no edit of one,
# and checking it would only keep a worker busy.
MAX_TEXT = 200_000


@bp.post("/<kind>/<name>/preview")
@role_required("admin")
def preview(kind: str, name: str) -> tuple[str, int, dict[str, str]]:
    """Check the text sent and answer with the preview fragment; never write or publish."""
    path = definition_file(kind, name)
    text = posted_text()
    if len(text) > MAX_TEXT:
        abort(413)
    problems, elsewhere, checked = check_text(path, text)
    problems += elsewhere_problems(elsewhere)
    fragment = render_template(
        "admin/_definition_preview.html",
        live=True,
        problems=problems,
        **beside_text(kind, name, checked, _live_plans()),
    )
    # A fragment of one moment's text: never worth keeping.
    return fragment, 200, {"Cache-Control": "no-store"}


def _live_plans() -> int:
    # Each plan costs a validation of its answers as one types; Check plans them all.
    return int(current_app.config["EDITOR_LIVE_PLANS"])
