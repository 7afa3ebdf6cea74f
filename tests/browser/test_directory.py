"""The provider directory and the start page's check in Debian's Chromium, with axe-core.

A visitor, not signed in, opens the directory from the header, searches with typos and
finds the provider; an applicant checks a misspelt name on the registration start page,
is warned, and follows the link to ask to join instead.
"""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from engine.accounts.users import create_user
from engine.organizations import memberships as orgs
from tests.browser.conftest import AxeCheck, LiveServer

APPLICANT = ("Avery Applicant", "avery@example.org", "three blue canoes at dawn")


def seed(live: LiveServer) -> None:
    """Two approved providers, one inactive one, and an applicant account."""
    with live.app.extensions["formflow"].db.transaction() as session:
        orgs.create_organization(
            session,
            name="Big Sky Teacher Academy",
            email="info@bigsky.example.org",
            phone="406 555 0101",
            website="https://bigsky.example.org",
        )
        orgs.create_organization(session, name="Flathead Valley Schools")
        closed = orgs.create_organization(session, name="Big Sky Closed Institute")
        closed.status = orgs.INACTIVE
        name, email, password = APPLICANT
        create_user(session, email, password, roles=("applicant",), name=name)


def test_search_the_directory_and_be_warned_before_registering(
    live_server: LiveServer, chromium_browser: Browser, axe_check: AxeCheck
) -> None:
    seed(live_server)
    page = chromium_browser.new_page()
    try:
        page.goto(live_server.url + "/")
        main_nav = page.get_by_role("navigation", name="Main")
        with page.expect_navigation():
            main_nav.get_by_role("link", name="Provider directory").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Provider directory")
        expect(page.get_by_role("status")).to_have_text("2 approved providers.")
        axe_check(page)

        page.get_by_label("Search by name or provider number").fill("big sky teachr acadmy")
        with page.expect_navigation():
            page.get_by_role("button", name="Search", exact=True).click()
        expect(page.get_by_role("status")).to_have_text(
            "1 provider matches “big sky teachr acadmy”, best matches first."
        )
        row = page.get_by_role("row").filter(has_text="Big Sky Teacher Academy")
        expect(row).to_contain_text("RUP-0001")
        expect(row.get_by_role("link", name="info@bigsky.example.org")).to_be_visible()
        expect(page.get_by_text("Big Sky Closed Institute")).to_have_count(0)
        axe_check(page)

        page.get_by_label("Search by name or provider number").fill("Glacier")
        with page.expect_navigation():
            page.get_by_role("button", name="Search", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("No provider matches “Glacier”.")
        axe_check(page)

        name, email, password = APPLICANT
        page.goto(live_server.url + "/auth/login")
        page.get_by_label("Email address or username").fill(email)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in", exact=True).click()
        page.goto(live_server.url + "/apply/provider_registration")
        axe_check(page)
        page.get_by_label("Name of your organization").fill("Big Sky Teacher Acadmy")
        with page.expect_navigation():
            page.get_by_role("button", name="Check", exact=True).click()
        warning = page.get_by_role("status")
        expect(warning).to_contain_text(
            "Big Sky Teacher Academy (RUP-0001) is already an approved provider. "
            "If you work for it, ask to join its account"
        )
        expect(page.get_by_role("button", name="Start now")).to_be_visible()
        axe_check(page)

        with page.expect_navigation():
            warning.get_by_role("link", name="ask to join its account").click()
        assert page.url.endswith("/apply/access_request?organization=RUP-0001")
        expect(page.get_by_label("Organization")).to_have_value("RUP-0001")
        axe_check(page)
    finally:
        page.close()
    axe_check.assert_clean()
