"""The event story end to end in Debian's Chromium, with axe-core on every page.

A provider's account manager signs in, sees whom they work for, reports a two-day event
from the dashboard (page one by keyboard only, one mistake on the dates page), checks the
answers and lists it, a fortnight before its first date. The worker, with the clock moved
on, marks it delivered on the first date and, a week before the first count is due, sends
one reminder (not two) to a real SMTP server on 127.0.0.1. The provider opens the link in
the email, signs in, files the count for each date (one bad answer first), and the event
is reported. The database is checked at each step.

The app's clock is process-wide (engine.platform.clock), so `clock.frozen_at` around the
browser steps also sets the day for the live server's threads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from engine.platform import clock
from engine.platform.models import Application, AuditEvent, Obligation
from tests.browser.conftest import AxeCheck, LiveServer
from tests.browser.test_registration_story import Story, choose
from tests.web.helpers import PASSWORD, make_provider, make_user

PROVIDER = "Big Sky Teacher Academy"
MANAGER = "jordan@bigsky.example.org"
TITLE = "Reading coaching cycles"
SUMMARY = "Two days of coaching cycles for K-3 reading teachers, with practice."
LOCATION = "Helena High School library, 1300 Billings Avenue, Helena"
OBJECTIVES = "Participants plan, teach and review a reading lesson with a coach."
EVIDENCE = "What Works Clearinghouse practice guide on foundational reading."
ARMS = (
    "This activity meets ARM 10.55.714 (professional development standard), "
    "ARM 10.57.215 (renewal requirements) and ARM 10.57.216 (approved providers)."
)
LISTING_DAY = date(2027, 3, 1)  # a Monday, a fortnight before the event
FIRST_DAY, SECOND_DAY = date(2027, 3, 16), date(2027, 3, 17)
REMINDER_DAY = date(2027, 4, 8)  # seven days before the first count is due (15 April)


def _application(app: Flask, application_id: int) -> Application:
    with app.extensions["formflow"].db.reading() as session:
        application = session.get(Application, application_id)
        assert application is not None
        session.expunge(application)
        return application


def _owed(app: Flask, application_id: int) -> list[tuple[str, date, str]]:
    with app.extensions["formflow"].db.reading() as session:
        rows = session.scalars(
            select(Obligation)
            .where(Obligation.application_id == application_id)
            .order_by(Obligation.due_on, Obligation.id)
        )
        return [(o.key, o.due_on, o.status) for o in rows]


def _worker(app: Flask, day: date) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.browser
def test_event_story(
    browser_context: Callable[[], BrowserContext],
    live_server: LiveServer,
    smtp_server: Any,
    axe_check: AxeCheck,
) -> None:
    app = live_server.app
    make_user(app, MANAGER)
    make_provider(app, PROVIDER, MANAGER)

    # 1. A fortnight before the event, the account manager reports and lists it.
    story = Story(browser_context().new_page(), live_server.url, axe_check)
    page = story.page
    with clock.frozen_at(LISTING_DAY):
        story.go("/")
        story.sign_in(MANAGER, PASSWORD)
        expect(page.get_by_role("banner")).to_contain_text(
            re.compile(rf"Working for: {PROVIDER} \(\S+\)")
        )
        expect(story.heading()).to_have_text("My applications")
        story.link("Event report")
        expect(story.heading()).to_have_text("Event report")
        expect(page.get_by_role("main")).to_contain_text(f"You are starting this for {PROVIDER}")
        story.press("Start now")
        started = re.search(r"/applications/(\d+)/pages/about$", page.url)
        assert started, page.url
        event_id = int(started.group(1))
        assert _application(app, event_id).state == "draft"

        # Page 1 with the keyboard only: the skip link, Tab, typing, Space, Enter.
        expect(story.heading()).to_contain_text("About the event")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("main")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_label("Event title")).to_be_focused()
        page.keyboard.type(TITLE)
        page.keyboard.press("Tab")
        expect(page.get_by_label("Short description")).to_be_focused()
        page.keyboard.type(SUMMARY)
        page.keyboard.press("Tab")
        in_person = page.get_by_role("radio", name="In person", exact=True)
        expect(in_person).to_be_focused()
        page.keyboard.press("Space")
        expect(in_person).to_be_checked()
        # Tab leaves the radio group for the first button after it.
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Save and continue", exact=True)).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        story.check()

        # Page 2: two dates; the second with too many contact hours.
        expect(story.heading()).to_contain_text("Dates and renewal units")
        first = page.get_by_role("group", name="Date 1", exact=True)
        first.get_by_label(re.compile("^Date")).fill(FIRST_DAY.isoformat())
        first.get_by_label("Contact hours").fill("6")
        first.get_by_label("Renewal units offered").fill("6")
        story.press("Add another date")
        second = page.get_by_role("group", name="Date 2", exact=True)
        expect(second.get_by_label("Session title")).to_be_focused()
        expect(first.get_by_label("Contact hours")).to_have_value("6")
        second.get_by_label(re.compile("^Date")).fill(SECOND_DAY.isoformat())
        second.get_by_label("Contact hours").fill("14")
        second.get_by_label("Renewal units offered").fill("6")
        story.press("Save and continue")

        summary = page.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        expect(page).to_have_title(re.compile("^Error: "))
        hours = second.get_by_label("Contact hours")
        expect(hours).to_have_attribute("aria-invalid", "true")
        hours_message = "\u201cContact hours\u201d must be 12 or less."
        # The message sits next to the field and is read out with it.
        expect(page.locator("#f-dates-1-hours-group").get_by_text(hours_message)).to_be_visible()
        expect(hours).to_have_accessible_description(re.compile(re.escape(hours_message)))
        summary_link = summary.get_by_role("link", name=re.compile(re.escape(hours_message)))
        expect(summary_link).to_have_count(1)
        expect(summary_link).to_have_attribute("href", "#f-dates-1-hours")
        # Every other answer is kept.
        expect(first.get_by_label(re.compile("^Date"))).to_have_value(FIRST_DAY.isoformat())
        expect(first.get_by_label("Contact hours")).to_have_value("6")
        expect(first.get_by_label("Renewal units offered")).to_have_value("6")
        expect(second.get_by_label(re.compile("^Date"))).to_have_value(SECOND_DAY.isoformat())
        expect(hours).to_have_value("14")
        expect(second.get_by_label("Renewal units offered")).to_have_value("6")
        summary_link.click()
        expect(hours).to_be_focused()
        hours.fill("6")
        story.press("Save and continue")

        expect(story.heading()).to_contain_text("Where it takes place")
        expect(page.get_by_label("Web address to join or take the course")).to_be_hidden()
        page.get_by_label("Location").fill(LOCATION)
        story.press("Save and continue")

        expect(story.heading()).to_contain_text("Instructors and audience")
        page.get_by_role("group", name="Instructor 1", exact=True).get_by_label("Full name").fill(
            "Casey Morgan"
        )
        choose(page, "Teachers")
        choose(page, "Elementary (K-5)")
        expect(page.get_by_role("checkbox", name="Teachers")).to_be_checked()
        expect(page.get_by_role("checkbox", name="Elementary (K-5)")).to_be_checked()
        story.press("Save and continue")

        expect(story.heading()).to_contain_text("Learning and standards")
        page.get_by_label("Learning objectives").fill(OBJECTIVES)
        choose(page, ARMS)
        expect(page.get_by_role("checkbox", name=ARMS)).to_be_checked()
        choose(page, "Learning Communities")
        choose(page, "Learning Designs")
        choose(page, "Sustained")
        choose(page, "Collaborative")
        page.get_by_label("Evidence behind the strategies taught").fill(EVIDENCE)
        story.press("Save and continue")

        expect(story.heading()).to_contain_text("Cost, registration and contact")
        page.get_by_label("Cost to participants").fill("Free")
        page.get_by_label("Contact person's name").fill("Jordan Rivers")
        page.get_by_label("Contact email address").fill(MANAGER)
        choose(page, "Yes")
        expect(page.get_by_role("radio", name="Yes")).to_be_checked()
        story.press("Save and continue")

        expect(story.heading()).to_have_text("Check your answers before sending")
        answers = page.locator("dl.app-answers")
        expect(answers.get_by_text(TITLE, exact=True)).to_be_visible()
        expect(answers.get_by_text(LOCATION)).to_be_visible()
        expect(answers.get_by_text("Full name: Casey Morgan")).to_be_visible()
        main = page.get_by_role("main")
        for day in ("16 March 2027", "17 March 2027", "Contact hours: 6"):
            expect(main).to_contain_text(day)
        expect(page.get_by_role("alert").filter(has_text="need to be fixed")).to_have_count(0)
        assert _application(app, event_id).state == "draft"
        story.press("List the event")

        expect(page.get_by_role("heading", name="Status: Listed")).to_be_visible()
        owed_table = page.get_by_role("table", name="Reports owed for this application")
        expect(owed_table.get_by_role("row")).to_have_count(3)  # a header and one per date
    listed = _application(app, event_id)
    assert listed.state == "listed"
    assert listed.title == TITLE
    # The fixed hours were saved, not the mistake.
    assert listed.answers["dates"] == [
        {"date": "2027-03-16", "hours": 6, "units": 6},
        {"date": "2027-03-17", "hours": 6, "units": 6},
    ]
    assert listed.answers["format"] == "in_person"
    assert _owed(app, event_id) == [
        ("date:2027-03-16", date(2027, 4, 15), "open"),
        ("date:2027-03-17", date(2027, 4, 16), "open"),
    ]
    listed_mail = smtp_server.wait_for(1)
    assert listed_mail[0].subject.startswith("Your event is listed")
    assert listed_mail[0].recipients == (MANAGER,)

    # 2. Time passes: nothing the day before; delivered on the first date.
    assert "automatic_moves: Moved 0, skipped 0." in _worker(app, date(2027, 3, 15))
    assert _application(app, event_id).state == "listed"
    assert "automatic_moves: Moved 1, skipped 0." in _worker(app, FIRST_DAY)
    assert _application(app, event_id).state == "delivered"
    assert "obligation_reminders: Reminded 0, skipped 0." in _worker(app, date(2027, 4, 7))
    # A week before the first count is due: one reminder, even when the worker runs twice.
    assert "obligation_reminders: Reminded 1, skipped 0." in _worker(app, REMINDER_DAY)
    assert "obligation_reminders: Reminded 0, skipped 0." in _worker(app, REMINDER_DAY)
    mail = smtp_server.wait_for(2)
    assert len(smtp_server.messages) == 2, [m.subject for m in smtp_server.messages]
    reminder = mail[1]
    assert reminder.recipients == (MANAGER,)
    assert reminder.subject == f"Certificate count due in 7 days: {TITLE}"
    assert "Thursday 15 April 2027" in reminder.body
    found = re.search(
        rf"{re.escape(live_server.url)}/applications/{event_id}/obligations/\d+", reminder.body
    )
    assert found, reminder.body
    link = found.group(0)

    # 3. The provider opens the link (a new browser: signed out), signs in, files each count.
    story = Story(browser_context().new_page(), live_server.url, axe_check)
    page = story.page
    with clock.frozen_at(REMINDER_DAY):
        page.goto(link)
        story.check()
        expect(story.heading()).to_have_text("Sign in")
        page.get_by_label("Email address or username").fill(MANAGER)
        page.get_by_label("Password").fill(PASSWORD)
        story.press("Sign in")
        assert page.url == link
        expect(story.heading()).to_contain_text("Number of certificates issued")
        expect(story.heading()).to_contain_text(TITLE)
        expect(page.get_by_text("Due by Thursday 15 April 2027.")).to_be_visible()

        # One bad answer first: a negative number (the form is novalidate, so it is sent).
        count = page.get_by_label("Number of certificates issued")
        note = page.get_by_label("Note for the agency")
        reason = page.get_by_label(
            "Why the number differs from the certificates issued in the system"
        )
        count.fill("-3")
        note.fill("Two participants left at noon.")
        story.press("File the report")
        summary = page.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_be_visible()
        expect(page).to_have_title(re.compile("^Error: "))
        expect(count).to_have_attribute("aria-invalid", "true")
        count_error = page.locator("#f-certificates-error")
        expect(count_error).to_be_visible()
        expect(count).to_have_accessible_description(re.compile("0 or more"))
        expect(summary.get_by_role("link", name=re.compile("0 or more"))).to_have_attribute(
            "href", "#f-certificates"
        )
        expect(count).to_have_value("-3")
        expect(note).to_have_value("Two participants left at noon.")
        assert [s for _, _, s in _owed(app, event_id)] == ["open", "open"]

        # The fix by keyboard only: from the focused summary, Tab to its link, Enter to
        # the field, replace the answer, Tab past the note to the button, Enter.
        expect(summary).to_be_focused()
        page.keyboard.press("Tab")
        expect(summary.get_by_role("link")).to_be_focused()
        page.keyboard.press("Enter")
        expect(count).to_be_focused()
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type("24")
        expect(count).to_have_value("24")
        # No certificates were issued in the system, so the number needs a reason.
        page.keyboard.press("Tab")
        expect(reason).to_be_focused()
        page.keyboard.type("Certificates were printed on paper at the door.")
        page.keyboard.press("Tab")
        expect(note).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="File the report")).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        story.check()
        assert [s for _, _, s in _owed(app, event_id)] == ["met", "open"]
        assert _application(app, event_id).state == "delivered"

        # Back on the status page: one filed, one ready; file the second.
        expect(page.get_by_role("status")).to_contain_text(
            "Thank you. Your report for 16 March 2027 is filed."
        )
        expect(
            page.get_by_role("heading", name="Status: Delivered, waiting for certificate counts")
        ).to_be_visible()
        owed_table = page.get_by_role("table", name="Reports owed for this application")
        expect(owed_table.get_by_role("row").filter(has_text="16 March 2027")).to_contain_text(
            "Filed"
        )
        second_row = owed_table.get_by_role("row").filter(has_text="17 March 2027")
        expect(second_row).to_contain_text("Ready to file")
        story.follow(second_row.get_by_role("link"))
        expect(story.heading()).to_contain_text("17 March 2027")
        page.get_by_label("Number of certificates issued").fill("22")
        page.get_by_label("Why the number differs from the certificates issued in the system").fill(
            "Certificates were printed on paper at the door."
        )
        story.press("File the report")

        expect(page.get_by_role("status")).to_contain_text(
            "Thank you. Your report for 17 March 2027 is filed."
        )
        expect(page.get_by_role("heading", name="Status: Reported")).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text("Every certificate count is in.")
        history = page.locator("ol.usa-process-list")
        expect(history.get_by_role("heading", name="Reported")).to_have_count(1)
        expect(history.get_by_role("heading", name="Listed")).to_have_count(1)
        expect(history).to_contain_text("by the system")
        expect(history).to_contain_text("Filed: ")

        story.link("My applications", within=page.get_by_role("navigation", name="Main"))
        expect(page.get_by_role("heading", name="Reports you owe")).to_have_count(0)
        expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Reported")

    # 4. The database agrees, and nothing more is owed or sent.
    assert _application(app, event_id).state == "reported"
    assert [s for _, _, s in _owed(app, event_id)] == ["met", "met"]
    with app.extensions["formflow"].db.reading() as session:
        counts = session.scalars(
            select(Obligation.data)
            .where(Obligation.application_id == event_id)
            .order_by(Obligation.due_on)
        ).all()
        trail = session.scalars(
            select(AuditEvent.trigger)
            .where(AuditEvent.application_id == event_id)
            .order_by(AuditEvent.id)
        ).all()
    assert [c["answers"]["certificates"] for c in counts] == [24, 22]
    assert trail[-3:] == ["report:certificate_count", "report:certificate_count", "report"]
    assert "deliver" in trail and "list" in trail
    assert "obligation_reminders: Reminded 0, skipped 0." in _worker(app, date(2027, 4, 15))
    assert len(smtp_server.messages) == 2, [m.subject for m in smtp_server.messages]

    assert len(axe_check.pages_checked) >= 15, axe_check.pages_checked
    axe_check.assert_clean()
