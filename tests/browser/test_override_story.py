"""A reviewer accepts a late single-event application in Chromium: the override form
asks for a written reason, the history keeps it, and the report of overrides lists it;
axe-core finds nothing on any page."""

from __future__ import annotations

from datetime import date
from typing import Any

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from engine.platform import clock
from engine.platform.models import Application, AuditEvent
from tests.browser.conftest import AxeCheck, LiveServer
from tests.browser.test_registration_story import Story
from tests.web.helpers import PASSWORD, make_user
from tests.web.test_single_event import APPLICANT, REFUSED, REVIEWER, _filled

REASON = "The venue cancelled and the event moved; the library phoned on 6 March."


def test_a_reviewer_overrides_the_ten_day_rule_with_a_reason(
    live_server: LiveServer, chromium_browser: Browser, axe_check: AxeCheck, smtp_server: Any
) -> None:
    app = live_server.app
    application_id = _filled(app, app.test_client())
    make_user(app, REVIEWER, "reviewer")
    context = chromium_browser.new_context()
    story = Story(context.new_page(), live_server.url, axe_check)
    page = story.page
    # Saturday 7 March 2026: nine days before the event on Monday 16 March.
    with clock.frozen_at(date(2026, 3, 7)):
        story.go("/")
        story.sign_in(REVIEWER, PASSWORD)
        story.go(f"/review/applications/{application_id}")
        override = page.get_by_role("region", name="Override the check: Send the application")
        expect(override).to_contain_text(REFUSED)
        # The reason is required by the browser too; the server refuses a blank one anyway.
        reason_box = override.get_by_label("Why go ahead anyway")
        expect(reason_box).to_have_attribute("required", "")
        reason_box.fill(REASON)
        story.follow(override.get_by_role("button", name="Send the application anyway"))
        expect(page.get_by_role("status").first).to_contain_text("Waiting for a decision")
        expect(page.get_by_text(f"Agency staff went ahead although: {REFUSED}")).to_be_visible()
        expect(page.get_by_text(f"Why: {REASON}")).to_be_visible()
        story.go("/review/overrides")
        row = page.get_by_role("row").filter(has_text=f"{application_id:06d}")
        expect(row).to_contain_text(REASON)
        expect(row).to_contain_text("Send the application")
        page.get_by_label("Kind of application").select_option(label="Event report")
        story.press("Show")
        expect(page.get_by_text("No check has been overridden")).to_be_visible()
    context.close()
    axe_check.assert_clean()
    with app.extensions["formflow"].db.reading() as session:
        application = session.get(Application, application_id)
        assert application is not None and application.state == "submitted"
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.application_id == application_id, AuditEvent.trigger == "submit"
            )
        ).one()
        assert (event.overridden, event.override_reason) == (REFUSED, REASON)
    # The applicant is told the application was received, as if they had sent it.
    assert smtp_server.wait_for(1)[0].to == APPLICANT
