"""The whole registration story in Debian's Chromium, with axe-core on every page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import make_test_app
from tests.web.helpers import PASSWORD, make_user

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright cannot download browsers here)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def live(database_url: str, tmp_path: Path, smtp_server: Any) -> Iterator[tuple[str, Any]]:
    """The app served on a free port, mailing to the real SMTP server."""
    server = make_server("127.0.0.1", 0, None, threaded=True)  # type: ignore[arg-type]
    url = f"http://127.0.0.1:{server.server_port}"
    app = make_test_app(
        database_url, tmp_path, SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, BASE_URL=url
    )
    server.app = app  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url, app
    server.shutdown()
    app.extensions["formflow"].db.dispose()


class Story:
    """A page plus the accessibility findings of every page it has shown."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.axe = Axe()
        self.violations: list[str] = []

    def check(self) -> None:
        """Run axe-core on the current page and keep what it finds."""
        results = self.axe.run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        for violation in results.response["violations"]:
            targets = [n["target"] for n in violation["nodes"]]
            self.violations.append(f"{self.page.url}: {violation['id']} {targets}")

    def go(self, path: str) -> None:
        """Open a page and check it."""
        self.page.goto(self.base + path)
        self.check()

    def sign_in(self, email: str) -> None:
        """Sign in through the form."""
        self.go("/auth/login")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.check()

    def sign_out(self) -> None:
        """Sign out with the header button."""
        self.page.get_by_role("button", name="Sign out").click()

    def press(self, name: str) -> None:
        """Press a button and check the page it leads to."""
        self.page.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state()
        self.check()


# Werkzeug's development server leaves a static file to the garbage collector when
# Chromium cancels a request it no longer needs; that is the test server, not the app.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.browser
def test_registration_story(chromium: Browser, live: tuple[str, Any], smtp_server: Any) -> None:
    base, app = live
    make_user(app, "reviewer@example.org", "reviewer")
    context = chromium.new_context()
    story = Story(context.new_page(), base)
    page = story.page

    # An applicant signs up.
    story.go("/")
    page.get_by_role("link", name="Create an account").click()
    story.check()
    page.get_by_label("Full name").fill("Jordan Rivers")
    page.get_by_label("Email address").fill("jordan@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    story.press("Create account")

    # Starts the registration and fills page 1, with one wrong answer.
    story.go("/apply/provider_registration")
    story.press("Start now")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your organization")
    page.get_by_label("Legal name of the organization").fill("Big Sky Teacher Academy")
    accreditor = page.locator("#f-accreditor-group")
    expect(accreditor).to_be_hidden()
    page.get_by_text("An accredited college or university", exact=True).click()
    expect(accreditor).to_be_visible()
    page.get_by_label("Accrediting body").fill("NWCCU")
    page.get_by_label("Street address").fill("1300 11th Avenue")
    page.get_by_label("City").fill("Helena")
    page.get_by_label("ZIP code").fill("5960")
    page.get_by_label("Main phone number").fill("406 444 3095")
    page.get_by_label("Website").fill("https://bigsky.example.org")
    story.press("Save and continue")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_role("link", name="Enter a ZIP code like 59601 or 59601-1234.").click()
    expect(page.get_by_label("ZIP code")).to_be_focused()
    expect(page.get_by_label("Legal name of the organization")).to_have_value(
        "Big Sky Teacher Academy"
    )
    page.get_by_label("ZIP code").fill("59601")
    story.press("Save and continue")

    # Page 2: two other users, then save the draft and leave.
    expect(page.get_by_role("heading", level=1)).to_contain_text("People on the account")
    page.get_by_label("Account manager's full name").fill("Jordan Rivers")
    page.get_by_label("Account manager's job title").fill("Director")
    page.get_by_label("Account manager's email address").fill("jordan@example.org")
    page.get_by_label("Account manager's phone number").fill("406 555 0100")
    page.get_by_text("Yes", exact=True).click()
    page.locator("#f-other_users-0-name").fill("Sam Lee")
    page.locator("#f-other_users-0-email").fill("sam@example.org")
    page.locator("#f-other_users-0-role").select_option("both")
    story.press("Add another user")
    expect(page.locator("#f-other_users-1-name")).to_be_focused()
    page.locator("#f-other_users-1-name").fill("Kim Park")
    page.locator("#f-other_users-1-email").fill("kim@example.org")
    page.locator("#f-other_users-1-role").select_option("event_entry")
    story.press("Save draft and come back later")
    expect(page.get_by_text("Your answers are saved")).to_be_visible()
    story.sign_out()

    # Comes back, resumes, finishes.
    story.sign_in("jordan@example.org")
    page.get_by_role("link", name="My applications").click()
    page.get_by_role("link", name="000001").click()
    story.check()
    page.get_by_role("link", name="Continue your application").click()
    story.press("Save and continue")
    expect(page.locator("#f-other_users-1-name")).to_have_value("Kim Park")
    story.press("Save and continue")
    page.get_by_label("Describe the professional learning you offer").fill(
        "Literacy coaching cycles for K-8 teachers, followed by classroom visits."
    )
    page.get_by_text("Teachers", exact=True).click()
    page.get_by_label("About how many events").fill("12")
    story.press("Save and continue")

    # The declarations, with the keyboard only.
    page.locator("#f-attest_714").focus()
    for _ in range(4):
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the focused "Save and continue" button
    story.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    expect(page.get_by_text("Kim Park")).to_be_visible()
    story.press("Submit registration")
    expect(page.get_by_text("Status: Waiting for a decision")).to_be_visible()
    expect(page.get_by_text("A decision is due by")).to_be_visible()
    smtp_server.wait_for(1)
    assert smtp_server.messages[0].subject.startswith("We received your provider registration")
    story.sign_out()

    # The reviewer asks for changes.
    story.sign_in("reviewer@example.org")
    page.get_by_role("link", name="Review queue").click()
    story.check()
    expect(page.get_by_text("Big Sky Teacher Academy")).to_be_visible()
    page.get_by_role("link", name="000001").click()
    story.check()
    page.get_by_label("Comment to the applicant").fill("Tell us how you follow up in classrooms.")
    story.press("Request changes")
    expect(page.get_by_text("Changes requested").first).to_be_visible()
    story.sign_out()

    # The applicant fixes and sends again.
    story.sign_in("jordan@example.org")
    story.go("/applications/1")
    expect(page.get_by_text("Tell us how you follow up in classrooms.").first).to_be_visible()
    page.get_by_role("link", name="Change Describe the professional learning you offer").click()
    story.check()
    page.get_by_label("Describe the professional learning you offer").fill(
        "Literacy coaching cycles with a classroom follow-up visit every two weeks."
    )
    story.press("Save and continue")
    story.press("Save and continue")
    story.press("Send the changes")
    story.sign_out()

    # The reviewer sees what changed and approves.
    story.sign_in("reviewer@example.org")
    story.go("/review/applications/1")
    expect(page.get_by_text("What changed since changes were requested")).to_be_visible()
    expect(page.locator("td.app-diff-after")).to_contain_text("follow-up visit every two weeks.")
    story.press("Approve")
    story.sign_out()

    # The applicant sees the decision, and the email arrived.
    story.sign_in("jordan@example.org")
    story.go("/applications/1")
    expect(page.get_by_text("Status: Approved")).to_be_visible()
    smtp_server.wait_for(4)
    approved = [m for m in smtp_server.messages if "is approved" in m.subject]
    assert [m.to for m in approved] == ["jordan@example.org"]
    context.close()
    assert story.violations == []


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.browser
def test_the_form_works_with_javascript_off(chromium: Browser, live: tuple[str, Any]) -> None:
    base, app = live
    make_user(app, "nojs@example.org")
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/auth/login")
    page.get_by_label("Email address").fill("nojs@example.org")
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
    # "Add another" is a plain submit button: it works without scripts too.
    page.get_by_text("Yes", exact=True).click()
    page.get_by_role("button", name="Add another user").click()
    expect(page.locator("#f-other_users-1-name")).to_be_visible()
    # (axe-core needs scripts, so it runs on these same pages in the story above.)
    context.close()
    with app.extensions["formflow"].db.reading() as session:
        from engine.store.models import Application

        answers = session.get(Application, 1).answers  # type: ignore[union-attr]
    assert answers["legal_name"] == "No Script Academy"
