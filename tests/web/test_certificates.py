"""The certificates page of an event: who sees it, issuing by form and CSV, PDFs, batches,
revoking, emailing, and the public verification page."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from engine.certificates import issued as certs
from engine.platform import clock
from engine.platform.models import AuditEvent, Certificate, OutboxMessage
from tests.web.helpers import (
    EVENT,
    fill_event,
    fire,
    listed_event,
    make_provider,
    make_user,
    post,
    sign_in,
)

AFTER = date(2027, 3, 20)  # after both dates of the event (16 and 17 March 2027)
ROWS = {
    "rows": "5",
    "rows-1-name": "Ann Lee",
    "rows-1-email": "ann@school.example.org",
    "rows-1-license_number": "MT-1234",
    "rows-1-dates": ["2027-03-16", "2027-03-17"],
    "rows-2-name": "Bo Diaz",
    "rows-2-email": "bo@school.example.org",
    "rows-2-dates": ["2027-03-17"],
}
GOOD_CSV = (
    "Full name,Email address,License number,Dates attended\n"
    "Cy Park,cy@school.example.org,,2027-03-16\n"
    "Di Ross,di@school.example.org,MT-77,all\n"
    "Ed Wu,ed@school.example.org,,03/17/2027\n"
)


@pytest.fixture
def event(app: Flask, client: FlaskClient) -> Iterator[int]:
    """Big Sky's listed event, its account manager signed in, on a day after it."""
    event_id = listed_event(app, client)
    with clock.frozen_at(AFTER):
        yield event_id


def _certificates(app: Flask, event_id: int) -> list[Certificate]:
    with app.extensions["formflow"].db.reading() as session:
        found = certs.for_application(session, event_id)
        for c in found:
            session.expunge(c)
        return found


def _issue(client: FlaskClient, event_id: int, data: dict[str, Any] | None = None) -> Any:
    return post(client, f"/applications/{event_id}/certificates", data or ROWS)


def _upload(client: FlaskClient, event_id: int, content: bytes, name: str = "r.csv") -> Any:
    url = f"/applications/{event_id}/certificates"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).text)
    assert token
    # Encoded here in memory: the test client would spool a large body to a temporary
    # file it never closes.
    fields = {"csrf_token": token.group(1), "roster": FileStorage(io.BytesIO(content), name)}
    stream, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        f"{url}/upload",
        data=stream.read(),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Content-Length": str(length)},
    )


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_the_page_is_for_the_provider_and_staff(app: Flask, client: FlaskClient) -> None:
    event_id = listed_event(app, client)
    url = f"/applications/{event_id}/certificates"
    make_user(app, "reviewer@example.org", "reviewer")
    make_user(app, "other@beta.example.org")
    make_provider(app, "Beta Schools", "other@beta.example.org")
    with clock.frozen_at(AFTER):
        page = client.get(url)
        assert page.status_code == 200
        assert "Reading coaching cycles" in page.text
        assert "Add attendees" in page.text and 'name="rows-5-name"' in page.text
        assert "Download a CSV template" in page.text
        # The status page links here.
        assert url in client.get(f"/applications/{event_id}").text
        other = app.test_client()
        sign_in(other, "other@beta.example.org")
        assert other.get(url).status_code == 404
        staff = app.test_client()
        sign_in(staff, "reviewer@example.org")
        assert staff.get(url).status_code == 200
        assert url in staff.get(f"/review/applications/{event_id}").text
        assert app.test_client().get(url).status_code == 302


def test_a_workflow_without_certificates_has_no_page(app: Flask, client: FlaskClient) -> None:
    from tests.web.helpers import start_application

    make_user(app, "owner@example.org")
    sign_in(client, "owner@example.org")
    application_id = start_application(client)
    assert client.get(f"/applications/{application_id}/certificates").status_code == 404


def test_before_its_dates_nothing_can_be_issued(app: Flask, client: FlaskClient) -> None:
    event_id = listed_event(app, client)
    with clock.frozen_at(date(2027, 3, 2)):
        page = client.get(f"/applications/{event_id}/certificates").text
        assert "No date of this event has been held yet" in page
        assert 'name="rows-1-name"' not in page


def test_rows_with_mistakes_are_shown_again_with_each_message_by_its_field(
    app: Flask, client: FlaskClient, event: int
) -> None:
    bad = {**ROWS, "rows-2-email": "bo at school", "rows-3-name": "Cy Park"}
    response = _issue(client, event, bad)
    assert response.status_code == 400
    page = response.text
    assert "There is a problem" in page
    assert 'href="#rows-2-email"' in page and "Row 2: &#39;bo at school&#39; is not" in page
    assert 'href="#rows-3-email"' in page and "Row 3: The email address is missing." in page
    assert re.search(r'id="rows-2-email-error".*?is not an email address', page, re.S)
    # Every value typed is kept.
    assert 'value="Ann Lee"' in page and 'value="MT-1234"' in page
    assert 'value="bo at school"' in page and 'value="Cy Park"' in page
    assert re.search(r'name="rows-2-dates" value="2027-03-17" checked', page)
    assert not re.search(r'name="rows-2-dates" value="2027-03-16" checked', page)
    assert _certificates(app, event) == []


def test_an_empty_form_issues_nothing(app: Flask, client: FlaskClient, event: int) -> None:
    response = _issue(client, event, {"rows": "5"})
    assert response.status_code == 400
    assert "Enter at least one attendee" in response.text
    assert _certificates(app, event) == []


def test_more_rows_keep_what_was_typed(app: Flask, client: FlaskClient, event: int) -> None:
    response = _issue(client, event, {**ROWS, "action": "more"})
    assert response.status_code == 200
    assert 'name="rows-10-name"' in response.text and 'value="Bo Diaz"' in response.text
    assert _certificates(app, event) == []


def test_good_rows_issue_one_certificate_each(app: Flask, client: FlaskClient, event: int) -> None:
    response = _issue(client, event)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "2 certificates issued." in page
    issued = _certificates(app, event)
    assert [(c.educator_name, c.units, c.attended) for c in issued] == [
        ("Ann Lee", "12", ["2027-03-16", "2027-03-17"]),
        ("Bo Diaz", "6", ["2027-03-17"]),
    ]
    assert issued[0].number == f"{event:06d}-0001" and issued[0].license_number == "MT-1234"
    assert issued[0].details["verify_url"] == f"http://localhost/verify/{issued[0].code}"
    assert "ann@school.example.org" in page and "Valid" in page and "Not yet" in page


def test_a_good_csv_issues_every_row(app: Flask, client: FlaskClient, event: int) -> None:
    response = _upload(client, event, b"\xef\xbb\xbf" + GOOD_CSV.encode())
    assert response.status_code == 302, response.text[:2000]
    assert "3 certificates issued." in client.get(response.headers["Location"]).text
    issued = _certificates(app, event)
    assert [(c.educator_email, c.units) for c in issued] == [
        ("cy@school.example.org", "6"),
        ("di@school.example.org", "12"),
        ("ed@school.example.org", "6"),
    ]


def test_a_csv_with_bad_rows_lists_each_and_issues_nothing(
    app: Flask, client: FlaskClient, event: int
) -> None:
    content = GOOD_CSV + "Fay,not-an-email,,2027-03-16\n,gil@school.example.org,,2027-03-18\n"
    response = _upload(client, event, content.encode())
    assert response.status_code == 400
    page = response.text
    assert "no certificate was issued" in page
    assert "Row 5: &#39;not-an-email&#39; is not an email address" in page
    assert "Row 6: the name is missing" in page
    assert "Row 6: 2027-03-18 is not a date of this event" in page
    assert _certificates(app, event) == []


def test_a_csv_in_another_encoding_is_refused_clearly(
    app: Flask, client: FlaskClient, event: int
) -> None:
    content = "name,email\nZoë Brontë,zoe@school.example.org\n".encode("cp1252")
    response = _upload(client, event, content)
    assert response.status_code == 400
    assert "The file is not UTF-8 text" in response.text
    assert _certificates(app, event) == []


def test_a_csv_over_the_size_limit_is_refused(app: Flask, client: FlaskClient, event: int) -> None:
    response = _upload(client, event, b"name,email\n" + b"x" * (1024 * 1024 + 10))
    assert response.status_code == 400
    assert "larger than 1 MB" in response.text


def test_a_request_over_2_mb_is_refused_before_it_is_read(
    app: Flask, client: FlaskClient, event: int
) -> None:
    response = _upload(client, event, b"name,email\n" + b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "The file is too large" in response.text
    assert _certificates(app, event) == []


def test_the_csv_template_has_the_columns(app: Flask, client: FlaskClient, event: int) -> None:
    response = client.get(f"/applications/{event}/certificates/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.text.lstrip("\ufeff").splitlines() == [
        "name,email,license number,dates attended"
    ]


def test_pdfs_of_one_and_of_all(app: Flask, client: FlaskClient, event: int) -> None:
    _issue(client, event)
    first, second = _certificates(app, event)
    one = client.get(f"/applications/{event}/certificates/{first.id}.pdf")
    assert one.status_code == 200 and one.mimetype == "application/pdf"
    assert f"certificate-{first.number}.pdf" in one.headers["Content-Disposition"]
    (text,) = _text(one.data)
    assert "Ann Lee" in text and "12 renewal units" in text
    assert certs.shown_code(first.code) in text
    both = client.get(f"/applications/{event}/certificates/all.pdf")
    assert both.status_code == 200
    pages = _text(both.data)
    assert len(pages) == 2 and "Bo Diaz" in pages[1]
    # Another provider's people cannot fetch them.
    make_user(app, "other@beta.example.org")
    make_provider(app, "Beta Schools", "other@beta.example.org")
    other = app.test_client()
    sign_in(other, "other@beta.example.org")
    assert other.get(f"/applications/{event}/certificates/{first.id}.pdf").status_code == 404


def test_a_batch_is_made_by_the_worker_and_downloaded(
    app: Flask, client: FlaskClient, event: int
) -> None:
    _issue(client, event)
    response = post(client, f"/applications/{event}/certificates/batches", {})
    assert response.status_code == 302
    batch_url = response.headers["Location"]
    assert re.search(rf"/applications/{event}/certificates/batches/\d+$", batch_url)
    waiting = client.get(batch_url).text
    assert 'data-busy="true"' in waiting and ">Check again</a>" in waiting
    assert "0 of 2 pages" in waiting and "<progress" in waiting
    assert client.get(batch_url + ".pdf").status_code == 404
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "certificate_batches: Made 1." in result.output
    done = client.get(batch_url).text
    assert 'data-busy="false"' in done and "The PDF is ready: 2 pages." in done
    pdf = client.get(batch_url + ".pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Ann Lee" in _text(pdf.data)[0] and len(_text(pdf.data)) == 2


def _issued_per_day(session: Session, event: int) -> list[int]:
    """Return how many valid certificates name each of the event's two days."""
    days = (date(2027, 3, 16), date(2027, 3, 17))
    return [certs.issued_between(session, event, day, day) for day in days]


def test_revoking_needs_a_reason_and_is_audited(
    app: Flask, client: FlaskClient, event: int
) -> None:
    _issue(client, event)
    first, _ = _certificates(app, event)
    url = f"/applications/{event}/certificates/{first.id}/revoke"
    form = client.get(url)
    assert form.status_code == 200 and '<label class="usa-label" for="reason">' in form.text
    refused = post(client, url, {"reason": "  "})
    assert refused.status_code == 400 and "Write why the certificate is revoked" in refused.text
    assert _certificates(app, event)[0].revoked_at is None
    with app.extensions["formflow"].db.reading() as session:
        assert _issued_per_day(session, event) == [1, 2]
    done = post(client, url, {"reason": "Did not attend"})
    assert done.status_code == 302
    revoked = _certificates(app, event)[0]
    assert revoked.revoked_at is not None and revoked.revoke_reason == "Did not attend"
    with app.extensions["formflow"].db.reading() as session:
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == certs.REVOKE_TRIGGER)
        ).all()
        assert [e.application_id for e in audit] == [event]
        assert _issued_per_day(session, event) == [0, 1]
    assert client.get(f"/applications/{event}/certificates/{first.id}.pdf").status_code == 404
    history = client.get(f"/applications/{event}").text
    assert "A certificate was revoked</h3>" in history and "Did not attend" in history
    assert f"Certificate {first.number} (" in history
    verified = client.get(f"/verify/{first.code}").text
    assert "Revoked on" in verified and "Did not attend" in verified
    # The page no longer offers its PDF, nor revoking it again.
    page = client.get(f"/applications/{event}/certificates").text
    assert f"/certificates/{first.id}.pdf" not in page and url not in page
    assert "1 valid, 1 revoked" in page


def test_emailing_sends_each_pdf_once(mail_app: Flask, smtp_server: Any) -> None:
    client = mail_app.test_client()
    event = listed_event(mail_app, client)
    with clock.frozen_at(AFTER):
        _issue(client, event)
        response = post(client, f"/applications/{event}/certificates/email", {})
        assert response.status_code == 302
        assert "2 certificates emailed." in client.get(response.headers["Location"]).text
        with mail_app.extensions["formflow"].db.reading() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            mailed = [r for r in rows if r.template == "certificate_issued"]
            issued = certs.for_application(session, event)
            assert [(r.to_addr, r.attachments, r.application_id, r.status) for r in mailed] == [
                (c.educator_email, [{"certificate": c.id}], event, "sent") for c in issued
            ]
            assert all(c.emailed_at is not None for c in issued)
        received = [m for m in smtp_server.wait_for(2) if m.to == "ann@school.example.org"]
        assert len(received) == 1
        message = received[0]
        assert "Reading coaching cycles" in message.subject
        assert "12" in message.body and f"/verify/{issued[0].code}" in message.body
        (attachment,) = list(message.message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == f"certificate-{issued[0].number}.pdf"
        assert "Ann Lee" in _text(attachment.get_content())[0]
        # A second press sends nothing again.
        again = post(client, f"/applications/{event}/certificates/email", {})
        assert "already emailed" in client.get(again.headers["Location"]).text
        # One can be sent again on its own.
        one = post(client, f"/applications/{event}/certificates/{issued[1].id}/email", {})
        assert "emailed to bo@school.example.org" in client.get(one.headers["Location"]).text
        mail = smtp_server.wait_for(4)  # "Your event is listed", two certificates, Bo's again
        assert [m.to for m in mail].count("bo@school.example.org") == 2
        assert mail[-1].to == "bo@school.example.org"


def test_verification_round_trip(app: Flask, client: FlaskClient, event: int) -> None:
    _issue(client, event)
    first, _ = _certificates(app, event)
    anonymous = app.test_client()
    assert 'for="code">Verification code</label>' in anonymous.get("/verify").text
    page = anonymous.get(f"/verify/{first.code}")
    assert page.status_code == 200
    for shown in (
        "Valid",
        "Ann Lee",
        "Reading coaching cycles",
        "16 March 2027",
        "Helena High School library",
        "Big Sky Teacher Academy",
        f"{event:06d}",
        first.number,
    ):
        assert shown in page.text, shown
    # Nothing else: not the email, nor the license number.
    assert "ann@school.example.org" not in page.text
    # As typed from paper: lower case, dashes, spaces, O for 0 and I for 1.
    typed = certs.shown_code(first.code).lower().replace("0", "o").replace("1", "i")
    redirect = anonymous.get("/verify", query_string={"code": f" {typed} "})
    assert redirect.status_code == 302
    assert anonymous.get(redirect.headers["Location"]).status_code == 200
    assert anonymous.get(f"/verify/{typed}").status_code == 200
    unknown = anonymous.get("/verify/ZZZZZZZZZZ")
    assert unknown.status_code == 404
    assert "No certificate has this code" in unknown.text and 'id="code"' in unknown.text


def test_a_self_paced_course_asks_for_the_date_completed(app: Flask, client: FlaskClient) -> None:
    make_user(app, "jordan@bigsky.example.org")
    make_provider(app, "Big Sky Teacher Academy", "jordan@bigsky.example.org")
    sign_in(client, "jordan@bigsky.example.org")
    pages = {
        **EVENT,
        "about": {**EVENT["about"], "format": "asynchronous"},
        "schedule": {"available_from": "2027-02-01", "async_hours": "8", "async_units": "8"},
        "place": {"online_url": "https://learn.example.org/course"},
    }
    with clock.frozen_at(date(2027, 1, 20)):
        response = post(client, "/apply/event_report", {})
        event_id = int(response.headers["Location"].split("/")[2])
        fill_event(client, event_id, pages)
        assert fire(client, event_id, "list").status_code == 302
    with clock.frozen_at(AFTER):
        page = client.get(f"/applications/{event_id}/certificates").text
        assert '<label class="usa-label" for="rows-1-dates">Date completed</label>' in page
        late = {"rows": "5", "rows-1-name": "Ann Lee", "rows-1-email": "ann@example.org"}
        refused = _issue(client, event_id, {**late, "rows-1-dates": "2027-01-15"})
        assert refused.status_code == 400
        assert "outside the course&#39;s availability" in refused.text
        assert 'value="2027-01-15"' in refused.text
        done = _issue(client, event_id, {**late, "rows-1-dates": "2027-03-02"})
        assert done.status_code == 302
        (certificate,) = _certificates(app, event_id)
        assert certificate.units == "8" and certificate.details["dates"].startswith("Completed")


def test_the_owner_of_a_single_event_issues_its_certificates(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "robin@library.example.org")
    make_user(app, "someone@example.org")
    sign_in(client, "robin@library.example.org")
    response = post(client, "/apply/single_event", {})
    event_id = int(response.headers["Location"].split("/")[2])
    url = f"/applications/{event_id}/certificates"
    # While a draft: the page exists for its owner but cannot issue yet, and says why.
    page = client.get(url).text
    assert "Certificates cannot be issued while the event is" in page
    assert 'name="rows-1-name"' not in page
    assert _issue(client, event_id).status_code == 302
    assert _certificates(app, event_id) == []
    other = app.test_client()
    sign_in(other, "someone@example.org")
    assert other.get(url).status_code == 404


def test_more_than_fifty_are_made_by_the_worker(
    app: Flask, client: FlaskClient, event: int
) -> None:
    rows = "".join(f"Educator {n},e{n}@school.example.org,,all\n" for n in range(51))
    assert _upload(client, event, ("name,email,license,dates\n" + rows).encode()).status_code == 302
    page = client.get(f"/applications/{event}/certificates").text
    assert "Make one PDF of all 51 certificates" in page
    assert "/certificates/all.pdf" not in page
    refused = client.get(f"/applications/{event}/certificates/all.pdf")
    assert refused.status_code == 302
    response = post(client, f"/applications/{event}/certificates/batches", {})
    assert "0 of 51 pages" in client.get(response.headers["Location"]).text


def test_verification_is_rate_limited(app: Flask, client: FlaskClient, event: int) -> None:
    anonymous = app.test_client()
    statuses = [anonymous.get(f"/verify/ZZZZZZZZZ{n % 10}").status_code for n in range(31)]
    assert statuses == [404] * 30 + [429]
    assert "Too many codes" in anonymous.get("/verify/ZZZZZZZZZZ").text
