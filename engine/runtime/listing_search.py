"""Searching and arranging listed items: filters, a typo-tolerant text search, months.

Pure: no Flask, no database. The text search is engine.runtime.fuzzy's, the one the
provider directory uses, over each item's title, provider and description.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from engine.runtime.fuzzy import rank
from engine.runtime.listing_items import ListedDate, ListedItem


@dataclass(frozen=True)
class ListingQuery:
    """What a visitor asked for: words, a format, a provider, and a range of days."""

    text: str = ""
    format: str = ""
    provider: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_empty(self) -> bool:
        """Tell whether nothing was asked for (every item is shown)."""
        return not (self.text or self.format or self.provider or self.date_from or self.date_to)


@dataclass(frozen=True)
class MonthOfItems:
    """One month of a calendar: its first day, and each item with its dates in that month."""

    month: date
    items: tuple[tuple[ListedItem, tuple[ListedDate, ...]], ...]


def search(items: Sequence[ListedItem], query: ListingQuery) -> list[ListedItem]:
    """Return the items that pass the filters; with words, best matches first."""
    kept = [item for item in items if passes_filters(item, query)]
    if not query.text.strip():
        return kept
    matches = rank(query.text, [item.search_text for item in kept])
    return [kept[m.index] for m in matches]


def passes_filters(item: ListedItem, query: ListingQuery) -> bool:
    """Tell whether an item has the format and provider asked for, and falls in the days."""
    if query.format and item.format != query.format:
        return False
    if query.provider and item.provider.casefold() != query.provider.casefold():
        return False
    return _in_range(item, query.date_from, query.date_to)


def _in_range(item: ListedItem, start: date | None, end: date | None) -> bool:
    if start is None and end is None:
        return True
    low, high = start or date.min, end or date.max
    if item.dates:
        return any(low <= d.day <= high for d in item.dates)
    if item.available_from is None:
        return False
    # A self-paced item falls in the range when it is available on any day of it.
    return item.available_from <= high and (item.available_until or date.max) >= low


def by_last_day(items: Iterable[ListedItem]) -> list[ListedItem]:
    """Return items with the most recent first: still available, then by their last day."""

    def last(item: ListedItem) -> date | None:
        # A self-paced item with no end is available today: nothing is more recent.
        if item.is_self_paced and item.available_until is None:
            return date.max
        return item.last_day

    return sorted(items, key=lambda i: (last(i) is None, -(last(i) or date.min).toordinal()))


def upcoming_by_month(items: Iterable[ListedItem], today: date) -> list[MonthOfItems]:
    """Group dated items by the month of their next date, soonest first; past dates left out.

    An item meeting over several months appears in each, with that month's dates.
    """
    months: dict[date, list[tuple[ListedItem, tuple[ListedDate, ...]]]] = {}
    for item in items:
        by_month: dict[date, list[ListedDate]] = {}
        for listed in item.dates_from(today):
            by_month.setdefault(listed.day.replace(day=1), []).append(listed)
        for month, dates in by_month.items():
            months.setdefault(month, []).append((item, tuple(dates)))
    return [
        MonthOfItems(month, tuple(sorted(entries, key=lambda e: (e[1][0].day, e[0].title))))
        for month, entries in sorted(months.items())
    ]


def available_now(items: Iterable[ListedItem], today: date) -> list[ListedItem]:
    """Return the self-paced items that can be taken today, by title."""
    found = [i for i in items if i.is_self_paced and i.available_on(today)]
    return sorted(found, key=lambda i: (i.title.casefold(), i.application_id))
