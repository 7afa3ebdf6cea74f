"""Public verification of a certificate by its code: no sign-in, nothing but the certificate.

Codes are random (50 bits), so guessing is hopeless; still, a page for an unknown code
says only that no certificate has it, and each visitor may try a limited number a minute.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine.certificates import issued as certs
from engine.platform.services import services
from engine.platform.web.security import public_route

bp = Blueprint("verify", __name__)

# Lookups per visitor address per minute; far more than a person checking certificates.
LIMIT_PER_MINUTE = 30
_SEEN = "formflow.verify_seen"


def _too_many(address: str, now: float) -> bool:
    """Tell whether this address has looked up too many codes in the last minute."""
    # Kept per app (one process's memory): a shared store is not worth it for 50-bit codes.
    _seen: defaultdict[str, deque[float]] = current_app.extensions.setdefault(
        _SEEN, defaultdict(deque)
    )
    times = _seen[address]
    while times and times[0] < now - 60:
        times.popleft()
    if len(times) >= LIMIT_PER_MINUTE:
        return True
    times.append(now)
    if len(_seen) > 10_000:  # forget idle addresses so the table cannot grow without end
        for key in [k for k, v in _seen.items() if not v]:
            del _seen[key]
    return False


@bp.get("/verify")
@public_route
def form() -> str | Response:
    """Show the form to type a verification code (or go to the code given as ?code=)."""
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("verify.certificate", code=certs.normalise_code(code) or code))
    return render_template("certificates/pages/verify.html", certificate=None, code="")


@bp.get("/verify/<code>")
@public_route
def certificate(code: str) -> tuple[str, int] | str:
    """Show whether the certificate with this code is valid, and what it certifies."""
    if _too_many(request.remote_addr or "", time.monotonic()):
        page = render_template("certificates/pages/verify.html", certificate=None, busy=True)
        return page, 429
    with services().db.reading() as session:
        found = certs.by_code(session, code)
        if found is not None:
            session.expunge(found)
    if found is None:
        return render_template("certificates/pages/verify.html", certificate=None, code=code), 404
    return render_template("certificates/pages/verify.html", certificate=found, code=code)
