"""The public provider directory: anyone may look up an approved provider, no sign-in."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engine.organizations.directory import directory_page
from engine.platform.services import services
from engine.platform.web.request_input import whole_number
from engine.platform.web.security import public_route

bp = Blueprint("directory", __name__)

MAX_QUERY = 200


@bp.get("/providers")
@public_route
def providers() -> str:
    """List the approved providers, or those whose name or number is like the search."""
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY]
    page = request.args.get("page", "1")
    with services().db.reading() as session:
        found = directory_page(session, query, whole_number(page) or 1)
    return render_template("public/providers.html", found=found, query=query)
