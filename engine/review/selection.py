"""The applications ticked on the queue, with what the queue showed of each."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request, url_for

from engine.review.queue_args import filter_from, query_args
from engine.runtime.reference import reference

# One bulk action touches at most this many applications, each in its own transaction.
MAX_SELECTED = 200


@dataclass(frozen=True)
class Picked:
    """One ticked application: its id, its version and its assignee as the page showed."""

    application_id: int
    version: int
    assignee_id: int | None

    @property
    def reference(self) -> str:
        """Return the reference number, e.g. 000012."""
        return reference(self.application_id)


@dataclass(frozen=True)
class ItemResult:
    """What a bulk action did to one application."""

    reference: str
    application_id: int
    changed: bool
    message: str


def picked_from_form() -> list[Picked]:
    """Return the ticked applications, each once, in the queue's order."""
    seen: dict[int, Picked] = {}
    for raw in request.form.getlist("selected")[:MAX_SELECTED]:
        if not raw.isdigit() or int(raw) in seen:
            continue
        application_id = int(raw)
        version = request.form.get(f"version-{application_id}", "")
        assignee = request.form.get(f"assignee-{application_id}", "")
        seen[application_id] = Picked(
            application_id,
            # -1 matches no version: an application the page did not show is refused.
            int(version) if version.isdigit() else -1,
            int(assignee) if assignee.isdigit() else None,
        )
    return list(seen.values())


def back_to_queue() -> str:
    """Return the address of the queue with the filter the bulk form carried."""
    args = query_args(filter_from(request.form).wanted)
    return url_for("review.queue") + (f"?{urlencode(args)}" if args else "")
