"""Staff add a required question in Chromium: new applications ask it at once while one
under way keeps the form it started on; a declared `upgrade:`, checked then published,
moves that one onto the new form, and its applicant sees why. axe-clean on every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import AxeCheck, LiveServer, editable_definitions
from tests.browser.test_registration_story import Story
from tests.web.helpers import PASSWORD, make_user

ADMIN = "ada@opi.example.gov"
APPLICANT = "casey@library.example.org"
SEATS = "Seats available"
CAPACITY = (
    "      - id: capacity\n        type: whole_number\n        label: Seats available\n"
    "        required: true\n"
)
NOTE = "Seats are now asked of every event."


@pytest.fixture
def live_overrides(tmp_path: Path) -> dict[str, Any]:
    """The live app edits a copy of the definition files, never the repository's."""
    return editable_definitions(tmp_path)


def _start(story: Story) -> str:
    """Start a single-event application; return the address of its cost page."""
    story.go("/apply/single_event")
    story.press("Start now")
    started = re.search(r"/applications/(\d+)/pages/about$", story.page.url)
    assert started, story.page.url
    return f"/applications/{started.group(1)}/pages/practical"


def test_a_new_required_question_and_the_upgrade_that_moves_a_draft(
    live_server: LiveServer, chromium_browser: Browser, axe_check: AxeCheck, tmp_path: Path
) -> None:
    make_user(live_server.app, ADMIN, "admin", "reviewer")
    make_user(live_server.app, APPLICANT)
    root = tmp_path / "definitions"
    applicant = Story(chromium_browser.new_context().new_page(), live_server.url, axe_check)
    applicant.go("/")
    applicant.sign_in(APPLICANT, PASSWORD)
    old_draft = _start(applicant)
    applicant.go(old_draft)
    expect(applicant.page.get_by_label("Cost to participants")).to_be_visible()
    expect(applicant.page.get_by_label(SEATS)).to_have_count(0)

    # The admin adds a required question to the form and publishes it.
    admin = Story(chromium_browser.new_context().new_page(), live_server.url, axe_check)
    admin.go("/")
    admin.sign_in(ADMIN, PASSWORD)
    admin.go("/admin/definitions/form/single_event_application")
    box = admin.page.get_by_label("The YAML of forms/single_event_application.yaml")
    text = (root / "forms" / "single_event_application.yaml").read_text()
    box.fill(text.replace("      - id: cost\n", CAPACITY + "      - id: cost\n", 1))
    admin.press("Publish")
    expect(admin.page.get_by_role("status").first).to_contain_text(
        "Published form single_event_application"
    )

    # A new application asks it; the draft under way keeps the form it started on.
    new_draft = _start(applicant)
    applicant.go(new_draft)
    expect(applicant.page.get_by_label(SEATS)).to_be_visible()
    applicant.go(old_draft)
    expect(applicant.page.get_by_label("Cost to participants")).to_be_visible()
    expect(applicant.page.get_by_label(SEATS)).to_have_count(0)

    # The admin declares how applications under way move, checks what it would do ...
    admin.go("/admin/definitions/workflow/single_event")
    box = admin.page.get_by_label("The YAML of workflows/single_event.yaml")
    flow = (root / "workflows" / "single_event.yaml").read_text()
    box.fill(flow.replace("\nstates:\n", f"\nupgrade:\n  note: {NOTE}\n\nstates:\n", 1))
    admin.press("Check")
    plan = admin.page.get_by_role("table", name="What publishing does with each application")
    expect(plan).to_contain_text("Moves")
    # Both drafts are on an earlier version of the workflow: the new one too, started
    # before this `upgrade:` was written.
    expect(admin.page.get_by_text("On publishing, 2 of 2 applications under way")).to_be_visible()
    # ... and publishes it: the drafts move.
    admin.press("Publish")
    expect(admin.page.get_by_text("2 of 2 applications under way moved")).to_be_visible()

    applicant.go(old_draft)
    expect(applicant.page.get_by_label(SEATS)).to_be_visible()
    applicant.go(old_draft.removesuffix("/pages/practical"))
    expect(applicant.page.get_by_text("Moved onto the current rules")).to_be_visible()
    expect(applicant.page.get_by_text(NOTE)).to_be_visible()
    axe_check.assert_clean()
