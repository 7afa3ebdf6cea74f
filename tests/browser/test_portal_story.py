"""The portal story end to end in Debian's Chromium, with axe-core on every page.

A provider's account manager sends a learning opportunity to the Learning Opportunities
Portal; a reviewer does not post it and says why; the provider sends a new item that
fixes it; the reviewer posts it; an educator, not signed in, finds it on /portal in the
calendar and by a search with a typo; the provider withdraws it and it is gone from
/portal at once. The database and the emails are checked on the way.
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
from tests.web.helpers import PASSWORD, make_provider, make_user

PROVIDER = "Big Sky Teacher Academy"
MANAGER = "jordan@bigsky.example.org"
REVIEWER = ("Riley Reviewer", "riley@opi.example.gov", "reviewer password 2024")
DAY = date(2027, 3, 1)  # a Monday
SALES = "Number talks kit: demonstration of our kit, with a discount to districts"
TITLE = "Number talks in the primary grades"
REASON = "Sales-based: the afternoon demonstrates a kit for purchase."


def _states(app: Flask) -> list[tuple[str, str]]:
    with app.extensions["formflow"].db.reading() as session:
        rows = session.query(Application).filter(Application.workflow == "portal_item")
        return [(a.title, a.state) for a in rows.order_by(Application.id)]


def send_item(story: Story, title: str, description: str) -> int:
    """From "My applications", fill a dated, in-person portal item and send it."""
    page = story.page
    story.link("My applications", within=page.get_by_role("navigation", name="Main"))
    story.link("Learning Opportunities Portal item")
    expect(page.get_by_role("main")).to_contain_text(f"You are starting this for {PROVIDER}")
    story.press("Start now")
    started = re.search(r"/applications/(\d+)/pages/about$", page.url)
    assert started, page.url
    expect(story.heading()).to_contain_text("About the opportunity")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill(description)
    choose(page, "In person")
    story.press("Save and continue")

    expect(story.heading()).to_contain_text("When")
    expect(page.get_by_label("Available from")).to_be_hidden()
    first = page.get_by_role("group", name="Date 1", exact=True)
    first.get_by_label(re.compile("^Date")).fill("2027-04-14")
    first.get_by_label(re.compile("^Start time")).fill("1:00 PM")
    first.get_by_label(re.compile("^End time")).fill("4 pm")
    story.press("Save and continue")

    expect(story.heading()).to_contain_text("Where")
    page.get_by_label("Location").fill("Whitefish Central School, 600 East 2nd Street")
    story.press("Save and continue")

    expect(story.heading()).to_contain_text("Audience, cost and contact")
    choose(page, "Teachers")
    page.get_by_label("Cost to participants").fill("Free")
    page.get_by_label("Registration link").fill("https://bigsky.example.org/number-talks")
    page.get_by_label("Contact person's name").fill("Jordan Rivers")
    page.get_by_label("Contact email address").fill(MANAGER)
    choose(
        page,
        "This opportunity is professional learning for educators, not a sales presentation "
        "or a promotion of products or services.",
    )
    story.press("Save and continue")

    expect(story.heading()).to_have_text("Check your answers before sending")
    story.press("Send to the agency")
    expect(page.get_by_role("heading", name="Status: Waiting for the agency")).to_be_visible()
    return int(started.group(1))


def decide(story: Story, item: int, button: str, comment: str = "", reason: str = "") -> None:
    """As the reviewer: open the item, choose the reason, write the comment, press the button."""
    story.go(f"/review/applications/{item}")
    if reason:
        choose(story.page, reason)
    if comment:
        story.page.get_by_label("Comment to the applicant").fill(comment)
    story.press(button)


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.browser
def test_portal_story(
    browser_context: Callable[[], BrowserContext],
    live_server: LiveServer,
    smtp_server: Any,
    axe_check: AxeCheck,
) -> None:
    app = live_server.app
    make_user(app, MANAGER)
    make_provider(app, PROVIDER, MANAGER)
    reviewer_name, reviewer_email, reviewer_password = REVIEWER
    with app.extensions["formflow"].db.transaction() as session:
        create_user(session, reviewer_email, reviewer_password, ("reviewer",), reviewer_name)
    provider = Story(browser_context().new_page(), live_server.url, axe_check)
    reviewer = Story(browser_context().new_page(), live_server.url, axe_check)
    educator = Story(browser_context().new_page(), live_server.url, axe_check)

    with clock.frozen_at(DAY):
        # 1. The provider sends an item; the reviewer does not post it, and says why.
        provider.go("/")
        provider.sign_in(MANAGER, PASSWORD)
        refused = send_item(provider, SALES, "An afternoon with our number talks kit.")
        reviewer.go("/")
        reviewer.sign_in(reviewer_email, reviewer_password)
        decide(reviewer, refused, "Do not post")  # without a comment: refused
        expect(reviewer.page.get_by_role("main")).to_contain_text(
            "Write a comment to explain this decision."
        )
        assert _states(app) == [(SALES, "submitted")]
        decide(reviewer, refused, "Do not post", REASON)  # without a reason chosen: refused
        expect(reviewer.page.get_by_role("main")).to_contain_text(
            "Choose the reason for this decision."
        )
        assert _states(app) == [(SALES, "submitted")]
        decide(reviewer, refused, "Do not post", REASON, reason="Sales-based")
        assert _states(app) == [(SALES, "refused")]
        mail = smtp_server.wait_for(2)
        assert mail[1].subject == f"Your item was not posted: {SALES} ({refused:06d})"
        assert REASON in mail[1].body and mail[1].recipients == (MANAGER,)
        assert "The reason: Sales-based." in mail[1].body
        educator.go("/portal")
        expect(educator.heading()).to_have_text("Learning Opportunities Portal")
        expect(educator.page.get_by_role("main")).not_to_contain_text("Number talks kit")

        # 2. The provider reads why, and sends a new item without the sales pitch.
        provider.go(f"/applications/{refused}")
        expect(provider.page.get_by_role("heading", name="Status: Not posted")).to_be_visible()
        expect(provider.page.get_by_role("main")).to_contain_text(REASON)
        posted = send_item(
            provider, TITLE, "An afternoon on number talks for K-3 teachers, with practice."
        )
        decide(reviewer, posted, "Post on the portal")
        assert _states(app) == [(SALES, "refused"), (TITLE, "posted")]
        # A long subject comes folded onto a second header line; its words are what count.
        assert smtp_server.wait_for(4)[3].subject.strip().startswith("Your item is on the portal")

        # 3. An educator finds it in the calendar, and by a search with a typo.
        educator.go("/portal")
        calendar = educator.page.get_by_role("region", name="April 2027")
        expect(calendar.get_by_role("heading", name=TITLE)).to_be_visible()
        expect(calendar).to_contain_text("Wednesday 14 April 2027, 1:00 PM to 4:00 PM")
        expect(calendar).to_contain_text(PROVIDER)
        expect(educator.page.get_by_role("status")).to_have_text(
            "1 upcoming event and 0 self-paced courses."
        )
        educator.page.get_by_label("Search by words").fill("numbr talks")
        educator.page.get_by_label("Format").select_option(label="In person")
        educator.press("Search")
        assert "q=numbr+talks" in educator.page.url and "format=in_person" in educator.page.url
        expect(educator.page.get_by_role("heading", name=TITLE)).to_be_visible()
        expect(educator.page.get_by_role("status")).to_contain_text("match your search")

        # 4. The provider withdraws it: it is gone from the portal at once.
        provider.go(f"/applications/{posted}")
        provider.press("Withdraw from the portal")
        expect(provider.page.get_by_role("heading", name="Status: Withdrawn")).to_be_visible()
        assert _states(app) == [(SALES, "refused"), (TITLE, "withdrawn")]
        educator.go("/portal")
        expect(educator.page.get_by_role("main")).not_to_contain_text(TITLE)
        expect(educator.page.get_by_role("status")).to_have_text("Nothing is posted yet.")

    assert len(axe_check.pages_checked) >= 20, axe_check.pages_checked
    axe_check.assert_clean()
