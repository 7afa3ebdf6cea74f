"""What a listing shows of each application, and how the pages search and arrange it:
slots from the answers that count, filters, typo-tolerant words, months, the catalogue;
and the store's query, which lists only applications in a listed state."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask

from engine.accounts.users import create_user
from engine.applications import moves as ops
from engine.listings.items import format_options, listed_items, page_names
from engine.organizations import memberships as orgs
from engine.runtime.listing_items import ListedDate, ListedItem, listed_item
from engine.runtime.listing_search import (
    ListingQuery,
    available_now,
    by_last_day,
    search,
    upcoming_by_month,
)
from engine.spec.loader import load_definitions

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = load_definitions(
    sorted((ROOT / "forms").glob("*.yaml")),
    sorted((ROOT / "workflows").glob("*.yaml")),
    ROOT / "templates",
)
TODAY = date(2027, 3, 1)
EVENT: dict[str, Any] = {
    "title": "Reading coaching cycles",
    "summary": "Two days of coaching cycles for K-3 reading teachers.",
    "format": "in_person",
    "dates": [
        {"date": "2027-03-17", "schedule": "9:00 AM to 3:30 PM", "hours": 6, "units": 5.5},
        {"date": "2027-03-16", "hours": 6, "units": 6},
    ],
    "location": "Helena High School library",
    "registration_url": "https://bigsky.example.org/register",
    "available_from": "2027-01-01",  # left from a self-paced draft: hidden, so not shown
}


def _event(answers: dict[str, Any]) -> ListedItem:
    workflow = DEFINITIONS.workflows["event_report"]
    assert workflow.listing is not None
    form = DEFINITIONS.forms[workflow.form]
    return listed_item(7, workflow.listing, form, answers, "Big Sky Teacher Academy", TODAY)


def test_the_slots_come_from_the_answers_that_are_shown() -> None:
    item = _event(EVENT)
    assert item.application_id == 7
    assert item.title == "Reading coaching cycles"
    assert item.provider == "Big Sky Teacher Academy"
    assert (item.format, item.format_label) == ("in_person", "In person")
    # Dates in order, with their times, and the units offered summed over them.
    assert item.dates == (
        ListedDate(date(2027, 3, 16), "", 6.0),
        ListedDate(date(2027, 3, 17), "9:00 AM to 3:30 PM", 5.5),
    )
    assert item.units == 11.5
    assert item.available_from is None and not item.is_self_paced
    assert (item.first_day, item.last_day) == (date(2027, 3, 16), date(2027, 3, 17))
    assert item.location == "Helena High School library"
    assert item.link == "https://bigsky.example.org/register"


def test_a_self_paced_course_has_no_dates_but_a_time_it_is_available() -> None:
    item = _event(
        {
            **EVENT,
            "format": "asynchronous",
            "available_until": "2027-12-31",
            "async_units": 10,
            "online_url": "https://learn.example.org",
        }
    )
    assert item.dates == ()  # hidden for a self-paced course
    assert item.is_self_paced
    assert (item.available_from, item.available_until) == (date(2027, 1, 1), date(2027, 12, 31))
    assert item.units == 10.0
    assert item.format_label == "Self-paced online (available at any time)"
    assert item.location == ""  # hidden too
    assert item.available_on(TODAY) and not item.available_on(date(2028, 1, 1))


def _item(n: int, title: str, **slots: Any) -> ListedItem:
    return ListedItem(application_id=n, title=title, provider=slots.pop("provider", "P"), **slots)


ITEMS = [
    _item(
        1,
        "Fluency routines",
        provider="Big Sky Teacher Academy",
        format="live_virtual",
        dates=(ListedDate(date(2027, 3, 20)), ListedDate(date(2027, 4, 3))),
    ),
    _item(
        2,
        "Primary sources",
        provider="Helena Public Library",
        format="in_person",
        dates=(ListedDate(date(2027, 2, 10)),),
        description="Archival documents in history lessons",
    ),
    _item(3, "Science modules", format="asynchronous", available_from=date(2027, 1, 1)),
    _item(4, "Later course", format="asynchronous", available_from=date(2027, 6, 1)),
]


def _titles(items: list[ListedItem]) -> list[str]:
    return [i.title for i in items]


def test_filters_and_words_narrow_the_items() -> None:
    assert _titles(search(ITEMS, ListingQuery())) == _titles(ITEMS)
    assert _titles(search(ITEMS, ListingQuery(format="in_person"))) == ["Primary sources"]
    by_provider = ListingQuery(provider="helena public library")
    assert _titles(search(ITEMS, by_provider)) == ["Primary sources"]
    # Words with typos, over the description and the provider too.
    assert _titles(search(ITEMS, ListingQuery(text="archivl documents"))) == ["Primary sources"]
    assert _titles(search(ITEMS, ListingQuery(text="big sky"))) == ["Fluency routines"]
    # A range of days: any date of a dated item, any day a self-paced one is available.
    march = ListingQuery(date_from=date(2027, 3, 1), date_to=date(2027, 3, 31))
    assert _titles(search(ITEMS, march)) == ["Fluency routines", "Science modules"]
    assert _titles(search(ITEMS, ListingQuery(date_to=date(2027, 2, 28)))) == [
        "Primary sources",
        "Science modules",
    ]
    assert ListingQuery().is_empty and not march.is_empty


def test_the_table_shows_the_most_recent_first() -> None:
    # Self-paced courses with no end are still available: they come first.
    assert _titles(by_last_day(ITEMS)) == [
        "Science modules",
        "Later course",
        "Fluency routines",
        "Primary sources",
    ]
    ended = _item(
        5, "Ended course", available_from=date(2026, 1, 1), available_until=date(2027, 3, 1)
    )
    assert _titles(by_last_day([ITEMS[1], ended, ITEMS[0]])) == [
        "Fluency routines",
        "Ended course",
        "Primary sources",
    ]


def test_the_calendar_has_upcoming_dates_by_month_and_the_catalogue_what_is_available() -> None:
    months = upcoming_by_month(ITEMS, date(2027, 3, 1))
    assert [m.month for m in months] == [date(2027, 3, 1), date(2027, 4, 1)]
    assert [(i.title, [d.day for d in ds]) for i, ds in months[0].items] == [
        ("Fluency routines", [date(2027, 3, 20)])
    ]
    assert [(i.title, [d.day for d in ds]) for i, ds in months[1].items] == [
        ("Fluency routines", [date(2027, 4, 3)])
    ]
    # Past dates are gone.
    assert [m.month for m in upcoming_by_month(ITEMS, date(2027, 3, 21))] == [date(2027, 4, 1)]
    assert _titles(available_now(ITEMS, date(2027, 3, 1))) == ["Science modules"]
    assert _titles(available_now(ITEMS, date(2027, 6, 1))) == ["Later course", "Science modules"]


def test_the_query_lists_only_applications_in_a_listed_state(app: Flask) -> None:
    svc = app.extensions["formflow"]
    registry = svc.registry
    assert page_names(registry) == {"events", "portal"}
    assert [f.value for f in format_options(registry, "events")] == [
        "in_person",
        "live_virtual",
        "asynchronous",
        "hybrid",
    ]
    compiled = registry.latest("event_report")
    with svc.db.transaction() as session:
        registry.ensure_published(session)
        user = create_user(session, "jordan@bigsky.example.org", "correct horse battery")
        provider = orgs.create_organization(session, name="Big Sky Teacher Academy")
        session.flush()
        for state in ("reported", "delivered", "cancelled"):
            application = ops.start(session, compiled, user, provider.id)
            ops.save_answers(session, application, compiled, {**EVENT, "title": state})
            application.state = state  # the query is judged here, not the moves
    with svc.db.reading() as session:
        events = listed_items(session, registry, "events", TODAY)
        portal = listed_items(session, registry, "portal", TODAY)
    assert [(i.title, i.provider) for i in events] == [("reported", "Big Sky Teacher Academy")]
    assert portal == []
