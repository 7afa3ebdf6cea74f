"""An administrator types in the form editor in Chromium: without pressing Check, the
preview shows the new question; a slip is listed with its line, and its link puts the
caret on that line. Line numbers run beside the text. Nothing is written; axe-clean."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import AxeCheck, LiveServer, editable_definitions
from tests.browser.test_registration_story import Story
from tests.web.helpers import PASSWORD, make_user

ANCHOR = "      - id: cost\n"
SEATS = "      - id: seats\n        type: whole_number\n        label: Seats available\n"


@pytest.fixture
def live_overrides(tmp_path: Path) -> dict[str, Any]:
    """The live app edits a copy of the definition files, never the repository's."""
    return editable_definitions(tmp_path)


def test_the_preview_follows_the_typing_and_a_problem_links_to_its_line(
    live_server: LiveServer, chromium_browser: Browser, axe_check: AxeCheck, tmp_path: Path
) -> None:
    make_user(live_server.app, "ada@opi.example.gov", "admin", "reviewer")
    path = tmp_path / "definitions" / "forms" / "single_event_application.yaml"
    text = path.read_text()
    context = chromium_browser.new_context()
    story = Story(context.new_page(), live_server.url, axe_check)
    page = story.page
    story.go("/")
    story.sign_in("ada@opi.example.gov", PASSWORD)
    story.go("/admin/definitions/form/single_event_application")
    box = page.get_by_label("The YAML of forms/single_event_application.yaml")
    preview = page.locator("#definition-preview")
    status = page.get_by_role("status").filter(has_text="Checked")
    # Line numbers beside the text, one per line, hidden from screen readers.
    gutter = page.locator(".app-editor__gutter")
    expect(gutter).to_have_attribute("aria-hidden", "true")
    assert gutter.inner_text().split() == [str(n) for n in range(1, text.count("\n") + 2)]

    # A new question typed before the cost question: previewed without pressing Check.
    at = text.index(ANCHOR)
    box.evaluate("(box, at) => { box.focus(); box.setSelectionRange(at, at); }", at)
    page.keyboard.type(SEATS)
    expect(preview.get_by_label("Seats available")).to_be_disabled()
    expect(preview).to_contain_text("As checked, not yet published")
    expect(preview).to_contain_text("a new question: 'Seats available' (seats)")
    expect(status).to_have_text("Checked: no problems")
    expect(gutter).to_contain_text(str(text.count("\n") + 4))
    story.check()

    # A slip: a type that does not exist. Listed with its line; nothing else changes.
    typed = box.input_value()
    end = typed.index("type: whole_number") + len("type: whole_number")
    box.evaluate("(box, at) => box.setSelectionRange(at, at)", end)
    page.keyboard.press("Backspace")
    line = typed[:end].count("\n") + 1
    link = preview.get_by_role("link", name=f"Line {line}, column")
    expect(link).to_be_visible()
    # The workflow using the form may complain too: counted, without a line of this text.
    expect(status).to_have_text(re.compile(r"^Checked: \d+ problems?$"))
    expect(preview).to_contain_text("In force now")
    expect(preview.get_by_label("Seats available")).to_have_count(0)
    story.check()

    # Its link puts the caret at the start of that line, in the text box.
    box.evaluate("box => box.setSelectionRange(0, 0)")
    link.click()
    expect(box).to_be_focused()
    start = len("".join(typed.splitlines(keepends=True)[: line - 1]))
    assert box.evaluate("box => [box.selectionStart, box.selectionEnd]") == [start, start]
    assert box.evaluate("box => box.value.slice(box.selectionStart).split('\\n')[0]") == (
        "        type: whole_numbe"
    )

    # Typed, previewed, never pressed: the file is as it was.
    assert path.read_text() == text
    context.close()
    axe_check.assert_clean()
