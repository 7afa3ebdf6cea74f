"""Security by default: CSRF, sign-in sessions, role checks and headers."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, render_template, request, session
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user, login_required
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from engine.platform.models import User
from engine.platform.roles import STAFF_ROLES
from engine.platform.services import services
from engine.platform.web.parked_forms import park_post

F = TypeVar("F", bound=Callable[..., Any])

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
CSRF_MESSAGE = (
    "Your session expired or the form was sent twice; go back, reload the page and try again."
)
# Endpoints Flask itself adds; static files carry no user data.
_FRAMEWORK_ENDPOINTS = {"static"}

csrf = CSRFProtect()
# What the session remembers besides the user: the epoch it began in, when it was last used.
EPOCH = "epoch"
SEEN = "seen"
IDLE_MESSAGE = (
    "You were signed out because the service was not used for a while. Sign in again: "
    "everything you saved or continued past is kept."
)
PARKED_MESSAGE = (
    "You were signed out because the service was not used for a while, so what you just "
    "sent was not saved yet. Sign in again to send it: it is kept for you."
)


class CurrentUser(UserMixin):  # type: ignore[misc]  # flask_login is untyped
    """The signed-in user as the web layer sees it: a detached, read-only summary."""

    def __init__(
        self, id: int, email: str, name: str, roles: frozenset[str], epoch: int = 0
    ) -> None:
        self.id = id
        self.email = email
        self.name = name
        self.roles = roles
        self.epoch = epoch

    def has_role(self, role: str) -> bool:
        """Tell whether this user holds the role."""
        return role in self.roles

    @classmethod
    def of(cls, user: User) -> CurrentUser:
        """Build from a database row."""
        return cls(user.id, user.email, user.name, user.role_set(), user.session_epoch or 0)


class AnonymousUser(AnonymousUserMixin):  # type: ignore[misc]  # flask_login is untyped
    """Nobody signed in: holds no roles, so templates can ask without checking first."""

    id = None
    email = ""
    name = ""
    roles: frozenset[str] = frozenset()

    def has_role(self, role: str) -> bool:
        """Tell whether this user holds the role (never)."""
        return False


def init_security(app: Flask) -> None:
    """Switch on CSRF (and its error page), sign-in sessions and security headers."""
    _behind_proxies(app)
    csrf.init_app(app)
    manager = LoginManager()
    manager.login_view = "auth.login"
    manager.login_message = "Sign in to see that page."
    manager.login_message_category = "info"
    manager.anonymous_user = AnonymousUser
    manager.user_loader(load_user)
    manager.init_app(app)
    app.after_request(set_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)


def _behind_proxies(app: Flask) -> None:
    # Served over HTTPS, the session cookie is never sent over plain HTTP.
    if str(app.config["BASE_URL"]).lower().startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    # Behind N reverse proxies the client's address and scheme are in their headers; they
    # are believed only when the setting says how many proxies to trust.
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def load_user(user_id: str) -> CurrentUser | None:
    """Load the signed-in user from the session cookie's id; inactive users sign out."""
    try:
        key = int(user_id)
    except ValueError:
        return None
    with services().db.reading() as db_session:
        user = db_session.get(User, key)
        if user is None or not user.active:
            return None
        signed_in = CurrentUser.of(user)
    if session.get(EPOCH) != signed_in.epoch:
        return None  # signed out elsewhere, or the password changed since
    if _idle_too_long(signed_in):
        session.pop("_user_id", None)
        flash(PARKED_MESSAGE if park_post(signed_in.id) else IDLE_MESSAGE, "info")
        return None
    return signed_in


def start_session(user: CurrentUser) -> None:
    """Remember in the session the epoch it began in and when it was last used."""
    session[EPOCH] = user.epoch
    session[SEEN] = int(time.time())


def _idle_too_long(user: CurrentUser) -> bool:
    # Staff see everyone's records, so their sessions end sooner than providers'.
    config = current_app.config
    staff = bool(user.roles & STAFF_ROLES)
    minutes = int(config["STAFF_IDLE_MINUTES" if staff else "IDLE_MINUTES"])
    now = int(time.time())
    seen = session.get(SEEN)
    if not isinstance(seen, int) or now - seen > minutes * 60:
        return True
    # Written back at most once a minute, so most responses set no new cookie.
    if now - seen >= 60:
        session[SEEN] = now
    return False


def set_security_headers(response: Response) -> Response:
    """Add the security headers to every response."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Pages for a signed-in user hold personal data: keep them out of shared caches
    # and out of the back-button cache after signing out.
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def role_required(*roles: str) -> Callable[[F], F]:
    """Let the view run only for a signed-in user holding one of the roles."""
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not any(current_user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        guarded: Any = login_required(checked)
        # Read by unguarded_endpoints(): the route audit that every view is checked.
        guarded.required_roles = frozenset(roles)
        return cast(F, guarded)

    return decorate


def public_route(view: F) -> F:
    """Mark a view as open to everyone, so the route audit knows it was meant."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def unguarded_endpoints(app: Flask) -> list[str]:
    """Return the endpoints that are neither public_route nor role_required."""
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in _FRAMEWORK_ENDPOINTS
        and not getattr(view, "is_public", False)
        and not getattr(view, "required_roles", None)
    )


def is_safe_next(target: str | None) -> bool:
    """Tell whether a `next` value is a path on this site (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    # Browsers read "/\\evil.example" as "//evil.example"; control characters can hide it.
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_template("errors/400.html", message=CSRF_MESSAGE), 400
