"""Educators see their certificates by email and a one-time code, with no account."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from engine.certificates import educator_codes as codes
from engine.certificates import issue as issuing
from engine.certificates import issued as certs
from engine.platform import clock
from engine.platform.models import Application, EducatorCode, User
from engine.runtime.roster import Attendee
from tests.smtp_server import SmtpServer
from tests.web.helpers import listed_event, make_user, post

AVERY = "avery@example.org"
ISSUED_ON = date(2027, 3, 20)


def _issue(app: Flask, event_id: int, *people: Attendee) -> None:
    svc = app.extensions["formflow"]
    with svc.db.transaction() as session:
        application = session.get(Application, event_id)
        assert application is not None
        event = issuing.event_for(session, svc.registry, application, ISSUED_ON)
        assert event is not None
        issuing.issue_for(
            session, event, list(people), None, ISSUED_ON, datetime(2027, 3, 20, 9), "/verify"
        )


def _with_certificates(app: Flask) -> int:
    """Avery has two certificates of one event (both days, then day two again) and one revoked."""
    event_id = listed_event(app, app.test_client())
    both = (date(2027, 3, 16), date(2027, 3, 17))
    _issue(app, event_id, Attendee("Avery Johnson", AVERY, "MT-1", both))
    _issue(app, event_id, Attendee("Avery Johnson", AVERY, "MT-1", (date(2027, 3, 17),)))
    make_user(app, "staff@example.org", "reviewer")
    with app.extensions["formflow"].db.transaction() as session:
        staff = session.scalar(select(User).where(User.email == "staff@example.org"))
        assert staff is not None
        second = certs.for_application(session, event_id)[-1]
        certs.revoke(session, second, staff, "Issued twice.", datetime(2027, 3, 21))
    return event_id


def _ask(client: FlaskClient, email: str) -> str:
    response = post(client, "/educator", {"email": email})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _reply(page: str) -> str:
    match = re.search(r'<p class="usa-alert__text">([^<]*)</p>', page)
    assert match
    return match.group(1)


def _code_mails(server: SmtpServer, count: int) -> list[str]:
    """Wait for `count` code emails (the event's own emails come before); return their bodies."""
    deadline = time.monotonic() + 5
    while True:
        found = [m for m in server.messages if m.subject.startswith("Your code")]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) == count, [m.subject for m in server.messages]
            return [m.body for m in found]
        time.sleep(0.05)


def _code_in(body: str) -> str:
    match = re.search(r"Your code is: (\d{6})", body)
    assert match, body
    return match.group(1)


def test_a_code_by_email_shows_every_certificate_and_the_units_in_the_term(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    event_id = _with_certificates(mail_app)
    client = mail_app.test_client()
    page = _ask(client, " Avery@Example.org ")
    assert "If certificates were issued to that address, a code is on its way" in page
    _code_mails(smtp_server, 1)
    (message,) = [m for m in smtp_server.messages if m.subject.startswith("Your code")]
    assert message.recipients == (AVERY,)
    with mail_app.extensions["formflow"].db.reading() as session:
        row = session.scalars(select(EducatorCode).where(EducatorCode.email == AVERY)).one()
    # Only a keyed hash of the code is stored.
    code = _code_in(message.body)
    assert code not in row.code_hash and row.code_hash == codes.code_hash("test-secret", code)

    response = post(client, "/educator/code", {"code": code})
    assert response.status_code == 302 and response.headers["Location"] == "/educator/certificates"
    html = client.get("/educator/certificates?term_ends=2027-06-30").get_data(as_text=True)
    assert html.count("Reading coaching cycles") >= 2
    assert "Big Sky Teacher Academy" in html
    assert "16 March 2027 and 17 March 2027" in html
    assert f"{event_id:06d}-0001" in html and f"{event_id:06d}-0002" in html
    with mail_app.extensions["formflow"].db.reading() as session:
        first, second = certs.for_application(session, event_id)
    assert f'href="/verify/{first.code}"' in html
    # The link opens the public verification page of that certificate.
    verified = client.get(f"/verify/{first.code}")
    assert verified.status_code == 200 and first.number in verified.get_data(as_text=True)
    # Newest first: the revoked one (issued second) comes first, marked and not counted.
    assert html.index(second.number) < html.index(first.number)
    assert "Revoked" in html and "Issued twice." in html
    assert "12 of 60 renewal units in your term 1 July 2022 to 30 June 2027" in html
    assert "48 more units are needed" in html
    # The term is remembered for the rest of the visit.
    assert "12 of 60" in client.get("/educator/certificates").get_data(as_text=True)
    # The code works once.
    assert post(client, "/educator/sign-out", {}).status_code == 302
    assert client.get("/educator/certificates").status_code == 302
    assert client.get("/educator/code").status_code == 302


def test_an_address_without_certificates_gets_the_same_reply_and_no_mail(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    _with_certificates(mail_app)
    client = mail_app.test_client()
    unknown = _ask(client, "nobody@example.org")
    known = _ask(mail_app.test_client(), AVERY)
    _code_mails(smtp_server, 1)
    assert _reply(unknown) == _reply(known)
    # A code typed for either address is refused the same way.
    wrong = post(client, "/educator/code", {"code": "000000"}).get_data(as_text=True)
    assert "That code is not right" in wrong and "4 more tries" in wrong
    time.sleep(0.3)  # give a wrongly sent message time to arrive
    assert [m.recipients for m in smtp_server.messages if "code" in m.subject] == [(AVERY,)]


def test_wrong_codes_count_down_and_then_the_code_stops_working(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    _with_certificates(mail_app)
    client = mail_app.test_client()
    _ask(client, AVERY)
    code = _code_in(_code_mails(smtp_server, 1)[0])
    wrong = "999999" if code != "999999" else "111111"
    for left in ("4 more tries", "3 more tries", "2 more tries", "1 more try"):
        response = post(client, "/educator/code", {"code": wrong})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert left in html and 'id="code-error"' in html and 'href="#code"' in html
    assert "it was the last try" in post(client, "/educator/code", {"code": wrong}).get_data(
        as_text=True
    )
    # Even the right code no longer works.
    assert "Too many wrong codes" in post(client, "/educator/code", {"code": code}).get_data(
        as_text=True
    )


def test_an_expired_code_says_so(mail_app: Flask, smtp_server: SmtpServer) -> None:
    _with_certificates(mail_app)
    client = mail_app.test_client()
    _ask(client, AVERY)
    code = _code_in(_code_mails(smtp_server, 1)[0])
    with mail_app.extensions["formflow"].db.transaction() as session:
        session.execute(
            update(EducatorCode).values(expires_at=clock.utcnow() - timedelta(minutes=1))
        )
    response = post(client, "/educator/code", {"code": code})
    assert response.status_code == 400
    assert "This code has expired" in response.get_data(as_text=True)


def test_the_address_must_look_like_one(client: FlaskClient) -> None:
    response = post(client, "/educator", {"email": "not an address"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert (
        'href="#email"' in html and 'id="email-error"' in html and 'value="not an address"' in html
    )


def test_codes_are_throttled_per_address_and_per_network(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    _with_certificates(mail_app)
    client = mail_app.test_client()
    for _ in range(4):
        _ask(client, AVERY)
    # Past the address's limit the reply is the same, but no more mail goes.
    _code_mails(smtp_server, 3)
    time.sleep(0.3)
    assert len(_code_mails(smtp_server, 3)) == 3
    for n in range(16):
        _ask(client, f"someone{n}@example.org")
    response = post(client, "/educator", {"email": "one-more@example.org"})
    assert response.status_code == 429
    assert "Too many codes were asked for from your network" in response.get_data(as_text=True)


def test_the_verified_address_expires_after_thirty_minutes(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    _with_certificates(mail_app)
    client = mail_app.test_client()
    _ask(client, AVERY)
    post(client, "/educator/code", {"code": _code_in(_code_mails(smtp_server, 1)[0])})
    assert client.get("/educator/certificates").status_code == 200
    with client.session_transaction() as session:
        session["educator_until"] = (clock.utcnow() - timedelta(minutes=1)).isoformat()
    assert client.get("/educator/certificates").status_code == 302


def test_a_bad_term_date_is_refused_next_to_its_field(
    mail_app: Flask, smtp_server: SmtpServer
) -> None:
    _with_certificates(mail_app)
    client = mail_app.test_client()
    _ask(client, AVERY)
    post(client, "/educator/code", {"code": _code_in(_code_mails(smtp_server, 1)[0])})
    html = client.get("/educator/certificates?term_ends=2027-02-30").get_data(as_text=True)
    assert 'id="term_ends-error"' in html and "Enter the date your license term ends" in html
    assert "of 60 renewal units" not in html


def test_every_page_links_to_the_educator_page(client: FlaskClient) -> None:
    assert 'href="/educator">Educators: your certificates</a>' in client.get("/").get_data(
        as_text=True
    )
