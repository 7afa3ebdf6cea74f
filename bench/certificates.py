"""What issuing 1,000 certificates and drawing them into one PDF costs, phase by phase.

    .venv/bin/python bench/certificates.py              # SQLite (WAL) in a temporary folder
    .venv/bin/python bench/certificates.py --pg postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/certificates.py --attendees 2000

The real path, as the provider's pages take it: a listed two-day event (16 and 17 March
2027) of one provider; a roster of N attendees checked by engine.runtime.roster
check_rows; the certificates issued by certificate_issue.issue_for in one transaction;
then one PDF of all of them, asked for with certificate_batches.request_batch and made
by make_pending as the worker makes it. Each phase is timed once and set against a
baseline in the same process:

- issuing: inserting N plain rows into certificates with SQLAlchemy Core, one transaction;
- the PDF: fpdf2 drawing N pages, each with one line of text in the layout's font.

The goal is the whole run (all phases, not the setup) under 10 seconds on two cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from private_database import postgres_url  # noqa: E402
from provider import big_sky  # noqa: E402

from engine.applications import moves as ops  # noqa: E402
from engine.certificates import batches  # noqa: E402
from engine.certificates import issue as issuing  # noqa: E402
from engine.platform import clock  # noqa: E402
from engine.platform.db import Database  # noqa: E402
from engine.platform.definitions import DefinitionRegistry  # noqa: E402
from engine.platform.mail import MailSettings  # noqa: E402
from engine.platform.migrate import upgrade  # noqa: E402
from engine.platform.models import Application, Certificate, CertificateBatch  # noqa: E402
from engine.runtime.calendar import montana  # noqa: E402
from engine.runtime.roster import Attendee, check_rows  # noqa: E402
from engine.spec.layout import load_layout  # noqa: E402
from tests.unit.samples import EVENT_ANSWERS  # noqa: E402

LISTED = date(2027, 3, 1)
ISSUED = date(2027, 3, 20)  # after both dates, while the event is still listed
NOW = datetime(2027, 3, 20, 15)
STATIC = ROOT / "static"
LAYOUT = ROOT / "templates" / "certificates" / "certificate.yaml"


def timed(operation: Callable[[], Any]) -> tuple[float, Any]:
    """Run once; return the elapsed wall time in seconds, and what it returned."""
    start = time.perf_counter()
    result = operation()
    return time.perf_counter() - start, result


def listed_event(db: Database, registry: DefinitionRegistry, mail: MailSettings) -> int:
    """List one event of one provider, as the demo does; return its id."""
    compiled = registry.latest("event_report")
    with clock.frozen_at(LISTED), db.transaction() as session:
        registry.publish(session)
        owner, provider = big_sky(session)
        application = ops.start(session, compiled, owner, provider.id)
        ops.save_answers(session, application, compiled, EVENT_ANSWERS)
        move = ops.MoveRequest(
            application_id=application.id,
            trigger="list",
            user=owner,
            expected_version=application.version,
            today=LISTED,
        )
        ops.fire(session, move, ops.MoveContext(registry=registry, calendar=montana(), mail=mail))
        return application.id


def roster(attendees: int) -> list[tuple[int, dict[str, str]]]:
    """Return N roster rows as a typed-in or uploaded roster gives them; some attended one day."""
    return [
        (
            n + 2,
            {
                "name": f"Educator {n:04d} Example",
                "email": f"educator{n:04d}@schools.example.org",
                "license_number": f"MT-{100000 + n}",
                "dates": "2027-03-16; 2027-03-17" if n % 4 else "2027-03-17",
            },
        )
        for n in range(attendees)
    ]


def run(url: str, attendees: int) -> None:
    """Set up, then time checking, issuing and drawing against their baselines."""
    upgrade(url)
    db = Database(url)
    registry = DefinitionRegistry(ROOT, ROOT / "templates", db)
    registry.load_files()
    emails = Environment(loader=FileSystemLoader(ROOT / "templates"), keep_trailing_newline=True)
    mail = MailSettings(emails, "https://rups.example.gov", "Renewal Units", "ru@opi.example.gov")
    layouts = {"certificate": load_layout(LAYOUT, STATIC)}
    event_id = listed_event(db, registry, mail)
    rows = roster(attendees)

    def check() -> list[Attendee]:
        with db.reading() as session:
            application = session.get(Application, event_id)
            assert application is not None
            event = issuing.event_for(session, registry, application, ISSUED)
            assert event is not None
        checked, problems = check_rows(rows, event.dates, event.completed, event.later)
        assert not problems and len(checked) == attendees, problems[:3]
        return checked

    check_s, checked = timed(check)

    def issue() -> int:
        with db.transaction() as session:
            application = session.get(Application, event_id)
            assert application is not None
            event = issuing.event_for(session, registry, application, ISSUED)
            assert event is not None
            made = issuing.issue_for(
                session, event, checked, None, ISSUED, NOW, "https://rups.example.gov/verify"
            )
            return len(made)

    issue_s, issued = timed(issue)
    assert issued == attendees

    def draw() -> bytes:
        with db.transaction() as session:
            application = session.get(Application, event_id)
            assert application is not None
            batch_id = batches.request_batch(session, application, None).id
        assert batches.make_pending(db, registry, layouts, STATIC) == 1
        with db.reading() as session:
            batch = session.get(CertificateBatch, batch_id)
            assert batch is not None and batch.status == batches.DONE, batch and batch.error
            assert batch.pdf is not None
            return batch.pdf

    draw_s, pdf = timed(draw)

    def insert_plain() -> None:
        with db.engine.begin() as connection:
            connection.execute(
                insert(Certificate.__table__),
                [
                    {
                        "application_id": event_id,
                        "sequence": 100000 + n,
                        "number": f"plain-{n}",
                        "code": f"PLAIN{n:06d}",
                        "educator_name": "Plain Row",
                        "educator_email": "plain@example.org",
                        "license_number": "",
                        "attended": ["2027-03-16"],
                        "units": "6",
                        "details": {},
                        "issued_at": NOW,
                        "revoke_reason": "",
                    }
                    for n in range(attendees)
                ],
            )

    def plain_pages() -> bytes:
        font = layouts["certificate"].fonts["serif"]
        plain = FPDF(orientation="landscape", format="letter")
        plain.add_font("serif", "", str(STATIC / font.regular))
        plain.set_font("serif", size=14)
        for n in range(attendees):
            plain.add_page()
            plain.text(20, 40, f"Educator {n:04d} Example")
        return bytes(plain.output())

    insert_s, _ = timed(insert_plain)
    pages_s, _ = timed(plain_pages)
    with db.reading() as session:
        count = session.scalar(
            select(text("count(*)")).select_from(Certificate).where(Certificate.sequence < 100000)
        )
    total = check_s + issue_s + draw_s
    print(f"{attendees} attendees, {count} certificates issued, one PDF of {len(pdf) / 1e6:.1f} MB")
    print(f"check roster:  {check_s * 1000:8.0f} ms")
    print(
        f"issue:         {issue_s * 1000:8.0f} ms  baseline Core insert {insert_s * 1000:6.0f} ms"
        f"  ratio {issue_s / insert_s:5.1f}x"
    )
    print(
        f"one PDF:       {draw_s * 1000:8.0f} ms  baseline fpdf2 pages {pages_s * 1000:6.0f} ms"
        f"  ratio {draw_s / pages_s:5.1f}x"
    )
    verdict = "under" if total < 10 else "OVER"
    print(f"whole run:     {total:8.1f} s  ({verdict} the 10 s goal)")
    db.dispose()


def main() -> None:
    """Parse the options and run on SQLite or a private PostgreSQL database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pg", help="PostgreSQL URL; a private database is made and dropped")
    parser.add_argument("--attendees", type=int, default=1000)
    args = parser.parse_args()
    if args.pg:
        with postgres_url(args.pg) as url:
            run(url, args.attendees)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.sqlite", args.attendees)


if __name__ == "__main__":
    main()
