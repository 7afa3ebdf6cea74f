"""A time and an address typed with the keyboard only, found by their labels, with
axe-core on the empty page, the page with errors and the check-your-answers page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import AxeCheck, LiveServer
from tests.conftest import ROOT
from tests.web.helpers import PASSWORD, make_user

VISITS = ROOT / "tests" / "fixtures" / "visits"


@pytest.fixture
def live_overrides() -> dict[str, Any]:
    """Run only the site-visit fixture: a time and an address on one page."""
    return {"DEFINITIONS_DIR": str(VISITS)}


def type_into(page: Page, label: str, text: str) -> None:
    """Move the focus to the input of this label and type, replacing what is there."""
    page.get_by_label(label).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.mark.browser
def test_a_time_and_an_address_by_keyboard(
    chromium_browser: Browser, live_server: LiveServer, axe_check: AxeCheck
) -> None:
    base, app = live_server.url, live_server.app
    make_user(app, "visitor@example.org")
    page = chromium_browser.new_page()
    page.goto(base + "/auth/login")
    page.get_by_label("Email address or username").fill("visitor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(base + "/apply/site_visit")
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("group", name="Address of the site")).to_be_visible()
    axe_check(page)

    type_into(page, "Name of the place", "Lincoln School")
    # From here on Tab moves through the address's parts in reading order.
    page.keyboard.press("Tab")
    page.keyboard.type("1300 11th Avenue")
    expect(page.get_by_label("Street address")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Apartment, suite or unit")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("Helena")
    page.keyboard.press("Tab")
    expect(page.get_by_label("State")).to_be_focused()
    expect(page.get_by_label("State")).to_have_value("MT")  # the form's default
    page.keyboard.press("Tab")
    page.keyboard.type("5960")
    type_into(page, "Arrival time", "9am")
    type_into(page, "Departure time", "2:30 pm")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The ZIP code is refused next to its part; the summary links to it.
    zip_message = "Enter the ZIP code of “Address of the site” like 59601 or 59601-1234."
    expect(page.locator("#error-summary")).to_contain_text(zip_message)
    expect(page.locator("#f-site-zip-error")).to_contain_text(zip_message)
    expect(page.get_by_label("ZIP code")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Arrival time")).to_have_value("9:00 AM")
    expect(page.get_by_label("Departure time")).to_have_value("2:30 PM")
    axe_check(page)

    type_into(page, "ZIP code", "59601")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    answers = page.locator(".app-answers")
    expect(answers).to_contain_text("1300 11th Avenue, Helena, MT 59601")
    expect(answers).to_contain_text("9:00 AM")
    expect(answers).to_contain_text("2:30 PM")
    axe_check(page)
    axe_check.assert_clean()
    page.close()
