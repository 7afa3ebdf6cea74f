"""A signed-in person's own account: who they are, whom they work for, their password."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from engine.accounts import users
from engine.accounts.password_rules import password_errors
from engine.accounts.sign_in_limits import throttle_of
from engine.organizations import memberships as orgs
from engine.platform.clock import utcnow
from engine.platform.models import User
from engine.platform.roles import ROLES
from engine.platform.services import services
from engine.platform.web.security import CurrentUser, role_required, start_session

bp = Blueprint("account", __name__, url_prefix="/account")

WRONG_PASSWORD = "Your current password is not correct."


@bp.get("")
@role_required(*ROLES)
def overview() -> str:
    """Show the person's name, email, username and the organizations they work for."""
    with services().db.reading() as db_session:
        user = db_session.get(User, current_user.id)
        if user is None:
            abort(404)
        memberships = orgs.memberships_of(db_session, user.id)
    return render_template("account/overview.html", user=user, memberships=memberships)


@bp.route("/password", methods=["GET", "POST"])
@role_required(*ROLES)
def change_password() -> str | Response:
    """Change the password: the current one, then the new one twice."""
    if request.method == "GET":
        return render_template("account/password.html", errors=[])
    current = request.form.get("current_password", "")
    password = request.form.get("password", "")
    confirm = request.form.get("confirm_password", "")
    errors = [] if current else [("current_password", "Enter your current password.")]
    errors += password_errors(password, confirm)
    changed = False
    if not errors:
        config = current_app.config
        # Checked like a sign-in, attempt recorded and throttled, so someone who finds a
        # signed-in browser cannot guess the password here either. Caught inside the
        # transaction so the attempt row commits even when the check fails.
        with services().db.transaction() as db_session:
            try:
                user = users.authenticate(
                    db_session,
                    current_user.email,
                    current,
                    ip=request.remote_addr or "",
                    now=utcnow(),
                    # No device is trusted here: the one at hand may not be its owner's.
                    throttle=throttle_of(config),
                )
            except users.Throttled as problem:
                errors = [("current_password", str(problem))]
            except users.AuthError:
                errors = [("current_password", WRONG_PASSWORD)]
            else:
                changed = users.replace_password(db_session, user, password)
                if not changed:
                    errors = [("current_password", "Your password changed meanwhile; try again.")]
    if not changed:
        return render_template("account/password.html", errors=errors)
    # The other sessions ended with the change; this one goes on under the new epoch.
    start_session(CurrentUser.of(user))
    flash("Your password has been changed. Use the new one next time you sign in.", "success")
    return redirect(url_for("account.overview"))
