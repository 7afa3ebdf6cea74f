"""The queue's filter in the address bar: parsed from GET arguments, written back for links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from engine.review.queue import ANYONE, ASSIGNED_CHOICES, QueueFilter

# The names of the GET arguments, shared by the queue, its CSV export and the bulk forms.
FIELDS = ("workflow", "state", "provider", "due_by", "overdue", "assigned", "q")


@dataclass(frozen=True)
class ParsedFilter:
    """A filter and what could not be understood in the request."""

    wanted: QueueFilter
    errors: dict[str, str] = field(default_factory=dict)


def filter_from(args: Mapping[str, str]) -> ParsedFilter:
    """Read a QueueFilter from request arguments; a bad date is reported, not applied."""
    errors = {}
    due_by = None
    raw_due = args.get("due_by", "").strip()
    if raw_due:
        try:
            due_by = date.fromisoformat(raw_due)
        except ValueError:
            errors["due_by"] = "Enter the date as year-month-day, for example 2026-12-31."
    assigned = args.get("assigned", ANYONE)
    wanted = QueueFilter(
        workflow=args.get("workflow", "").strip(),
        state=args.get("state", "").strip(),
        provider=args.get("provider", "").strip()[:300],
        due_by=due_by,
        overdue=args.get("overdue") == "yes",
        assigned=assigned if assigned in ASSIGNED_CHOICES else ANYONE,
        search=args.get("q", "").strip()[:300],
    )
    return ParsedFilter(wanted, errors)


def query_args(wanted: QueueFilter) -> dict[str, str]:
    """Return the GET arguments that give this filter back (only those that narrow it)."""
    values = {
        "workflow": wanted.workflow,
        "state": wanted.state,
        "provider": wanted.provider,
        "due_by": wanted.due_by.isoformat() if wanted.due_by else "",
        "overdue": "yes" if wanted.overdue else "",
        "assigned": wanted.assigned,
        "q": wanted.search,
    }
    return {name: value for name, value in values.items() if value}
