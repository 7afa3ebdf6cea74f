"""The provider switcher in the header: which organization a person is working for now."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine.organizations.current import choose, current_membership, my_memberships
from engine.platform.roles import ROLES as SIGNED_IN
from engine.platform.web.security import is_safe_next, role_required

bp = Blueprint("switcher", __name__, url_prefix="/organization")

NOT_YOURS = "You do not work for that provider, so you cannot switch to it."


@bp.app_context_processor
def working_for() -> dict[str, Any]:
    """Give templates the current membership and all of them (looked up only when used)."""
    return {"working_for": current_membership, "my_memberships": my_memberships}


@bp.post("/switch")
@role_required(*SIGNED_IN)
def switch() -> Response | tuple[str, int]:
    """Work for another of the person's organizations, then go back to the page they were on."""
    try:
        organization_id = int(request.form.get("organization_id", ""))
    except ValueError:
        organization_id = 0
    # A forged or stale id changes nothing: choose() checks the person's memberships.
    if not choose(organization_id):
        return render_template("errors/400.html", message=NOT_YOURS), 400
    chosen = current_membership()
    if chosen is not None:
        flash(
            f"You are now working for {chosen.organization.name} ({chosen.organization.number}).",
            "success",
        )
    next_url = request.form.get("next", "")
    return redirect(next_url if is_safe_next(next_url) else url_for("applicant.dashboard"))
