"""Pages anyone may read without signing in."""

from __future__ import annotations

from flask import Blueprint, render_template

from engine.listings.items import page_names
from engine.platform.services import services
from engine.platform.web.security import public_route

bp = Blueprint("public", __name__)


@bp.get("/")
@public_route
def home() -> str:
    """Show what the service is and the applications one can start."""
    svc = services()
    registry = svc.registry
    workflows = [registry.latest(name).workflow for name in registry.workflow_names()]
    # The public listing pages some workflow feeds (/events, /portal ...), by name.
    listings = [
        svc.listing_pages[n] for n in sorted(page_names(registry)) if n in svc.listing_pages
    ]
    return render_template("public/home.html", workflows=workflows, listings=listings)
