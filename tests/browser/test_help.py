"""Help in Debian's Chromium: open it from the header, read a topic, move to another one
with the keyboard; axe-core finds nothing on either page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import AxeCheck, LiveServer


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.browser
def test_a_provider_reads_help_from_the_header(
    chromium_browser: Browser, live_server: LiveServer, axe_check: AxeCheck
) -> None:
    context = chromium_browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Help").click()
    expect(page).to_have_title("Help | Montana Office of Public Instruction")
    expect(page.get_by_role("heading", level=1)).to_have_text("Help")
    topics = page.get_by_role("navigation", name="Help topics").get_by_role("link")
    expect(topics).to_have_count(9)
    expect(topics.first).to_have_text("The rules in plain words")
    axe_check(page)

    page.get_by_role("link", name="Issuing certificates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Issuing certificates")
    expect(page.get_by_role("heading", level=2, name="Reporting a count")).to_be_visible()
    expect(page.get_by_text("It is due 30 days after the date", exact=False)).to_be_visible()
    current = page.get_by_role("navigation", name="Help topics").locator("[aria-current=page]")
    expect(current).to_have_text("Issuing certificates")
    expect(page.get_by_role("link", name="opirenewalunits@example.gov").first).to_have_attribute(
        "href", "mailto:opirenewalunits@example.gov"
    )
    axe_check(page)

    # A link inside the text leads to another topic, reached with the keyboard.
    page.get_by_role("link", name="All help topics").click()
    page.get_by_role("link", name="The rules in plain words").focus()
    page.keyboard.press("Enter")
    page.locator(".usa-prose").get_by_role("link", name="Reporting events").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reporting events")
    axe_check(page)
    context.close()
    axe_check.assert_clean()
