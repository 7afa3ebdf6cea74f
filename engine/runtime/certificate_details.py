"""What a certificate prints about its event and its educator, worked out once, at issue.

Pure: no Flask, no database. The event's details come from its listing (the workflow's
`listing:` says which answers are its title, dates, units and place); the educator's
dates and units from the dates they attended.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from engine.runtime.listing_items import ListedItem
from engine.runtime.obligations import format_date


def event_details(
    item: ListedItem, provider_number: str, event_number: str, issue_date: date
) -> dict[str, str]:
    """Return the details every certificate of this event shares."""
    return {
        "title": item.title,
        # An online event has no place: its format ("Live online") says where it was.
        "location": item.location or item.format_label,
        "provider_name": item.provider,
        "provider_number": provider_number,
        "event_number": event_number,
        "issue_date": format_date(issue_date),
    }


def attendance(item: ListedItem, attended: Sequence[date]) -> tuple[str, str]:
    """Return (the dates as printed, the units earned) for the dates an educator attended."""
    days = sorted(set(attended))
    if item.dates:
        units = sum((d.units or 0) for d in item.dates if d.day in days)
        dates = _joined([format_date(day) for day in days])
    else:
        # A self-paced course: the date is the day it was completed; its units are fixed.
        units = item.units or 0
        dates = f"Completed {format_date(days[0])}" if days else ""
    return dates, units_text(units)


def units_text(units: float) -> str:
    """Write units as people do: 6, 6.5, 0.25 (and '' for none, which a layout refuses)."""
    if units <= 0:
        return ""
    return f"{units:.2f}".rstrip("0").rstrip(".")


def _joined(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
