"""The registration story end to end in Debian's Chromium, with axe-core on every page.

An applicant signs up, fills the four pages (one mistake, one conditional question, two
other users), saves a draft, comes back, fills the declarations with the keyboard only
and submits; a reviewer asks for changes; the applicant changes the description and
sends it again; the reviewer sees the difference and approves; real emails arrive at a
real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Response, expect

from engine.accounts.users import create_user
from engine.platform.web.filters import longdate
from engine.runtime.calendar import today_mountain
from tests.browser.conftest import AxeCheck, LiveServer

APPLICANT = ("Jordan Rivers", "jordan@example.org", "three blue canoes at dawn")
REVIEWER = ("Riley Reviewer", "reviewer@example.org", "reviewer password 2024")
ORGANIZATION = "Big Sky Teacher Academy"
FIRST_DESCRIPTION = "Literacy coaching cycles for K-8 teachers, followed by classroom visits."
SECOND_DESCRIPTION = (
    "Literacy coaching cycles for K-8 teachers, with a classroom follow-up visit every two weeks."
)
COMMENT = "Tell us how you follow up in the classroom after each coaching cycle."


class Story:
    """One browser tab, with an axe-core check after every page it loads."""

    def __init__(self, page: Page, base: str, axe_check: AxeCheck) -> None:
        self.page = page
        self.base = base
        self.axe_check = axe_check
        self.server_errors: list[str] = []
        self.script_errors: list[str] = []
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))
        page.on("response", self._note_response)

    def _note_response(self, response: Response) -> None:
        if response.status >= 500:
            self.server_errors.append(
                f"{response.request.method} {response.url}: {response.status}"
            )

    def check(self) -> None:
        """Check the page just loaded: axe-core, and no server or script error so far."""
        assert not self.server_errors, f"the server failed: {self.server_errors}"
        assert not self.script_errors, f"a page script failed: {self.script_errors}"
        self.axe_check(self.page)

    def go(self, path: str) -> None:
        """Open a page by its address and check it."""
        self.page.goto(self.base + path)
        self.check()

    def follow(self, target: Locator) -> None:
        """Click a link or press a button that loads a new page; check that page."""
        with self.page.expect_navigation():
            target.click()
        self.check()

    def link(self, name: str, within: Page | Locator | None = None, exact: bool = True) -> None:
        """Follow the link with this accessible name."""
        self.follow((within or self.page).get_by_role("link", name=name, exact=exact))

    def press(self, name: str) -> None:
        """Press the button with this accessible name (it loads a page)."""
        self.follow(self.page.get_by_role("button", name=name, exact=True))

    def heading(self) -> Locator:
        """The page's level-one heading."""
        return self.page.get_by_role("heading", level=1)

    def sign_in(self, email: str, password: str) -> None:
        """Sign in with the form (signing out lands on it; otherwise use the header link)."""
        if not self.page.url.startswith(self.base + "/auth/login"):
            self.link("Sign in", within=self.page.get_by_role("navigation", name="Main"))
        expect(self.heading()).to_have_text("Sign in")
        self.page.get_by_label("Email address or username").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.press("Sign in")
        expect(self.page.get_by_text(f"Signed in as {email}")).to_be_visible()

    def sign_out(self) -> None:
        """Sign out with the header button; land on the sign-in page."""
        self.press("Sign out")
        expect(self.heading()).to_have_text("Sign in")

    def open_application(self, via: str) -> None:
        """Open the organization's application from a list ("My applications", "Review queue").

        Signing in lands on "My applications"; the header link is followed only when needed.
        """
        if self.heading().inner_text().strip() != via:
            self.link(via, within=self.page.get_by_role("navigation", name="Main"))
        expect(self.heading()).to_have_text(via)
        row = self.page.get_by_role("row").filter(has_text=ORGANIZATION)
        expect(row).to_have_count(1)
        self.follow(row.get_by_role("link"))


def choose(page: Page, label: str) -> None:
    """Pick a radio button or tick a box by clicking its label, as a mouse user does.

    USWDS moves the real input off-screen and draws its own control on the label.
    """
    page.locator("label").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()


def expected_due_date(live: LiveServer) -> date:
    """Seven business days from today in Montana, on the app's own holiday calendar."""
    return live.app.extensions["formflow"].calendar.add_business_days(today_mountain(), 7)


@pytest.fixture
def story(
    chromium_browser: Browser, live_server: LiveServer, axe_check: AxeCheck
) -> Iterator[Story]:
    """A fresh browser context (its own cookies) on the live app."""
    context = chromium_browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    tale = Story(page, live_server.url, axe_check)
    try:
        yield tale
    finally:
        context.close()


@pytest.mark.browser
def test_registration_story(
    story: Story, live_server: LiveServer, smtp_server: Any, axe_check: AxeCheck
) -> None:
    page = story.page
    applicant_name, applicant_email, applicant_password = APPLICANT
    reviewer_name, reviewer_email, reviewer_password = REVIEWER

    # 1. A reviewer account exists.
    with live_server.app.extensions["formflow"].db.transaction() as session:
        create_user(session, reviewer_email, reviewer_password, ("reviewer",), reviewer_name)

    # 2. The applicant signs up from the home page.
    story.go("/")
    story.link("Create an account", within=page.get_by_role("navigation", name="Main"))
    expect(story.heading()).to_have_text("Create an account")
    page.get_by_label("Full name").fill(applicant_name)
    page.get_by_label("Email address").fill(applicant_email)
    page.get_by_label("Password", exact=True).fill(applicant_password)
    page.get_by_label("Confirm password").fill(applicant_password)
    story.press("Create account")
    expect(story.heading()).to_have_text("Check your email")
    (confirm,) = smtp_server.wait_for(1)
    assert confirm.recipients == (applicant_email,)
    link = re.search(r"http://127\.0\.0\.1:\d+(/auth/signup/confirm/\S+)", confirm.body)
    assert link, confirm.body
    story.go(link.group(1))
    expect(story.heading()).to_have_text("Finish creating your account")
    story.press("Create my account")
    expect(story.heading()).to_have_text("My applications")
    expect(page.get_by_text(f"Signed in as {applicant_email}")).to_be_visible()

    # 3. Starts the registration; page 1 with a wrong ZIP code.
    story.link("Approved provider registration (multiple events)")
    story.press("Start now")
    expect(story.heading()).to_contain_text("Your organization")
    page.get_by_label("Legal name of the organization").fill(ORGANIZATION)
    accreditor = page.get_by_label("Accrediting body")
    expect(accreditor).to_be_hidden()
    choose(page, "An accredited college or university")
    expect(page.get_by_role("radio", name="An accredited college or university")).to_be_checked()
    expect(accreditor).to_be_visible()
    story.check()  # the question the script just showed must pass too
    accreditor.fill("NWCCU")
    page.get_by_label("Street address").fill("1300 11th Avenue")
    page.get_by_label("City").fill("Helena")
    expect(page.get_by_label("State")).to_have_value("MT")
    page.get_by_label("ZIP code").fill("5960")
    page.get_by_label("Main phone number").fill("406 444 3095")
    page.get_by_label("Website").fill("https://bigsky.example.org")
    story.press("Save and continue")

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    zip_message = "Enter the ZIP code of “Address of the organization” like 59601 or 59601-1234."
    zip_link = summary.get_by_role("link", name=zip_message)
    expect(zip_link).to_have_attribute("href", "#f-address-zip")
    zip_code = page.get_by_label("ZIP code")
    # The message sits next to the field and is read out with it.
    expect(zip_code).to_have_attribute("aria-invalid", "true")
    expect(zip_code).to_have_accessible_description(re.compile(re.escape(zip_message)))
    expect(page.locator("#f-address-zip-group").get_by_text(zip_message)).to_be_visible()
    # Every other answer is still there.
    expect(page.get_by_label("Legal name of the organization")).to_have_value(ORGANIZATION)
    expect(page.get_by_role("radio", name="An accredited college or university")).to_be_checked()
    expect(accreditor).to_be_visible()
    expect(accreditor).to_have_value("NWCCU")
    expect(page.get_by_label("Street address")).to_have_value("1300 11th Avenue")
    expect(page.get_by_label("City")).to_have_value("Helena")
    expect(page.get_by_label("State")).to_have_value("MT")
    expect(zip_code).to_have_value("5960")
    expect(page.get_by_label("Main phone number")).to_have_value("406 444 3095")
    expect(page.get_by_label("Website")).to_have_value("https://bigsky.example.org")
    zip_link.click()
    expect(zip_code).to_be_focused()
    zip_code.fill("59601")
    story.press("Save and continue")

    # 4. Page 2: the account manager and two other users; then save a draft and leave.
    expect(story.heading()).to_contain_text("People on the account")
    page.get_by_label("Account manager's full name").fill(applicant_name)
    page.get_by_label("Account manager's job title").fill("Director")
    page.get_by_label("Account manager's email address").fill(applicant_email)
    page.get_by_label("Account manager's phone number").fill("406 555 0100")
    other_users = page.get_by_role("group", name="Other users", exact=True)
    expect(other_users).to_be_hidden()
    choose(page, "Yes")
    expect(other_users).to_be_visible()
    story.check()
    first = page.get_by_role("group", name="User 1", exact=True)
    first.get_by_label("Full name").fill("Sam Lee")
    first.get_by_label("Email address").fill("sam@example.org")
    first.get_by_label("Role").select_option(label="Both")
    story.press("Add another user")
    second = page.get_by_role("group", name="User 2", exact=True)
    expect(second.get_by_label("Full name")).to_be_focused()
    expect(first.get_by_label("Full name")).to_have_value("Sam Lee")
    second.get_by_label("Full name").fill("Kim Park")
    second.get_by_label("Email address").fill("kim@example.org")
    second.get_by_label("Role").select_option(label="Enters events")
    story.press("Save draft and come back later")
    expect(page.get_by_role("status")).to_contain_text("Your answers are saved")
    expect(page.get_by_role("heading", name="Status: Draft")).to_be_visible()
    story.sign_out()

    # 5. Comes back, opens the draft, finds both users, finishes.
    story.sign_in(applicant_email, applicant_password)
    story.open_application("My applications")
    expect(page.get_by_role("heading", name="Status: Draft")).to_be_visible()
    story.link("Continue your application")
    expect(story.heading()).to_contain_text("Your organization")
    expect(page.get_by_label("ZIP code")).to_have_value("59601")
    story.press("Save and continue")
    expect(story.heading()).to_contain_text("People on the account")
    expect(page.get_by_role("radio", name="Yes")).to_be_checked()
    expect(first.get_by_label("Full name")).to_have_value("Sam Lee")
    expect(first.get_by_label("Email address")).to_have_value("sam@example.org")
    expect(first.get_by_label("Role")).to_have_value("both")
    expect(second.get_by_label("Full name")).to_have_value("Kim Park")
    expect(second.get_by_label("Email address")).to_have_value("kim@example.org")
    expect(second.get_by_label("Role")).to_have_value("event_entry")
    story.press("Save and continue")

    expect(story.heading()).to_contain_text("The professional learning you offer")
    page.get_by_label("Describe the professional learning you offer").fill(FIRST_DESCRIPTION)
    choose(page, "Teachers")
    expect(page.get_by_role("checkbox", name="Teachers")).to_be_checked()
    page.get_by_label("About how many events do you expect to offer each year?").fill("12")
    story.press("Save and continue")

    # Page 4 with the keyboard only: the skip link, Tab, Space, Enter.
    expect(story.heading()).to_contain_text("Declarations")
    declarations = [
        "Our activities meet the professional development standard of ARM 10.55.714.",
        "Our activities meet the renewal requirements of ARM 10.57.215.",
        "We will meet the duties of an approved provider under ARM 10.57.216, "
        "including reporting each event and the number of certificates issued.",
        "We will keep attendance and certificate records for five years.",
    ]
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    for label in declarations:
        page.keyboard.press("Tab")
        box = page.get_by_role("checkbox", name=label, exact=True)
        expect(box).to_be_focused()
        expect(box).not_to_be_checked()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save and continue", exact=True)).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    story.check()

    expect(story.heading()).to_have_text("Check your answers before sending")
    answers = page.locator("dl.app-answers")
    expect(answers.get_by_text(ORGANIZATION, exact=True)).to_be_visible()
    expect(answers.get_by_text("Full name: Sam Lee")).to_be_visible()
    expect(answers.get_by_text("Full name: Kim Park")).to_be_visible()
    expect(answers.get_by_text(FIRST_DESCRIPTION)).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="need to be fixed")).to_have_count(0)
    story.press("Submit registration")

    # 6. Waiting for a decision, with a due date; the receipt email arrives.
    due = longdate(expected_due_date(live_server))
    expect(page.get_by_role("heading", name="Status: Waiting for a decision")).to_be_visible()
    expect(page.get_by_text(f"A decision is due by {due}.")).to_be_visible()
    received = smtp_server.wait_for(2)
    assert received[1].subject.startswith("We received your provider registration")
    assert received[1].recipients == (applicant_email,)
    story.sign_out()

    # 7. The reviewer asks for changes.
    story.sign_in(reviewer_email, reviewer_password)
    story.link("Review queue", within=page.get_by_role("navigation", name="Main"))
    expect(story.heading()).to_have_text("Review queue")
    queue_row = page.get_by_role("row").filter(has_text=ORGANIZATION)
    expect(page.get_by_role("columnheader", name="Decision due")).to_be_visible()
    expect(queue_row.get_by_role("cell", name=due)).to_be_visible()
    expect(queue_row).to_contain_text("Waiting for a decision")
    story.follow(queue_row.get_by_role("link"))
    expect(story.heading()).to_contain_text(ORGANIZATION)
    page.get_by_label("Comment to the applicant").fill(COMMENT)
    story.press("Request changes")
    expect(page.get_by_role("status")).to_contain_text("Changes requested")
    story.sign_out()

    # 8. The applicant reads the comment, changes the description and sends it again.
    story.sign_in(applicant_email, applicant_password)
    expect(page.get_by_role("row").filter(has_text=ORGANIZATION)).to_contain_text(
        "Changes requested"
    )
    story.open_application("My applications")
    expect(page.get_by_role("heading", name="Status: Changes requested")).to_be_visible()
    expect(page.get_by_role("region", name="Latest comment from the agency")).to_contain_text(
        COMMENT
    )
    story.link("Change Describe the professional learning you offer")
    description = page.get_by_label("Describe the professional learning you offer")
    expect(description).to_have_value(FIRST_DESCRIPTION)
    description.fill(SECOND_DESCRIPTION)
    story.press("Save and continue")
    expect(story.heading()).to_contain_text("Declarations")
    story.press("Save and continue")
    expect(story.heading()).to_have_text("Check your answers before sending")
    expect(page.locator("dl.app-answers").get_by_text(SECOND_DESCRIPTION)).to_be_visible()
    story.press("Send the changes")
    expect(page.get_by_role("heading", name="Status: Waiting for a decision")).to_be_visible()
    story.sign_out()

    # 9. The reviewer sees what changed and approves.
    story.sign_in(reviewer_email, reviewer_password)
    story.open_application("Review queue")
    expect(
        page.get_by_role("heading", name="What changed since changes were requested")
    ).to_be_visible()
    change = page.get_by_role("row", name=re.compile("^Describe the professional learning"))
    expect(change).to_have_count(1)
    expect(change.get_by_role("cell").nth(0)).to_have_text(FIRST_DESCRIPTION)
    expect(change.get_by_role("cell").nth(1)).to_have_text(SECOND_DESCRIPTION)
    story.press("Approve")
    expect(page.get_by_role("status")).to_contain_text("Approved")
    story.sign_out()

    # 10. The applicant sees the decision; the approval email went to the applicant.
    story.sign_in(applicant_email, applicant_password)
    expect(page.get_by_role("row").filter(has_text=ORGANIZATION)).to_contain_text("Approved")
    story.open_application("My applications")
    expect(page.get_by_role("heading", name="Status: Approved")).to_be_visible()
    mail = smtp_server.wait_for(8)[1:]  # after the sign-up's
    # Approval makes the provider account: the applicant, named as its account manager
    # and with a login already, is told to sign in as usual; each other user gets a new
    # login. (Python folds a long Subject onto its own line; the parser keeps a space.)
    got = [(m.subject.strip(), m.recipients) for m in mail]
    expected = [
        ("We received your provider registration", applicant_email),
        ("Please update your provider registration", applicant_email),
        ("We received your provider registration", applicant_email),
        ("You can now work for Big Sky Teacher Academy", applicant_email),
        ("Your account for Big Sky Teacher Academy", "sam@example.org"),
        ("Your account for Big Sky Teacher Academy", "kim@example.org"),
        ("Your provider registration is approved", applicant_email),
    ]
    assert len(got) == len(expected), got
    for (subject, recipients), (start, to) in zip(got, expected, strict=True):
        assert subject.startswith(start) and recipients == (to,), got
    approved = mail[-1]
    assert approved.to == applicant_email
    assert ORGANIZATION in approved.body

    axe_check.assert_clean()
