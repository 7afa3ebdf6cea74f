"""Educators see the certificates issued to their email address, with no account.

Step one asks for the address and always gives the same reply, so the page tells nobody
who has certificates; a code is written either way (only emailed when there are
certificates), so checking a code also behaves the same for every address. Step two
takes the code; step three lists the certificates and the units in the license term.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from engine.accounts.users import is_valid_email, normalise_email
from engine.certificates import educator_codes as codes
from engine.certificates import issued as certs
from engine.certificates.educator_mail import queue_code
from engine.platform.clock import utcnow
from engine.platform.mail import mail_settings
from engine.platform.services import services
from engine.platform.web.outbox_hook import deliver_after_response
from engine.platform.web.security import public_route
from engine.runtime import renewal_term as term
from engine.spec.conditions_nodes import parse_date

bp = Blueprint("educators", __name__, url_prefix="/educator")

Page = str | tuple[str, int] | Response

# How long a verified address stays signed in on this browser.
SIGNED_IN_FOR = timedelta(minutes=30)
PENDING, EMAIL, UNTIL, TERM_ENDS = (
    "educator_pending",
    "educator_email",
    "educator_until",
    "educator_term_ends",
)
SENT = (
    "If certificates were issued to that address, a code is on its way. It works for "
    f"{int(codes.LIFETIME.total_seconds() // 60)} minutes. If nothing arrives in a few "
    "minutes, check your spam folder and the address you typed."
)


@bp.route("", methods=["GET", "POST"])
@public_route
def start() -> Page:
    """Ask for an email address; send a code to it if certificates were issued to it."""
    if _verified() is not None:
        return redirect(url_for("educators.certificates"))
    email = normalise_email(request.form.get("email", ""))
    if request.method == "GET":
        return render_template("educators/start.html", email="", errors=[])
    if not email:
        errors = [("email", "Enter your email address.")]
    elif not is_valid_email(email):
        errors = [("email", "Enter an email address in the correct format, like name@example.com.")]
    else:
        errors = []
    if errors:
        return render_template("educators/start.html", email=email, errors=errors), 400
    config = current_app.config
    limits = codes.Limits(
        int(config["EDUCATOR_CODES_PER_HOUR"]), int(config["EDUCATOR_CODES_PER_IP_HOUR"])
    )
    ip, now, queued = request.remote_addr or "", utcnow(), False
    with services().db.transaction() as db_session:
        if codes.ip_over_limit(db_session, ip, now, limits):
            throttled = True
        else:
            throttled = False
            # Past the address's limit the reply stays the same (saying "too many" would
            # tell that codes were sent), and the code already sent stays valid.
            if not codes.email_over_limit(db_session, email, now, limits):
                code = codes.new_code(db_session, config["SECRET_KEY"], email, now)
                if codes.has_certificates(db_session, email):
                    queue_code(db_session, mail_settings(), email, code)
                    queued = True
            codes.record_request(db_session, email, ip, now)
    if throttled:
        errors = [
            ("email", "Too many codes were asked for from your network. Try again in an hour.")
        ]
        return render_template("educators/start.html", email=email, errors=errors), 429
    if queued:
        deliver_after_response()
    session[PENDING] = email
    flash(SENT, "info")
    return redirect(url_for("educators.code"))


@bp.route("/code", methods=["GET", "POST"])
@public_route
def code() -> Page:
    """Take the code from the email; a right one shows the certificates."""
    pending = session.get(PENDING)
    if not isinstance(pending, str):
        return redirect(url_for("educators.start"))
    if request.method == "GET":
        return render_template("educators/code.html", email=pending, errors=[])
    typed = request.form.get("code", "").strip()
    if not typed:
        errors = [("code", "Enter the 6-digit code from the email.")]
        return render_template("educators/code.html", email=pending, errors=errors), 400
    problem = ""
    # The attempt must be committed even when the code is wrong, so catch inside.
    with services().db.transaction() as db_session:
        try:
            codes.use_code(db_session, current_app.config["SECRET_KEY"], pending, typed, utcnow())
        except codes.CodeRefused as refused:
            problem = str(refused)
    if problem:
        errors = [("code", problem)]
        return render_template("educators/code.html", email=pending, errors=errors), 400
    session.pop(PENDING, None)
    session[EMAIL] = pending
    session[UNTIL] = (utcnow() + SIGNED_IN_FOR).isoformat()
    return redirect(url_for("educators.certificates"))


@bp.get("/certificates")
@public_route
def certificates() -> Page:
    """List every certificate issued to the verified address and the units in the term."""
    email = _verified()
    if email is None:
        flash("To see your certificates, ask for a code first.", "info")
        return redirect(url_for("educators.start"))
    raw = request.args.get("term_ends")
    if raw is None:
        raw = session.get(TERM_ENDS, "")
    ends = parse_date(raw)
    errors = []
    if raw and ends is None:
        errors = [("term_ends", "Enter the date your license term ends, like 2027-06-30.")]
    elif ends is not None:
        session[TERM_ENDS] = ends.isoformat()
    with services().db.reading() as db_session:
        issued = certs.for_educator(db_session, email)
    earned = [
        term.Earned(
            tuple(d for d in (parse_date(a) for a in c.attended) if d is not None),
            c.units,
            c.revoked_at is not None,
        )
        for c in issued
    ]
    progress = None if ends is None else term.progress(term.term_ending(ends), earned)
    return render_template(
        "educators/certificates.html",
        email=email,
        rows=list(zip(issued, earned, strict=True)),
        progress=progress,
        term_ends=raw if errors else (ends.isoformat() if ends else ""),
        errors=errors,
        units_text=term.units_text,
        counts_in=term.counts_in,
        shown_code=certs.shown_code,
    )


@bp.post("/sign-out")
@public_route
def sign_out() -> Response:
    """Forget the verified address on this browser."""
    for key in (PENDING, EMAIL, UNTIL, TERM_ENDS):
        session.pop(key, None)
    flash("You have signed out of your certificates.", "success")
    return redirect(url_for("educators.start"))


def _verified() -> str | None:
    """Return the address verified on this browser, if it has not expired."""
    email, until = session.get(EMAIL), session.get(UNTIL)
    if not isinstance(email, str) or not isinstance(until, str):
        return None
    try:
        expires = datetime.fromisoformat(until)
    except ValueError:
        expires = None
    if expires is None or utcnow() >= expires:
        for key in (EMAIL, UNTIL, TERM_ENDS):
            session.pop(key, None)
        return None
    return email
