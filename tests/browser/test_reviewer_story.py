"""The reviewer's story in Debian's Chromium, with axe-core on every page.

Four provider registrations wait and one is still a draft. A reviewer opens the queue,
searches and filters it, ticks two applications (one by mouse, one by keyboard) and
assigns them to themself, lists what is theirs, approves both at once with one comment,
and downloads the approved ones as CSV. The database is checked at each step.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from engine.platform.models import Application, AuditEvent, User
from engine.review.assignment import ASSIGN
from tests.browser.conftest import AxeCheck, LiveServer
from tests.browser.test_registration_story import Story
from tests.web.helpers import PASSWORD, fill_all, fire, make_user, sign_in, start_application

REVIEWER = "riley@example.org"
APPLICANT = "jordan@example.org"
WAITING = ("Big Sky Academy", "Prairie Learning", "Glacier Institute", "Big Horn College")
DRAFT = "Unfinished Academy"


def _submit(app: Flask) -> dict[str, int]:
    """Submit one registration per name in WAITING (oldest first); leave DRAFT a draft."""
    client = app.test_client()
    sign_in(client, APPLICANT)
    ids = {}
    for name in (*WAITING, DRAFT):
        application_id = start_application(client)
        fill_all(client, application_id, legal_name=name)
        if name != DRAFT:
            assert fire(client, application_id, "submit").status_code == 302
        ids[name] = application_id
    return ids


def _application(app: Flask, application_id: int) -> Application:
    with app.extensions["formflow"].db.reading() as session:
        found = session.get(Application, application_id)
        assert found is not None
        session.expunge(found)
        return found


def _triggers(app: Flask, application_id: int) -> list[str]:
    with app.extensions["formflow"].db.reading() as session:
        return list(
            session.scalars(
                select(AuditEvent.trigger)
                .where(AuditEvent.application_id == application_id)
                .order_by(AuditEvent.id)
            )
        )


def _references(page: Page) -> list[str]:
    """The reference numbers the queue's table lists, top to bottom."""
    return page.locator("tbody th[scope=row]").all_inner_texts()


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.browser
def test_reviewer_story(
    browser_context: Callable[[], BrowserContext],
    live_server: LiveServer,
    axe_check: AxeCheck,
) -> None:
    app = live_server.app
    make_user(app, APPLICANT)
    reviewer_id = make_user(app, REVIEWER, "reviewer")
    ids = _submit(app)
    ref = {name: f"{i:06d}" for name, i in ids.items()}
    big_sky, big_horn = ids["Big Sky Academy"], ids["Big Horn College"]

    story = Story(browser_context().new_page(), live_server.url, axe_check)
    page = story.page
    story.go("/")
    story.sign_in(REVIEWER, PASSWORD)
    story.link("Review queue", within=page.get_by_role("navigation", name="Main"))
    expect(story.heading()).to_have_text("Review queue")
    main = page.get_by_role("main")
    expect(main).to_contain_text("4 applications match")
    assert _references(page) == [ref[name] for name in WAITING]

    # 1. Search and filter: "big" finds two; the draft is found only with "any status".
    page.get_by_label("Search").fill("BIG")
    story.press("Apply filters")
    expect(main).to_contain_text("2 applications match")
    assert _references(page) == [ref["Big Sky Academy"], ref["Big Horn College"]]
    expect(page.get_by_label("Search")).to_have_value("BIG")
    page.get_by_label("Search").fill("")
    page.get_by_label("Status").select_option(label="Any status")
    page.get_by_label("Workflow").select_option(
        label="Approved provider registration (multiple events)"
    )
    story.press("Apply filters")
    expect(main).to_contain_text("5 applications match")
    page.get_by_label("Status").select_option(label="Draft")
    story.press("Apply filters")
    assert _references(page) == [ref[DRAFT]]
    story.link("Clear filters", within=page.get_by_role("search"))
    expect(main).to_contain_text("4 applications match")

    # 2. Tick two (the first by clicking its box, the second by keyboard); assign to me.
    page.locator(f"label[for=select-{big_sky}]").click()
    box = page.get_by_role("checkbox", name=f"Select {ref['Big Horn College']} Big Horn College")
    box.focus()
    page.keyboard.press("Space")
    expect(
        page.get_by_role("checkbox", name=re.compile(f"^Select {ref['Big Sky Academy']}"))
    ).to_be_checked()
    expect(box).to_be_checked()
    page.get_by_label("Assign to").select_option(label=f"Me ({REVIEWER})")
    story.press("Assign the selected")
    expect(story.heading()).to_have_text("Assignment of the selected applications")
    expect(main).to_contain_text("2 of 2 changed")
    expect(main).to_contain_text(f"{ref['Big Sky Academy']} assigned to {REVIEWER}")
    for application_id in (big_sky, big_horn):
        assert _application(app, application_id).assigned_to_id == reviewer_id
        assert _triggers(app, application_id)[-1] == ASSIGN

    # 3. What is mine, then approve both at once.
    story.link("Back to the review queue")
    page.get_by_label("Assigned to", exact=True).select_option(label="Me")
    story.press("Apply filters")
    expect(main).to_contain_text("2 applications match")
    expect(page.get_by_role("cell", name="You", exact=True)).to_have_count(2)
    for application_id in (big_sky, big_horn):
        page.locator(f"label[for=select-{application_id}]").click()
    page.get_by_label("Decision", exact=True).select_option(label="Approve (2 of the 2 listed)")
    page.get_by_label("Comment to the applicants").fill("Welcome to the provider list.")
    story.press("Apply the decision to the selected")
    expect(story.heading()).to_have_text("Decision on the selected applications")
    expect(main).to_contain_text("2 of 2 changed")
    expect(main).to_contain_text(f"{ref['Big Sky Academy']} now Approved")
    expect(main).to_contain_text(f"{ref['Big Horn College']} now Approved")
    for application_id in (big_sky, big_horn):
        assert _application(app, application_id).state == "approved"
        assert _triggers(app, application_id)[-1] == "approve"
    assert _application(app, ids["Prairie Learning"]).state == "submitted"

    # 4. The approved ones, as CSV: the same rows as the page.
    story.link("Back to the review queue")
    expect(main).to_contain_text("0 applications match")  # still "assigned to me, waiting"
    page.get_by_label("Status").select_option(label="Approved")
    story.press("Apply filters")
    expect(main).to_contain_text("2 applications match")
    shown = _references(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download these 2 rows as CSV").click()
    download = info.value
    assert re.fullmatch(r"review-queue-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    path = download.path()
    with open(path, encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(io.StringIO(handle.read())))
    assert lines[0][0] == "Reference" and lines[0][-1] == "Assigned to"
    assert [line[0] for line in lines[1:]] == shown
    assert {(line[2], line[5], line[9]) for line in lines[1:]} == {
        ("Big Sky Academy", "Approved", REVIEWER),
        ("Big Horn College", "Approved", REVIEWER),
    }
    with app.extensions["formflow"].db.reading() as session:
        assert session.scalar(select(User.id).where(User.email == REVIEWER)) == reviewer_id

    assert not story.server_errors and not story.script_errors
    axe_check.assert_clean()
