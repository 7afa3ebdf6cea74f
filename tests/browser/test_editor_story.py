"""An administrator edits a workflow in Chromium: a broken edit is refused with its line
and the app keeps its version; fixed and published, it is in force at once. axe-clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import AxeCheck, LiveServer, editable_definitions
from tests.browser.test_registration_story import Story
from tests.web.helpers import PASSWORD, make_user


@pytest.fixture
def live_overrides(tmp_path: Path) -> dict[str, Any]:
    """The live app edits a copy of the definition files, never the repository's."""
    return editable_definitions(tmp_path)


def test_an_admin_fixes_a_broken_edit_and_publishes(
    live_server: LiveServer, chromium_browser: Browser, axe_check: AxeCheck, tmp_path: Path
) -> None:
    make_user(live_server.app, "ada@opi.example.gov", "admin", "reviewer")
    path = tmp_path / "definitions" / "workflows" / "single_event.yaml"
    text = path.read_text()
    context = chromium_browser.new_context()
    story = Story(context.new_page(), live_server.url, axe_check)
    page = story.page
    story.go("/")
    story.sign_in("ada@opi.example.gov", PASSWORD)
    story.go("/admin/definitions")
    story.link("Single-event approval")
    box = page.get_by_label("The YAML of workflows/single_event.yaml")
    expect(box).to_have_value(text)
    # A slip: the deadline written as words. Refused, with its line; nothing changes.
    box.fill(text.replace("    due: {business_days: 7}\n", "    due: {business_days: seven}\n"))
    story.press("Publish")
    line = text[: text.index("    due: {business_days: 7}")].count("\n") + 1
    expect(page.get_by_role("alert")).to_contain_text(f"Line {line}, column")
    expect(page.get_by_role("alert")).to_contain_text("nothing was published")
    assert path.read_text() == text
    story.go("/rules/single_event")
    expect(page.get_by_text("Decided within 7 business days.")).to_be_visible()
    # Fixed, published: written to the file and in force for everyone at once.
    story.go("/admin/definitions/workflow/single_event")
    page.get_by_label("The YAML of workflows/single_event.yaml").fill(
        text.replace("    due: {business_days: 7}\n", "    due: {business_days: 10}\n")
    )
    story.press("Publish")
    expect(page.get_by_role("status").first).to_contain_text("Published workflow single_event")
    assert "business_days: 10}" in path.read_text()
    story.go("/rules/single_event")
    expect(page.get_by_text("Decided within 10 business days.")).to_be_visible()
    # Going back: the versions page shows what publication 2 changed; publication 1
    # opens in the editor and, published again, is in force again.
    story.go("/admin/definitions/workflow/single_event/versions")
    expect(page.get_by_text("1 line added, 1 removed")).to_be_visible()
    expect(page.get_by_label("Changes in publication 2")).to_contain_text(
        "+     due: {business_days: 10}"
    )
    story.link("Open publication 1 in the editor")
    expect(page.get_by_label("The YAML of workflows/single_event.yaml")).to_have_value(text)
    story.press("Publish")
    expect(page.get_by_role("status").first).to_contain_text("Published workflow single_event")
    story.go("/rules/single_event")
    expect(page.get_by_text("Decided within 7 business days.")).to_be_visible()
    # The form editor shows the form as applicants see it.
    story.go("/admin/definitions/form/single_event_application")
    expect(page.get_by_label("Event title")).to_be_disabled()
    context.close()
    axe_check.assert_clean()
