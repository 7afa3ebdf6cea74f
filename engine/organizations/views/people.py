"""The people of the organization a person works for now: its account manager manages them.

Every user of the organization sees the list; only its account manager may add, remove
or hand over (others get 403). Someone who works for no organization gets 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine.organizations import memberships as orgs
from engine.organizations.current import current_membership
from engine.organizations.people_changes import (
    Errors,
    add_person,
    hand_over,
    membership_or_404,
    remove_person,
)
from engine.platform.models import Membership
from engine.platform.roles import ROLES as SIGNED_IN
from engine.platform.services import services
from engine.platform.web.security import role_required

bp = Blueprint("people", __name__, url_prefix="/organization/people")

Page = str | tuple[str, int] | Response


@bp.route("", methods=["GET", "POST"])
@role_required(*SIGNED_IN)
def people() -> Page:
    """List the organization's people; the account manager adds one by POST."""
    mine = _mine()
    form = {key: request.form.get(key, "").strip() for key in ("name", "email")}
    errors: Errors = []
    if request.method == "POST":
        _require_manager(mine)
        errors, notice = add_person(mine.organization_id, form["name"], form["email"])
        if not errors:
            flash(notice, "success")
            return redirect(url_for("people.people"))
    with services().db.reading() as session:
        rows = orgs.members(session, mine.organization_id)
    return render_template(
        "organization/people.html",
        organization=mine.organization,
        members=rows,
        can_manage=mine.role == orgs.MANAGER,
        form=form,
        errors=errors,
    )


@bp.route("/<int:user_id>/remove", methods=["GET", "POST"])
@role_required(*SIGNED_IN)
def remove(user_id: int) -> Page:
    """Ask to confirm; on POST take the person off the organization."""
    mine = _require_manager(_mine())
    target = membership_or_404(mine.organization_id, user_id)
    error = ""
    if request.method == "POST":
        error = remove_person(mine.organization_id, user_id)
        if not error:
            flash(f"{target.user.name} no longer works for {mine.organization.name}.", "success")
            return redirect(url_for("people.people"))
    page = render_template(
        "organization/confirm_remove.html",
        organization=mine.organization,
        target=target,
        action=url_for("people.remove", user_id=user_id),
        back=url_for("people.people"),
        error=error,
    )
    return (page, 400) if error else page


@bp.route("/<int:user_id>/hand-over", methods=["GET", "POST"])
@role_required(*SIGNED_IN)
def hand_over_role(user_id: int) -> Page:
    """Ask to confirm; on POST make the person the account manager (you become a user)."""
    mine = _require_manager(_mine())
    target = membership_or_404(mine.organization_id, user_id)
    error = ""
    if request.method == "POST":
        error = hand_over(mine.organization_id, user_id)
        if not error:
            flash(
                f"{target.user.name} is now the account manager of {mine.organization.name}. "
                "You are a user of it now.",
                "success",
            )
            return redirect(url_for("people.people"))
    page = render_template(
        "organization/confirm_hand_over.html",
        organization=mine.organization,
        target=target,
        action=url_for("people.hand_over_role", user_id=user_id),
        back=url_for("people.people"),
        error=error,
        by_staff=False,
    )
    return (page, 400) if error else page


def _mine() -> Membership:
    found = current_membership()
    if found is None:
        abort(404)
    return found


def _require_manager(mine: Membership) -> Membership:
    if mine.role != orgs.MANAGER:
        abort(403)
    return mine
