"""What is owed, and when: obligations from answers, due dates and reminder stages. Pure.

Each owed item has a key that stays the same while its date does: 'date:2027-03-16' for
an item of a repeating group ('date:2027-03-16#2' for a second item on the same day) and
'period:2027-03-01' for the period starting that day. The store matches keys to rows.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine.runtime.machine import Calendar
from engine.spec.conditions_nodes import parse_date
from engine.spec.model import Due, ObligationSpec

# An open-ended period series stops here, so a typo like year 2207 cannot create thousands.
MAX_PERIODS = 60


@dataclass(frozen=True)
class Owed:
    """One thing owed: when it may be filed (opens_on) and by when (due_on)."""

    key: str
    label: str
    opens_on: date
    due_on: date


def owed(
    spec: ObligationSpec, answers: Mapping[str, Any], today: date, calendar: Calendar | None
) -> list[Owed]:
    """Return everything owed under one obligation for these answers (answers that count)."""
    return [*_per_item(spec, answers, calendar), *_per_period(spec, answers, today, calendar)]


def due_after(due: Due, start: date, calendar: Calendar | None) -> date:
    """Return the date `due` after `start`, in calendar or business days."""
    if not due.business:
        return start + timedelta(days=due.days)
    if calendar is None:
        raise RuntimeError("a business-day deadline needs a calendar")
    return calendar.add_business_days(start, due.days)


def _per_item(
    spec: ObligationSpec, answers: Mapping[str, Any], calendar: Calendar | None
) -> list[Owed]:
    each = spec.each_item
    if each is None:
        return []
    items = answers.get(each.group)
    if not isinstance(items, list):
        return []
    found = []
    seen: dict[date, int] = {}
    for item in items:
        if not isinstance(item, Mapping):
            continue
        day = _date(item.get(each.date))
        if day is None:
            continue
        seen[day] = seen.get(day, 0) + 1
        key = f"date:{day.isoformat()}" + (f"#{seen[day]}" if seen[day] > 1 else "")
        name = item.get(each.label) if each.label else None
        label = format_date(day)
        if isinstance(name, str) and name:
            label = f"{name} ({label})"
        found.append(Owed(key, label, day, due_after(spec.due, day, calendar)))
    return found


def _per_period(
    spec: ObligationSpec, answers: Mapping[str, Any], today: date, calendar: Calendar | None
) -> list[Owed]:
    periods = spec.periods
    if periods is None:
        return []
    start = _date(answers.get(periods.start))
    if start is None:
        return []
    until = _date(answers.get(periods.until)) if periods.until else None
    found = []
    # The first period is owed from the start (so listing shows what will be due); each
    # later one once it begins (the worker's renew_periods adds it then).
    for n in range(MAX_PERIODS):
        begins = add_months(start, n * periods.months)
        if (n > 0 and begins > today) or (until is not None and begins > until):
            break
        ends = add_months(start, (n + 1) * periods.months) - timedelta(days=1)
        if until is not None and until < ends:
            ends = until
        label = f"{format_date(begins)} to {format_date(ends)}"
        opens = ends + timedelta(days=1)
        found.append(
            Owed(f"period:{begins.isoformat()}", label, opens, due_after(spec.due, ends, calendar))
        )
    return found


def covered(key: str, opens_on: date) -> tuple[date, date] | None:
    """Return the first and last day an owed item covers, from its key; None if unknown.

    A date's item covers that day; a period's item runs from its first day to the day
    before it opens (a period's report may be filed once the period has ended).
    """
    kind, _, rest = key.partition(":")
    day = parse_date(rest.partition("#")[0])
    if day is None:
        return None
    if kind == "date":
        return day, day
    if kind == "period":
        return day, opens_on - timedelta(days=1)
    return None


def add_months(start: date, months: int) -> date:
    """Return the same day `months` later (31 January + 1 month is 28 or 29 February)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    day = min(start.day, month_calendar.monthrange(year, month)[1])
    return date(year, month, day)


def format_date(day: date) -> str:
    """Write a date as answers are shown: 16 March 2027."""
    return day.strftime("%-d %B %Y")


def _date(value: Any) -> date | None:
    return parse_date(value)


def reminder_stage(spec: ObligationSpec, due_on: date, today: date) -> tuple[str, str] | None:
    """Return (stage, template) of the latest reminder due by today, or None.

    Only the latest one is sent: a worker that was down for a week does not send three
    late reminders at once. The stage names the due date, so a moved date starts afresh.
    """
    reminders = spec.reminders
    if today > due_on and reminders.overdue_template:
        return f"overdue:{due_on.isoformat()}", reminders.overdue_template
    if today == due_on and reminders.due_template:
        return f"due:{due_on.isoformat()}", reminders.due_template
    if today > due_on or reminders.before_template is None:
        return None
    # days_before is sorted from the most days to the fewest; the fewest reached wins.
    reached = [d for d in reminders.days_before if (due_on - today).days <= d]
    if not reached:
        return None
    return f"before{reached[-1]}:{due_on.isoformat()}", reminders.before_template
