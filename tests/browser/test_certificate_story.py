"""The certificate story end to end in Debian's Chromium, with axe-core on every page.

A provider's event is listed (through the test client: the event story covers listing in
the browser). Three days after its last date the account manager opens its certificates
page from the status page, types two attendees (one email mistyped first: refused, every
value kept, the message by its field), uploads a CSV with one bad row (refused, the row
named, nothing issued) and then a good one, and emails the certificates. The attendee's
email arrives at a real SMTP server with the PDF; the QR code read from the rendered PDF
opens the public verification page, which says the certificate is valid. The provider
revokes it; the same page then says it is revoked, and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page, expect

from engine.certificates import batches
from engine.certificates import issued as certs
from engine.platform import clock
from engine.platform.models import Application, Certificate
from tests.browser.conftest import AxeCheck, LiveServer
from tests.browser.test_registration_story import Story
from tests.web.helpers import PASSWORD, listed_event

MANAGER = "jordan@bigsky.example.org"
AFTER = date(2027, 3, 20)  # three days after the event's second date
BAD_CSV = (
    "name,email,license number,dates attended\n"
    "Cy Park,cy@school.example.org,,2027-03-16\n"
    "Di Ross,di@school.example.org,,2027-03-18\n"
)
GOOD_CSV = (
    "name,email,license number,dates attended\n"
    "Cy Park,cy@school.example.org,,2027-03-16\n"
    "Di Ross,di@school.example.org,MT-77,all\n"
)


def _issued(app: Flask, event_id: int) -> list[Certificate]:
    with app.extensions["formflow"].db.reading() as session:
        found = certs.for_application(session, event_id)
        for certificate in found:
            session.expunge(certificate)
        return found


def _request_batch(app: Flask, event_id: int) -> int:
    """Ask for one PDF of every valid certificate, as the page's button does past 50."""
    with app.extensions["formflow"].db.transaction() as session:
        application = session.get(Application, event_id)
        assert application is not None
        return batches.request_batch(session, application, None).id


def _qr_codes(pdf: bytes) -> list[str]:
    """Render the PDF's first page as an image and read the QR codes on it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=2).to_pil().convert("L")
        return [found.text for found in zxingcpp.read_barcodes(image)]
    finally:
        document.close()


def _row(page: Page, number: int) -> Locator:
    return page.get_by_role("group", name=f"Attendee {number}", exact=True)


def _tick(page: Page, number: int, day: str) -> None:
    """Tick a date by clicking its label, as a mouse user does (USWDS hides the box)."""
    _row(page, number).locator("label").filter(has_text=re.compile(f"^{day}$")).click()


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.browser
def test_certificate_story(
    browser_context: Callable[[], BrowserContext],
    live_server: LiveServer,
    smtp_server: Any,
    axe_check: AxeCheck,
) -> None:
    app = live_server.app
    event_id = listed_event(app, app.test_client())
    smtp_server.wait_for(1)  # "Your event is listed"
    story = Story(browser_context().new_page(), live_server.url, axe_check)
    page = story.page

    with clock.frozen_at(AFTER):
        # 1. From the event's status page to its certificates page.
        story.go("/")
        story.sign_in(MANAGER, PASSWORD)
        story.go(f"/applications/{event_id}")
        story.link("Certificates of attendance")
        expect(story.heading()).to_contain_text("Certificates")
        expect(page.get_by_role("main")).to_contain_text("No certificate has been issued")

        # 2. Two attendees by the form; the first email is mistyped.
        page.locator("#rows-1-name").fill("Ann Lee")
        page.locator("#rows-1-email").fill("ann at school.example.org")
        page.locator("#rows-1-license_number").fill("MT-1234")
        _tick(page, 1, "Tuesday 16 March 2027")
        _tick(page, 1, "Wednesday 17 March 2027")
        page.locator("#rows-2-name").fill("Bo Diaz")
        page.locator("#rows-2-email").fill("bo@school.example.org")
        _tick(page, 2, "Wednesday 17 March 2027")
        story.press("Issue certificates")
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("There is a problem")
        expect(summary).to_contain_text("Row 1: 'ann at school.example.org' is not an email")
        expect(page.locator("#rows-1-email-error")).to_contain_text("is not an email address")
        expect(page.locator("#rows-1-name")).to_have_value("Ann Lee")
        expect(page.locator("#rows-1-license_number")).to_have_value("MT-1234")
        expect(page.locator("#rows-2-email")).to_have_value("bo@school.example.org")
        expect(_row(page, 2).get_by_label("17 March 2027")).to_be_checked()
        expect(_row(page, 2).get_by_label("16 March 2027")).not_to_be_checked()
        assert _issued(app, event_id) == []
        # The summary's link takes the keyboard to the field.
        summary.get_by_role("link").first.click()
        expect(page.locator("#rows-1-email")).to_be_focused()
        page.locator("#rows-1-email").fill("ann@school.example.org")
        story.press("Issue certificates")
        expect(page.get_by_text("2 certificates issued.")).to_be_visible()
        assert [c.educator_name for c in _issued(app, event_id)] == ["Ann Lee", "Bo Diaz"]

        # 3. A CSV with a bad row is refused whole; the good one is imported.
        page.locator("#roster").set_input_files(
            {"name": "roster.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}
        )
        story.press("Upload and issue")
        expect(page.get_by_role("alert")).to_contain_text(
            "Row 3: 2027-03-18 is not a date of this event"
        )
        assert len(_issued(app, event_id)) == 2
        page.locator("#roster").set_input_files(
            {"name": "roster.csv", "mimeType": "text/csv", "buffer": GOOD_CSV.encode()}
        )
        story.press("Upload and issue")
        expect(page.get_by_text("2 certificates issued.")).to_be_visible()
        table = page.get_by_role("table")
        expect(table).to_contain_text("cy@school.example.org")
        expect(table).to_contain_text("di@school.example.org")

        # 4. Email them: each educator gets their own PDF.
        story.press("Email the certificates")
        expect(page.get_by_text("4 certificates emailed.")).to_be_visible()
        mail = smtp_server.wait_for(5)
        (ann,) = [m for m in mail if m.to == "ann@school.example.org"]
        (pdf,) = list(ann.message.iter_attachments())
        assert pdf.get_content_type() == "application/pdf"
        first = _issued(app, event_id)[0]
        (url,) = _qr_codes(pdf.get_content())
        assert url == f"{live_server.url}/verify/{first.code}"

        # 4b. One PDF of them all, made by the worker, its progress shown meanwhile.
        batch_id = _request_batch(app, event_id)
        story.go(f"/applications/{event_id}/certificates/batches/{batch_id}")
        expect(page.get_by_role("main")).to_contain_text("0 of 4 pages")
        result = app.test_cli_runner().invoke(args=["worker", "--once"])
        assert result.exit_code == 0 and "certificate_batches: Made 1." in result.output
        # The page keeps itself up to date, without reloading.
        expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
        story.check()
        story.go(f"/applications/{event_id}/certificates")

        # 5. Anyone opening the QR code's address sees the certificate is valid.
        checker = Story(browser_context().new_page(), live_server.url, axe_check)
        checker.page.goto(url)
        checker.check()
        main = checker.page.get_by_role("main")
        expect(checker.page.get_by_role("heading", name="Valid")).to_be_visible()
        expect(main).to_contain_text("Ann Lee")
        expect(main).to_contain_text("Reading coaching cycles")
        expect(main).to_contain_text("12")

        # 6. The provider revokes it, with a reason; the same address now says so.
        story.link(f"Revoke {first.number}")
        expect(story.heading()).to_have_text(f"Revoke certificate {first.number}")
        story.press(f"Revoke certificate {first.number}")
        expect(page.locator("#reason-error")).to_contain_text("Write why")
        page.get_by_label("Why is it revoked?").fill("Did not attend")
        story.press(f"Revoke certificate {first.number}")
        expect(page.get_by_text(f"Certificate {first.number} is revoked.")).to_be_visible()
        checker.page.reload()
        checker.check()
        expect(checker.page.get_by_role("heading", name=re.compile("^Revoked on"))).to_be_visible()
        expect(checker.page.get_by_role("main")).to_contain_text("Did not attend")

        # 7. The verification form, for a code typed from paper, and an unknown one.
        checker.go("/verify")
        checker.page.get_by_label("Verification code").fill("zzzzz-zzzzz")
        checker.press("Check")
        expect(checker.page.get_by_text("No certificate has this code")).to_be_visible()

    axe_check.assert_clean()
