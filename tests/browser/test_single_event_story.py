"""The single-event story end to end in Debian's Chromium, with axe-core on every page.

An organization that is not a provider applies for one event nine days before it: the
check page says it is too late and offers no button. The applicant moves the event a
day later, and sends it in time. A reviewer approves it. The clock moves on: the worker
marks it delivered on its date; the applicant files the certificate count; the event is
reported, and an educator who is not signed in finds it on /events by its organization.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, expect

from engine.accounts.users import create_user
from engine.platform import clock
from engine.platform.models import Application
from tests.browser.conftest import AxeCheck, LiveServer
from tests.browser.test_registration_story import Story, choose
from tests.web.helpers import PASSWORD, make_user

APPLICANT = "casey@helena-library.example.org"
REVIEWER = ("Riley Reviewer", "riley@opi.example.gov", "reviewer password 2024")
LIBRARY = "Helena Public Library"
TITLE = "Teaching with primary sources"
TOO_LATE = (
    "Send the application: Apply at least 10 days before the first date of the event. "
    "For an event on 16 March, apply by 6 March. Check the dates."
)
APPLYING = date(2026, 3, 7)  # a Saturday: 9 days before 16 March, 10 before 17 March


def _state(app: Flask, application_id: int) -> str:
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        return found.state


def _worker(app: Flask, day: str) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once", "--today", day])
    assert result.exit_code == 0, result.output
    return result.output


def fill_application(story: Story, first_date: str) -> int:
    """Start a single-event application and fill every page; return its id."""
    page = story.page
    story.link("Single-event approval")
    story.press("Start now")
    started = re.search(r"/applications/(\d+)/pages/about$", page.url)
    assert started, page.url
    page.get_by_label("Event title").fill(TITLE)
    page.get_by_label("Short description").fill(
        "Two days on using archival documents in grade 6-12 history lessons."
    )
    choose(page, "In person")
    story.press("Save and continue")

    expect(story.heading()).to_contain_text("Dates and renewal units")
    first = page.get_by_role("group", name="Date 1", exact=True)
    first.get_by_label(re.compile("^Date")).fill(first_date)
    first.get_by_label(re.compile("^Times")).fill("9:00 AM to 3:30 PM")
    first.get_by_label("Contact hours").fill("6")
    first.get_by_label("Renewal units offered").fill("6")
    story.press("Save and continue")

    page.get_by_label("Location").fill("Lewis and Clark Library, 120 South Last Chance Gulch")
    story.press("Save and continue")

    choose(page, "Teachers")
    page.get_by_label("Learning objectives").fill(
        "Participants design a lesson around three primary sources."
    )
    page.get_by_label("Agenda").fill("Morning: finding and reading sources. Afternoon: design.")
    story.press("Save and continue")

    presenter = page.get_by_role("group", name="Presenter 1", exact=True)
    presenter.get_by_label("Full name").fill("Casey Morgan")
    presenter.get_by_label("Qualifications").fill("Archivist; taught history for 12 years.")
    story.press("Save and continue")

    page.get_by_label("Name of the organization").fill(LIBRARY)
    choose(page, "Another kind of organization")
    page.get_by_label("Street address").fill("120 South Last Chance Gulch")
    page.get_by_label("City").fill("Helena")
    page.get_by_label("ZIP code").fill("59601")
    story.press("Save and continue")

    page.get_by_label("Cost to participants").fill("Free")
    page.get_by_label("Contact person's name").fill("Casey Morgan")
    page.get_by_label("Contact email address").fill(APPLICANT)
    page.get_by_label("Contact phone number").fill("406 555 0123")
    story.press("Save and continue")

    for label in (
        "The event meets the professional development standard of ARM 10.55.714.",
        "The event meets the renewal requirements of ARM 10.57.215.",
    ):
        choose(page, label)
    page.locator("label").filter(has_text="We will meet the duties of ARM 10.57.216").click()
    story.press("Save and continue")
    expect(story.heading()).to_have_text("Check your answers before sending")
    return int(started.group(1))


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.browser
def test_single_event_story(
    browser_context: Callable[[], BrowserContext],
    live_server: LiveServer,
    smtp_server: Any,
    axe_check: AxeCheck,
) -> None:
    app = live_server.app
    make_user(app, APPLICANT)
    reviewer_name, reviewer_email, reviewer_password = REVIEWER
    with app.extensions["formflow"].db.transaction() as session:
        create_user(session, reviewer_email, reviewer_password, ("reviewer",), reviewer_name)
    applicant = Story(browser_context().new_page(), live_server.url, axe_check)
    page = applicant.page

    # 1. Nine days before the event: too late, and the check page says why.
    with clock.frozen_at(APPLYING):
        applicant.go("/")
        applicant.sign_in(APPLICANT, PASSWORD)
        event = fill_application(applicant, "2026-03-16")
        expect(page.get_by_text(TOO_LATE)).to_be_visible()
        expect(page.get_by_role("button", name="Send the application")).to_have_count(0)
        assert _state(app, event) == "draft"

        # 2. The event moves a day later: ten days ahead, in time.
        applicant.link("Change Dates", exact=False)
        first = page.get_by_role("group", name="Date 1", exact=True)
        first.get_by_label(re.compile("^Date")).fill("2026-03-17")
        applicant.press("Save and continue")
        applicant.go(f"/applications/{event}/check")
        expect(page.get_by_text(TOO_LATE)).to_have_count(0)
        applicant.press("Send the application")
        expect(page.get_by_role("heading", name="Status: Waiting for a decision")).to_be_visible()
        assert _state(app, event) == "submitted"

    # 3. A reviewer approves it on Monday.
    reviewer = Story(browser_context().new_page(), live_server.url, axe_check)
    with clock.frozen_at(date(2026, 3, 9)):
        reviewer.go("/")
        reviewer.sign_in(reviewer_email, reviewer_password)
        reviewer.go(f"/review/applications/{event}")
        expect(reviewer.heading()).to_contain_text(TITLE)
        reviewer.press("Approve")
    assert _state(app, event) == "approved"

    # 4. Not on /events yet: it has not even taken place.
    educator = Story(browser_context().new_page(), live_server.url, axe_check)
    with clock.frozen_at(date(2026, 3, 9)):
        educator.go("/events")
        expect(educator.page.get_by_role("status")).to_have_text("No events are listed yet.")

    # 5. The worker marks it delivered on its date; the count is filed; it is reported.
    assert "automatic_moves: Moved 0" in _worker(app, "2026-03-16")
    assert "automatic_moves: Moved 1" in _worker(app, "2026-03-17")
    assert _state(app, event) == "delivered"
    with clock.frozen_at(date(2026, 3, 18)):
        educator.go("/events")
        expect(educator.page.get_by_role("main")).not_to_contain_text(TITLE)
        applicant.go(f"/applications/{event}")
        owed = page.get_by_role("table", name="Reports owed for this application")
        applicant.follow(
            owed.get_by_role("row").filter(has_text="17 March 2026").get_by_role("link")
        )
        page.get_by_label("Number of certificates issued").fill("18")
        # No certificates were issued in the system, so the number needs a reason.
        page.get_by_label("Why the number differs from the certificates issued in the system").fill(
            "We handed out paper certificates at the door."
        )
        applicant.press("File the report")
        expect(page.get_by_role("heading", name="Status: Reported")).to_be_visible()
    assert _state(app, event) == "reported"
    assert "automatic_moves: Moved 0" in _worker(app, "2026-03-19")

    # 6. An educator, not signed in, finds it on /events by its organization's name.
    with clock.frozen_at(date(2026, 9, 1)):
        educator.go("/events")
        row = educator.page.get_by_role("row").filter(has_text=TITLE)
        expect(row).to_contain_text(LIBRARY)
        expect(row).to_contain_text("Tuesday 17 March 2026")
        expect(row).to_contain_text("In person")
        expect(row).to_contain_text("6 units")
        educator.page.get_by_label("Search by words").fill("helena libary")
        educator.press("Search")
        expect(educator.page.get_by_role("status")).to_have_text(
            "1 event matches your search, best matches first."
        )
        educator.page.get_by_label("Provider").select_option(label=LIBRARY)
        educator.page.get_by_label("From").fill("2026-03-01")
        educator.press("Search")
        expect(educator.page.get_by_role("row").filter(has_text=TITLE)).to_have_count(1)

    assert len(axe_check.pages_checked) >= 18, axe_check.pages_checked
    axe_check.assert_clean()
