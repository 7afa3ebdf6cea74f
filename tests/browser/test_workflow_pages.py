"""Staff read a workflow as a state diagram with its moves written out; axe finds nothing."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.conftest import AxeCheck, LiveServer
from tests.browser.test_registration_story import Story
from tests.web.helpers import PASSWORD, make_user


def test_a_reviewer_reads_each_workflow_as_a_diagram(
    live_server: LiveServer, chromium_browser: Browser, axe_check: AxeCheck
) -> None:
    make_user(live_server.app, "riley@opi.example.gov", "reviewer")
    context = chromium_browser.new_context()
    story = Story(context.new_page(), live_server.url, axe_check)
    story.go("/")
    story.sign_in("riley@opi.example.gov", PASSWORD)
    story.go("/admin/workflows")
    story.link("Single-event approval")
    page = story.page
    diagram = page.get_by_role("img", name="State diagram of the workflow Single-event approval")
    expect(diagram).to_be_visible()
    expect(diagram).to_contain_text("approve (reviewer)")
    row = page.get_by_role("row").filter(has_text="submit")
    expect(row).to_contain_text("(staff may override: reviewer)")
    context.close()
    axe_check.assert_clean()


def test_anyone_reads_the_rules_of_a_service(
    live_server: LiveServer, chromium_browser: Browser, axe_check: AxeCheck
) -> None:
    context = chromium_browser.new_context()
    story = Story(context.new_page(), live_server.url, axe_check)
    story.go("/")
    story.link("The rules of each service")
    story.link("Learning Opportunities Portal item")
    expect(story.heading()).to_have_text("Learning Opportunities Portal item: the rules")
    expect(story.page.get_by_text("Decided within 5 business days.")).to_be_visible()
    context.close()
    axe_check.assert_clean()
