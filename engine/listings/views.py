"""The public listing pages (/events, /portal ...): no sign-in, a GET form, no script needed.

A page exists when a workflow's `listing:` names it and templates/listings/<page>.md
gives its words; its layout (table or calendar) comes from that file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, Flask, abort, current_app, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from engine.applications.cases import today
from engine.listings.items import format_options, listed_items, page_names
from engine.platform.definitions import DefinitionRegistry
from engine.platform.services import listing_pages_dir, services
from engine.platform.web.request_input import whole_number
from engine.platform.web.security import public_route
from engine.runtime.listing_items import ListedItem
from engine.runtime.listing_search import (
    ListingQuery,
    available_now,
    by_last_day,
    search,
    upcoming_by_month,
)
from engine.spec.errors import DefinitionError

bp = Blueprint("listings", __name__)

MAX_QUERY = 200
# The calendar shows this many items at most; the count says when more matched.
CALENDAR_CAP = 200


@dataclass(frozen=True)
class DateProblem:
    """A day typed in a filter that is not a date: which field, and what to say."""

    field: str
    message: str


@bp.get("/<name>")
@public_route
def page(name: str) -> str:
    """Show one listing page: its words, the search form and the items that match."""
    svc = services()
    words = svc.listing_pages.get(name)
    if words is None or name not in page_names(svc.registry):
        abort(404)
    query, problems = _query()
    if words.layout == "calendar":
        # The calendar offers words and format only: other filters it does not show are ignored.
        query, problems = ListingQuery(text=query.text, format=query.format), []
    now = today()
    with svc.db.reading() as session:
        every = listed_items(session, svc.registry, name, now, svc.calendar)
    context: dict[str, Any] = {
        "page_id": name,
        "words": words,
        "intro": Markup(words.html),  # made at start-up from Markdown without raw HTML
        "query": query,
        "problems": {p.field: p.message for p in problems},
        "formats": format_options(svc.registry, name),
        "today": now,
    }
    if words.layout == "calendar":
        return render_template("listings/calendar.html", **context, **_calendar(every, query, now))
    return render_template("listings/table.html", **context, **_table(every, query))


def _table(every: list[ListedItem], query: ListingQuery) -> dict[str, Any]:
    found = search(every, query)
    if not query.text:
        found = by_last_day(found)
    size = int(current_app.config["LISTING_PAGE_SIZE"])
    pages = max(1, -(-len(found) // size))
    number = request.args.get("page", "1")
    current = min(max(whole_number(number) or 1, 1), pages)
    start = (current - 1) * size
    return {
        "items": found[start : start + size],
        "total": len(found),
        "page_number": current,
        "pages": pages,
        "providers": sorted({i.provider for i in every if i.provider}, key=str.casefold),
    }


def _calendar(every: list[ListedItem], query: ListingQuery, now: date) -> dict[str, Any]:
    found = search(every, query)
    # Only what the calendar or the catalogue shows counts towards the cap.
    shown = [i for i in found if i.dates_from(now) or (i.is_self_paced and i.available_on(now))]
    months = upcoming_by_month(shown[:CALENDAR_CAP], now)
    catalogue = available_now(shown[:CALENDAR_CAP], now)
    dated = len({item.application_id for month in months for item, _ in month.items})
    return {
        "months": months,
        "catalogue": catalogue,
        "dated": dated,
        "capped": len(shown) > CALENDAR_CAP,
    }


def _query() -> tuple[ListingQuery, list[DateProblem]]:
    """Read the search form; a day that is not a date is reported and left out."""
    args = request.args
    problems: list[DateProblem] = []
    days: dict[str, date | None] = {}
    for name, label in (("from", "From"), ("to", "To")):
        raw = args.get(name, "").strip()
        days[name] = None
        if raw:
            try:
                days[name] = date.fromisoformat(raw)
            except ValueError:
                problems.append(DateProblem(name, f"“{label}” must be a date, like 2027-03-16."))
    query = ListingQuery(
        text=" ".join(args.get("q", "").split())[:MAX_QUERY],
        format=args.get("format", "").strip()[:MAX_QUERY],
        provider=" ".join(args.get("provider", "").split())[:MAX_QUERY],
        date_from=days["from"],
        date_to=days["to"],
    )
    return query, problems


def check_routes(app: Flask, registry: DefinitionRegistry) -> list[DefinitionError]:
    """Return a problem for each listing page whose address another page already has."""
    if registry.current is None:  # broken definitions: `lint` reports them
        return []
    adapter = app.url_map.bind("localhost")
    problems = []
    for name in sorted(page_names(registry)):
        try:
            endpoint, _ = adapter.match(f"/{name}")
        except HTTPException as other:  # e.g. a redirect to "/name/": another page's
            endpoint = type(other).__name__
        if endpoint != "listings.page":
            message = (
                f"the listing page '{name}' cannot have the address /{name}: another page "
                f"({endpoint}) has it; choose another name under 'listing: page:'"
            )
            where = listing_pages_dir(app.config) / f"{name}.md"
            problems.append(DefinitionError(str(where), 1, 1, message))
    return problems
