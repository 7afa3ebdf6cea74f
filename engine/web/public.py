"""Pages anyone may read without signing in."""

from __future__ import annotations

from flask import Blueprint, render_template

from engine.web.security import public_route
from engine.web.services import services

bp = Blueprint("public", __name__)


@bp.get("/")
@public_route
def home() -> str:
    """Show what the service is and the applications one can start."""
    registry = services().registry
    workflows = [registry.latest(name).workflow for name in registry.workflow_names()]
    return render_template("public/home.html", workflows=workflows)
