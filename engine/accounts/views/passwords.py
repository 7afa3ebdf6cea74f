"""Choosing a password from an emailed link, and asking for such a link.

Both pages are open to everyone. The request page gives the same reply whether or not
an account exists, so it tells nobody who has one.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from engine.accounts import users
from engine.accounts.mail import queue_password_reset
from engine.accounts.password_resets import may_send_reset
from engine.accounts.password_rules import password_errors
from engine.accounts.tokens import RESET_MAX_AGE, BadToken, read_password_token
from engine.accounts.views.auth import HOME_ENDPOINT, sign_in
from engine.platform.clock import utcnow
from engine.platform.mail import mail_settings
from engine.platform.services import services
from engine.platform.web.outbox_hook import deliver_after_response
from engine.platform.web.security import CurrentUser, public_route

bp = Blueprint("passwords", __name__, url_prefix="/auth")

Page = str | tuple[str, int] | Response

SENT = (
    "If an account exists with that email address or username, we have sent it a link "
    f"to choose a new password. The link works once, for {RESET_MAX_AGE // 3600} hours. "
    "If nothing arrives in a few minutes, check your spam folder."
)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public_route
def set_password(token: str) -> Response:
    """Show the new-password form for a link; set it, sign in and go to the dashboard."""
    secret = current_app.config["SECRET_KEY"]
    password = request.form.get("password", "")
    confirm = request.form.get("confirm_password", "")
    errors = password_errors(password, confirm) if request.method == "POST" else []
    signed_in: CurrentUser | None = None
    with services().db.transaction() as db_session:
        try:
            user = read_password_token(secret, token, db_session)
        except BadToken as problem:
            return _private(render_template("auth/link_problem.html", message=str(problem)), 400)
        account = {"name": user.name, "email": user.email, "username": user.username}
        if request.method == "POST" and not errors:
            # Changing the hash is what makes the link unusable; the update is conditional,
            # so of two requests racing with one link only one can set a password.
            if users.replace_password(db_session, user, password):
                signed_in = CurrentUser.of(user)
    if signed_in is not None:
        sign_in(signed_in)
        flash("Your password is set and you are signed in.", "success")
        return redirect(url_for(HOME_ENDPOINT))
    if request.method == "POST" and not errors:
        message = "This link has been used already. Ask for a new one below."
        return _private(render_template("auth/link_problem.html", message=message), 400)
    page = render_template("auth/set_password.html", account=account, errors=errors)
    return _private(page, 200)


@bp.route("/forgot-password", methods=["GET", "POST"])
@public_route
def forgot() -> Page:
    """Ask for an email address or username; send a reset link if there is such an account."""
    login = request.form.get("login", "").strip()
    if request.method == "GET":
        return render_template("auth/forgot_password.html", login="", errors=[])
    if not login:
        errors = [("login", "Enter your email address or username.")]
        return render_template("auth/forgot_password.html", login=login, errors=errors)
    per_hour = int(current_app.config["PASSWORD_RESET_MAX_PER_HOUR"])
    queued = False
    with services().db.transaction() as db_session:
        user = users.find_by_login(db_session, login)
        # Past the limit we still give the same reply: the limit protects a mailbox from
        # being flooded, and saying "too many" would tell that the account exists.
        if (
            user is not None
            and user.active
            and may_send_reset(db_session, user.email, utcnow(), per_hour)
        ):
            queue_password_reset(db_session, mail_settings(), user)
            queued = True
    if queued:
        deliver_after_response()
    flash(SENT, "info")
    return redirect(url_for("passwords.forgot"))


def _private(page: str, status: int) -> Response:
    # The address carries a secret: keep the page out of every cache.
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response
