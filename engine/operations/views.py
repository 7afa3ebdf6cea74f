"""Administrators' pages: the email outbox and the list of accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine.platform import outbox as outbox_store
from engine.platform.models import OutboxMessage, User
from engine.platform.services import services
from engine.platform.web.security import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/outbox")
@role_required("admin")
def outbox() -> str:
    """List outbox messages, newest first."""
    with services().db.reading() as session:
        messages = outbox_store.recent(session)
    return render_template("admin/outbox.html", messages=messages)


@bp.route("/outbox/<int:message_id>")
@role_required("admin")
def outbox_message(message_id: int) -> str:
    """Show one outbox message in full."""
    with services().db.reading() as session:
        message = session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return render_template("admin/outbox_message.html", message=message)


@bp.post("/outbox/<int:message_id>/send-again")
@role_required("admin")
def outbox_send_again(message_id: int) -> Response:
    """Queue a failed message again: an administrator judged that it must go out."""
    with services().db.transaction() as session:
        queued = outbox_store.send_again(session, message_id)
    if queued:
        flash("The email is queued again; it goes out within a minute.", "success")
    else:
        flash("Only a failed email can be sent again.", "error")
    return redirect(url_for("admin.outbox_message", message_id=message_id))


@bp.route("/users")
@role_required("admin")
def users() -> str:
    """List the accounts and their roles."""
    with services().db.reading() as session:
        accounts = list(session.scalars(select(User).order_by(User.email)))
    return render_template("admin/users.html", users=accounts)
