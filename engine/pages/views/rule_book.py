"""The public rule book: each workflow's rules in plain words, drawn from its YAML."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from engine.platform.services import services
from engine.platform.web.security import public_route
from engine.runtime.rule_book import rule_book

bp = Blueprint("rule_book", __name__, url_prefix="/rules")


@bp.get("")
@public_route
def index() -> str:
    """List the services, each linking to its rules."""
    registry = services().registry
    specs = [registry.latest(name).workflow for name in registry.workflow_names()]
    return render_template("public/rules_index.html", specs=specs)


@bp.get("/<workflow>")
@public_route
def rules(workflow: str) -> str:
    """Explain one workflow: what is asked, who decides, the deadlines, what is owed."""
    registry = services().registry
    if workflow not in registry.workflow_names():
        abort(404)
    compiled = registry.latest(workflow)
    book = rule_book(compiled.workflow, compiled.form)
    return render_template("public/rules.html", book=book, spec=compiled.workflow)
