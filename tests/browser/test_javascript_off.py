"""Forms work with JavaScript off: conditional questions show when they apply, and
'Add another' is a plain submit button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from engine.platform.models import Application
from tests.browser.conftest import LiveServer
from tests.web.helpers import PASSWORD, make_user


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.browser
def test_the_form_works_with_javascript_off(
    chromium_browser: Browser, live_server: LiveServer
) -> None:
    base, app = live_server.url, live_server.app
    make_user(app, "nojs@example.org")
    context = chromium_browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/auth/login")
    page.get_by_label("Email address or username").fill("nojs@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(base + "/apply/provider_registration")
    page.get_by_role("button", name="Start now").click()
    # Without JavaScript the conditional question is shown, with a note saying when.
    expect(page.locator("#f-accreditor-group")).to_be_visible()
    expect(page.locator("#f-accreditor-group .app-only-if")).to_contain_text(
        "Answer this only if: Type of eligible organization is"
    )
    page.get_by_label("Legal name of the organization").fill("No Script Academy")
    page.get_by_text("A government agency", exact=True).click()
    page.get_by_label("Accrediting body").fill("ignored because hidden")
    page.get_by_label("Street address").fill("1 Main St")
    page.get_by_label("City").fill("Helena")
    page.get_by_label("ZIP code").fill("59601")
    page.get_by_label("Main phone number").fill("406 444 3095")
    page.get_by_role("button", name="Save and continue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("People on the account")
    page.get_by_text("Yes", exact=True).click()
    page.get_by_role("button", name="Add another user").click()
    expect(page.locator("#f-other_users-1-name")).to_be_visible()
    # (axe-core needs scripts, so it runs on these same pages in the registration story.)
    context.close()
    with app.extensions["formflow"].db.reading() as session:
        application = session.get(Application, 1)
        assert application is not None
        assert application.answers["legal_name"] == "No Script Academy"
