"""Agency staff's pages about provider organizations: find one, manage its people on request.

A manager change is asked of the agency by email (docs/domain.md, joining a provider
account): staff make it here, with the same controls an account manager has, and can set
an organization active or inactive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine.organizations import memberships as orgs
from engine.organizations.people_changes import (
    Errors,
    add_person,
    hand_over,
    membership_or_404,
    remove_person,
)
from engine.organizations.search import search
from engine.platform.models import Organization
from engine.platform.services import services
from engine.platform.web.security import role_required

bp = Blueprint("providers_admin", __name__, url_prefix="/admin/providers")

STAFF = ("reviewer", "admin")
STATUSES = {orgs.ACTIVE: "Active", orgs.INACTIVE: "Inactive"}

Page = str | tuple[str, int] | Response


@bp.get("")
@role_required(*STAFF)
def providers() -> str:
    """List every organization, or those whose name or number contains the search."""
    query = request.args.get("q", "").strip()[:200]
    with services().db.reading() as session:
        rows = search(session, query)
    return render_template(
        "admin/providers.html", rows=rows, query=query, statuses=STATUSES, active="providers"
    )


@bp.route("/<int:organization_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def provider(organization_id: int) -> Page:
    """Show an organization and its people; add a person by POST."""
    form = {key: request.form.get(key, "").strip() for key in ("name", "email")}
    errors: Errors = []
    if request.method == "POST":
        _organization(organization_id)
        errors, notice = add_person(organization_id, form["name"], form["email"])
        if not errors:
            flash(notice, "success")
            return redirect(url_for("providers_admin.provider", organization_id=organization_id))
    with services().db.reading() as session:
        organization = session.get(Organization, organization_id)
        if organization is None:
            abort(404)
        rows = orgs.members(session, organization_id)
    return render_template(
        "admin/provider.html",
        organization=organization,
        members=rows,
        form=form,
        errors=errors,
        statuses=STATUSES,
        active="providers",
    )


@bp.post("/<int:organization_id>/status")
@role_required(*STAFF)
def set_status(organization_id: int) -> Page:
    """Set the organization active or inactive."""
    status = request.form.get("status", "")
    if status not in STATUSES:
        abort(400)
    with services().db.transaction() as session:
        organization = session.get(Organization, organization_id)
        if organization is None:
            abort(404)
        organization.status = status
        name = organization.name
    flash(f"{name} is now {STATUSES[status].lower()}.", "success")
    return redirect(url_for("providers_admin.provider", organization_id=organization_id))


@bp.route("/<int:organization_id>/people/<int:user_id>/remove", methods=["GET", "POST"])
@role_required(*STAFF)
def remove(organization_id: int, user_id: int) -> Page:
    """Ask to confirm; on POST take the person off the organization."""
    return _confirmed(
        organization_id,
        user_id,
        remove_person,
        "organization/confirm_remove.html",
        "{person} no longer works for {organization}.",
    )


@bp.route("/<int:organization_id>/people/<int:user_id>/hand-over", methods=["GET", "POST"])
@role_required(*STAFF)
def hand_over_role(organization_id: int, user_id: int) -> Page:
    """Ask to confirm; on POST make the person the organization's account manager."""
    return _confirmed(
        organization_id,
        user_id,
        hand_over,
        "organization/confirm_hand_over.html",
        "{person} is now the account manager of {organization}.",
        by_staff=True,
    )


def _confirmed(
    organization_id: int,
    user_id: int,
    change: Callable[[int, int], str],
    template: str,
    done: str,
    **extra: Any,
) -> Page:
    """Show a change to one person's place to confirm; on POST make it, or say why not."""
    organization = _organization(organization_id)
    target = membership_or_404(organization_id, user_id)
    back = url_for("providers_admin.provider", organization_id=organization_id)
    error = ""
    if request.method == "POST":
        error = change(organization_id, user_id)
        if not error:
            flash(done.format(person=target.user.name, organization=organization.name), "success")
            return redirect(back)
    page = render_template(
        template,
        organization=organization,
        target=target,
        action=url_for(str(request.endpoint), organization_id=organization_id, user_id=user_id),
        back=back,
        error=error,
        **extra,
    )
    return (page, 400) if error else page


def _organization(organization_id: int) -> Organization:
    with services().db.reading() as session:
        found = session.get(Organization, organization_id)
    if found is None:
        abort(404)
    return found
