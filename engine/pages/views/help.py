"""The help pages: the list of topics and each topic, open to everyone."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from markupsafe import Markup

from engine.platform.help.topics import HelpTopic
from engine.platform.services import services
from engine.platform.web.security import public_route

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.get("")
@public_route
def index() -> str:
    """List the help topics with their summaries."""
    return render_template("public/help.html", topics=services().help.topics)


@bp.get("/<topic_id>")
@public_route
def topic(topic_id: str) -> str:
    """Show one help topic; an id that names no file found at start-up is 404."""
    found = services().help.get(topic_id)
    if found is None:
        abort(404)
    # The HTML was made at start-up from Markdown with raw HTML turned off: safe to show.
    body = Markup(found.html)
    return render_template(
        "public/help_topic.html", topic=found, body=body, topics=services().help.topics
    )


@bp.app_context_processor
def help_links() -> dict[str, Any]:
    """Let templates link to a topic only while a file for it exists."""

    def help_topic(topic_id: str) -> HelpTopic | None:
        return services().help.get(topic_id)

    return {"help_topic": help_topic}
