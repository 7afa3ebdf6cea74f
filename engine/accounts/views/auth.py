"""Creating an account, signing in (with an email address or a username) and signing out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from engine.accounts import sign_ups, users
from engine.accounts.password_rules import password_errors
from engine.accounts.sign_in_limits import known_device, remember_device, throttle_of
from engine.platform.clock import utcnow
from engine.platform.mail import mail_settings
from engine.platform.roles import ROLES
from engine.platform.services import services
from engine.platform.web.outbox_hook import deliver_after_response
from engine.platform.web.parked_forms import parked_for, unpark
from engine.platform.web.security import (
    CurrentUser,
    is_safe_next,
    public_route,
    role_required,
    start_session,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")

Errors = list[tuple[str, str]]
Page = str | tuple[str, int] | Response

HOME_ENDPOINT = "applicant.dashboard"


@bp.route("/signup", methods=["GET", "POST"])
@public_route
def signup() -> Page:
    """Show the sign-up form; create the account, sign in and go to the dashboard."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME_ENDPOINT))
    form = {key: request.form.get(key, "") for key in ("name", "email")}
    if request.method == "GET":
        return render_template("auth/signup.html", form=form, errors=[])
    password = request.form.get("password", "")
    confirm = request.form.get("confirm_password", "")
    errors = _signup_errors(form["name"], form["email"], password, confirm)
    if not errors:
        per_hour = int(current_app.config["SIGN_UP_EMAILS_PER_HOUR"])
        with services().db.transaction() as db_session:
            queued = sign_ups.start_sign_up(
                db_session,
                mail_settings(),
                form["name"],
                form["email"],
                password,
                utcnow(),
                per_hour,
            )
        if queued:
            # Sent after the reply, so a known address is not told apart by the time taken.
            deliver_after_response()
        email = users.normalise_email(form["email"])
        return render_template("auth/signup_sent.html", email=email)
    return render_template("auth/signup.html", form=form, errors=errors)


@bp.route("/login", methods=["GET", "POST"])
@public_route
def login() -> Page:
    """Show the sign-in form; sign in and go to `next` (a local path) or the dashboard.

    The `email` input takes an email address or a username (its name stays `email`).
    """
    next_url = request.values.get("next", "")
    if not is_safe_next(next_url):
        next_url = ""
    email = request.form.get("email", "").strip()
    if request.method == "GET":
        return render_template("auth/login.html", email="", next=next_url, errors=[])
    password = request.form.get("password", "")
    errors: Errors = []
    if not email:
        errors.append(("email", "Enter your email address or username."))
    if not password:
        errors.append(("password", "Enter your password."))
    if errors:
        return render_template("auth/login.html", email=email, next=next_url, errors=errors)
    config = current_app.config
    problem: users.AuthError | None = None
    signed_in: CurrentUser | None = None
    # The attempt row must be committed even when signing in fails, so catch inside.
    with services().db.transaction() as db_session:
        try:
            user = users.authenticate(
                db_session,
                email,
                password,
                ip=request.remote_addr or "",
                now=utcnow(),
                throttle=throttle_of(config),
                known_device=known_device(request, config["SECRET_KEY"]),
            )
            signed_in = CurrentUser.of(user)
        except users.AuthError as failure:
            problem = failure
    if signed_in is None:
        status = 429 if isinstance(problem, users.Throttled) else 200
        page = render_template(
            "auth/login.html", email=email, next=next_url, errors=[("email", str(problem))]
        )
        return page, status
    sign_in(signed_in)
    # What they sent as the session ended comes first (parked_forms).
    parked = parked_for(int(signed_in.id))
    response = redirect(url_for("auth.resume") if parked else next_url or url_for(HOME_ENDPOINT))
    secure = bool(config.get("SESSION_COOKIE_SECURE"))
    remember_device(response, int(signed_in.id), config["SECRET_KEY"], secure)
    return response


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
@public_route
def confirm_sign_up(token: str) -> Response:
    """Show the button that creates the account of an emailed link; create it on POST.

    GET changes nothing: mail scanners open links before people do.
    """
    created: CurrentUser | None = None
    with services().db.transaction() as db_session:
        pending = sign_ups.pending_sign_up(db_session, token, utcnow())
        if pending is None:
            return _private(render_template("auth/signup_link_problem.html"), 400)
        if request.method == "GET":
            page = render_template("auth/signup_confirm.html", email=pending.email)
            return _private(page, 200)
        user = sign_ups.finish_sign_up(db_session, pending)
        if user is not None:
            created = CurrentUser.of(user)
    if created is None:
        flash("There is an account with this email address already: sign in.", "info")
        return redirect(url_for("auth.login"))
    sign_in(created)
    flash("Your email address is confirmed and your account is ready.", "success")
    return redirect(url_for(HOME_ENDPOINT))


def _private(page: str, status: int) -> Response:
    # The address carries a secret: keep the page out of every cache.
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/resume", methods=["GET", "POST"])
@role_required(*ROLES)
def resume() -> Page:
    """Show what was sent as the session ended; send it on (POST, 307) or leave it."""
    user_id = int(current_user.id)
    parked = parked_for(user_id)
    if parked is None:
        return redirect(url_for(HOME_ENDPOINT))
    if request.method == "GET":
        return render_template("auth/resume.html", parked=parked)
    unpark(user_id)
    if request.form.get("resume") == "send":
        # 307 keeps the method and body: the browser sends the same fields, with this
        # session's token, to where they were going.
        return redirect(parked.path, code=307)
    return redirect(parked.path, code=303)


@bp.route("/logout", methods=["POST"])
@public_route
def logout() -> Response:
    """Sign out (POST only, so a link on another site cannot sign anyone out)."""
    if current_user.is_authenticated:
        # Every session of the account ends, not only this browser's.
        with services().db.transaction() as db_session:
            users.end_sessions(db_session, int(current_user.id))
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def sign_in(user: CurrentUser) -> None:
    """Start a fresh session for this user."""
    # Nothing set before it (and no planted session id) carries over.
    session.clear()
    login_user(user)
    start_session(user)


def _signup_errors(name: str, email: str, password: str, confirm: str) -> Errors:
    errors: Errors = []
    if not name.strip():
        errors.append(("name", "Enter your full name."))
    elif len(name.strip()) > 200:
        errors.append(("name", "Full name must be 200 characters or fewer."))
    if not email.strip():
        errors.append(("email", "Enter your email address."))
    elif not users.is_valid_email(users.normalise_email(email)):
        errors.append(
            ("email", "Enter an email address in the correct format, like name@example.com.")
        )
    errors.extend(password_errors(password, confirm))
    return errors
