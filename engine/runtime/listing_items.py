"""What a public listing shows of one application: its slots, filled from its answers.

Pure: no Flask, no database. The workflow's `listing:` says which question fills each
slot; only the answers the applicant can see count (a date left behind after switching
to a self-paced format is not shown).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.runtime.answers import answers_that_count
from engine.spec.conditions import BusinessCalendar
from engine.spec.model import FormSpec, ListingSpec
from engine.spec.time_of_day import format_time, parse_time


@dataclass(frozen=True)
class ListedDate:
    """One date of a listed item, with its times and the units offered that day."""

    day: date
    times: str = ""
    units: float | None = None


@dataclass(frozen=True)
class ListedItem:
    """One application as the public sees it on a listing page."""

    application_id: int
    title: str
    provider: str
    description: str = ""
    format: str | None = None  # the option's value: what the format filter compares
    format_label: str = ""
    dates: tuple[ListedDate, ...] = ()
    available_from: date | None = None
    available_until: date | None = None
    units: float | None = None
    location: str = ""
    link: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""

    @property
    def first_day(self) -> date | None:
        """Return the first date, or the first day it is available, if any."""
        return self.dates[0].day if self.dates else self.available_from

    @property
    def last_day(self) -> date | None:
        """Return the last date, or the last day it is available, if any."""
        return self.dates[-1].day if self.dates else self.available_until

    @property
    def is_self_paced(self) -> bool:
        """Tell whether it has no dates but a time it is available from."""
        return not self.dates and self.available_from is not None

    @property
    def search_text(self) -> str:
        """Return the words a text search looks in: title, provider and description."""
        return f"{self.title} {self.provider} {self.description}"

    def available_on(self, day: date) -> bool:
        """Tell whether a self-paced item can be taken on this day."""
        if self.available_from is None or self.available_from > day:
            return False
        return self.available_until is None or self.available_until >= day

    def dates_from(self, day: date) -> tuple[ListedDate, ...]:
        """Return the dates on or after this day."""
        return tuple(d for d in self.dates if d.day >= day)


def listed_item(
    application_id: int,
    listing: ListingSpec,
    form: FormSpec,
    answers: Mapping[str, Any],
    provider_name: str,
    today: date,
    calendar: BusinessCalendar | None = None,
) -> ListedItem:
    """Fill a listing's slots from an application's answers (of its own form version)."""
    shown = answers_that_count(form, answers, today, calendar)
    dates = _dates(listing, shown)
    self_paced = listing.self_paced
    available_from = _day(shown.get(self_paced.start)) if self_paced else None
    available_until = _day(shown.get(self_paced.until)) if self_paced and self_paced.until else None
    if dates:
        day_units = [d.units for d in dates if d.units is not None]
        units = sum(day_units) if day_units else None
    else:
        units = _number(shown.get(self_paced.units)) if self_paced and self_paced.units else None
    format_value = shown.get(listing.format) if listing.format else None
    format_label = ""
    if listing.format and format_value is not None:
        format_label = form.field(listing.format).option_label(format_value) or str(format_value)
    contact = listing.contact
    return ListedItem(
        application_id=application_id,
        title=_text(shown.get(listing.title)),
        provider=provider_name,
        description=_text(shown.get(listing.description)) if listing.description else "",
        format=str(format_value) if format_value is not None else None,
        format_label=format_label,
        dates=dates,
        available_from=available_from,
        available_until=available_until,
        units=units,
        location=_text(shown.get(listing.location)) if listing.location else "",
        link=_text(shown.get(listing.link)) if listing.link else "",
        contact_name=_text(shown.get(contact.name)) if contact and contact.name else "",
        contact_email=_text(shown.get(contact.email)) if contact and contact.email else "",
        contact_phone=_text(shown.get(contact.phone)) if contact and contact.phone else "",
    )


def provider_answer(listing: ListingSpec, answers: Mapping[str, Any]) -> str:
    """Return the provider named by an answer (when the listing's provider is a question)."""
    if listing.provider_is_organization:
        return ""
    return _text(answers.get(listing.provider))


def _dates(listing: ListingSpec, shown: Mapping[str, Any]) -> tuple[ListedDate, ...]:
    spec = listing.dates
    items = shown.get(spec.group) if spec else None
    if spec is None or not isinstance(items, list):
        return ()
    found = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        day = _day(item.get(spec.date))
        if day is None:
            continue
        if spec.times:
            times = _text(item.get(spec.times))
        else:
            starts = item.get(spec.starts) if spec.starts else None
            times = _span(starts, item.get(spec.ends) if spec.ends else None)
        units = _number(item.get(spec.units)) if spec.units else None
        found.append(ListedDate(day, times, units))
    return tuple(sorted(found, key=lambda d: d.day))


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _span(starts: Any, ends: Any) -> str:
    """Write a day's start and end times: "1:00 PM to 4:00 PM" (or either alone)."""
    start, end = parse_time(starts), parse_time(ends)
    if start is not None and end is not None:
        return f"{format_time(start)} to {format_time(end)}"
    if start is not None:
        return f"from {format_time(start)}"
    return f"until {format_time(end)}" if end is not None else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
