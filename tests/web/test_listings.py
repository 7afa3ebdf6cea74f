"""The public event finder (/events) through HTTP: only events whose certificate counts
are all in, from both workflows that feed it; search, filters and honest counts."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.platform import clock
from engine.platform.models import Application, Obligation
from tests.conftest import make_test_app
from tests.web.helpers import EVENT, fill_event, fire, make_provider, make_user, post, sign_in
from tests.web.test_single_event import _reviewer, _submitted

PROVIDER = "Big Sky Teacher Academy"
MANAGER = "jordan@bigsky.example.org"
# A live online event of the provider on 16 and 17 March 2027.
ONLINE = {
    **EVENT,
    "about": {
        "title": "Fluency routines that last",
        "summary": "Two evenings on fluency routines for K-3 reading teachers, online.",
        "format": "live_virtual",
    },
    "place": {"online_url": "https://bigsky.example.org/live/fluency"},
}


def _state(app: Flask, application_id: int) -> str:
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        return found.state


def _worker(app: Flask, day: str) -> None:
    result = app.test_cli_runner().invoke(args=["worker", "--once", "--today", day])
    assert result.exit_code == 0, result.output


def file_counts(app: Flask, client: FlaskClient, application_id: int, day: date) -> None:
    """File every open certificate count of an application on this day."""
    with app.extensions["formflow"].db.reading() as session:
        owed = session.scalars(
            select(Obligation.id)
            .where(Obligation.application_id == application_id, Obligation.status == "open")
            .order_by(Obligation.due_on)
        ).all()
    with clock.frozen_at(day):
        for obligation_id in owed:
            url = f"/applications/{application_id}/obligations/{obligation_id}"
            assert (
                post(
                    client, url, {"certificates": "20", "difference_reason": "Given on paper."}
                ).status_code
                == 302
            )


def provider_events(app: Flask) -> tuple[int, int]:
    """An online event of the provider, reported; and an in-person one still owing counts."""
    make_user(app, MANAGER)
    make_provider(app, PROVIDER, MANAGER)
    client = app.test_client()
    sign_in(client, MANAGER)
    ids = []
    with clock.frozen_at(date(2027, 3, 1)):
        for pages in (ONLINE, EVENT):
            response = post(client, "/apply/event_report", {})
            match = re.search(r"/applications/(\d+)/pages/", response.headers["Location"])
            assert match
            ids.append(int(match.group(1)))
            fill_event(client, ids[-1], pages)
            assert fire(client, ids[-1], "list").status_code == 302
    _worker(app, "2027-03-16")
    file_counts(app, client, ids[0], date(2027, 3, 18))
    assert [_state(app, i) for i in ids] == ["reported", "delivered"]
    return ids[0], ids[1]


def single_event(app: Flask) -> int:
    """A single event of Helena Public Library on 16 and 17 March 2026, reported."""
    client = app.test_client()
    application_id = _submitted(app, client)
    with clock.frozen_at(date(2026, 3, 10)):
        assert fire(_reviewer(app), application_id, "approve").status_code == 302
    _worker(app, "2026-03-16")
    file_counts(app, client, application_id, date(2026, 3, 18))
    assert _state(app, application_id) == "reported"
    return application_id


def rows_of(page: str) -> list[str]:
    """The titles of the table's rows, in order."""
    return re.findall(r'<th scope="row">(.*?)</th>', page)


def count_of(page: str) -> str:
    match = re.search(r'<p role="status" id="listing-count">(.*?)</p>', page, re.S)
    assert match, "no results count"
    return " ".join(match.group(1).split())


def get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_only_events_with_every_count_in_are_listed_to_anyone(app: Flask) -> None:
    reported, owing = provider_events(app)
    page = get(app.test_client(), "/events")
    assert rows_of(page) == ["Fluency routines that last"]
    assert "Reading coaching cycles" not in page
    assert count_of(page) == "1 event."
    # Its provider, dates with times, format by its label, and units summed over the dates.
    row = page[page.index('<th scope="row">Fluency') :]
    row = row[: row.index("</tr>")]
    assert PROVIDER in row
    assert "Tuesday 16 March 2027" in row and "Wednesday 17 March 2027" in row
    assert "Live online" in row and "12 units" in row
    # The heading and introduction come from templates/listings/events.md.
    assert "<h1>Find an approved event</h1>" in page
    assert "TeachMT" in page

    # Once its last count is in, the other event is listed at once.
    client = app.test_client()
    sign_in(client, MANAGER)
    file_counts(app, client, owing, date(2027, 3, 18))
    page = get(app.test_client(), "/events")
    assert sorted(rows_of(page)) == ["Fluency routines that last", "Reading coaching cycles"]
    assert count_of(page) == "2 events."
    assert reported != owing


def test_search_and_filters_narrow_the_events(app: Flask) -> None:
    provider_events(app)
    single_event(app)
    client = app.test_client()
    page = get(client, "/events")
    # Most recent first: the provider's 2027 event, then the library's 2026 one.
    assert rows_of(page) == ["Fluency routines that last", "Teaching with primary sources"]
    assert "Helena Public Library" in page  # the single event's organization, from its answers
    # Typo-tolerant words over title, description and provider.
    assert rows_of(get(client, "/events?q=primery+sorces")) == ["Teaching with primary sources"]
    assert rows_of(get(client, "/events?q=big+sky+academy")) == ["Fluency routines that last"]
    found = get(client, "/events?q=archival+documents")
    assert rows_of(found) == ["Teaching with primary sources"]
    assert count_of(found) == "1 event matches your search, best matches first."
    # Format, provider and days.
    assert rows_of(get(client, "/events?format=in_person")) == ["Teaching with primary sources"]
    assert rows_of(get(client, "/events?format=live_virtual")) == ["Fluency routines that last"]
    by_provider = get(client, "/events?provider=Helena+Public+Library")
    assert rows_of(by_provider) == ["Teaching with primary sources"]
    assert '<option value="Helena Public Library" selected>' in by_provider
    assert rows_of(get(client, "/events?from=2027-01-01")) == ["Fluency routines that last"]
    assert rows_of(get(client, "/events?to=2026-03-16")) == ["Teaching with primary sources"]
    assert rows_of(get(client, "/events?from=2026-03-17&to=2026-03-17")) == [
        "Teaching with primary sources"
    ]
    # Nothing matches: said so, no table.
    empty = get(client, "/events?q=astrophysics&format=in_person")
    assert count_of(empty) == "No events match your search."
    assert "<table" not in empty
    # A day that is not a date is said so next to its field and left out of the search.
    wrong = get(client, "/events?from=16+March")
    assert "“From” must be a date, like 2027-03-16." in wrong
    assert 'aria-invalid="true"' in wrong
    assert len(rows_of(wrong)) == 2


def test_an_unknown_listing_page_is_not_found(client: FlaskClient) -> None:
    assert client.get("/no-such-page").status_code == 404
    # A page file without a workflow listing on it is not a page either.
    assert client.get("/table").status_code == 404


def test_the_pages_list_many_events_page_by_page(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path, LISTING_PAGE_SIZE=1)
    provider_events(app)
    single_event(app)
    client = app.test_client()
    first = get(client, "/events?format=")
    assert count_of(first) == "2 events. Page 1 of 2."
    assert 'href="/events?format=&amp;page=2"' in first
    second = get(client, "/events?format=&page=2")
    assert rows_of(second) == ["Teaching with primary sources"]
    app.extensions["formflow"].db.dispose()


def test_a_listing_page_named_like_another_page_is_reported_and_hides_nothing(
    database_url: str, tmp_path: Path
) -> None:
    root = Path(__file__).resolve().parents[2]
    for folder in ("forms", "workflows", "templates"):
        shutil.copytree(root / folder, tmp_path / folder)
    workflow = tmp_path / "workflows" / "portal_item.yaml"
    workflow.write_text(workflow.read_text().replace("  page: portal\n", "  page: providers\n"))
    shutil.copy(
        root / "templates" / "listings" / "portal.md",
        tmp_path / "templates" / "listings" / "providers.md",
    )
    app = make_test_app(
        database_url,
        tmp_path,
        DEFINITIONS_DIR=str(tmp_path),
        TEMPLATE_DIR=str(tmp_path / "templates"),
    )
    (problem,) = app.extensions["formflow"].problems
    assert problem.what == "listing pages"
    (error,) = problem.error.errors
    assert error.file.endswith("listings/providers.md")
    assert "the listing page 'providers' cannot have the address /providers" in error.message
    # The directory keeps its address.
    assert "Provider directory" in app.test_client().get("/providers").get_data(as_text=True)
    app.extensions["formflow"].db.dispose()
