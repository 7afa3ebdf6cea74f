"""What the periodic worker costs, as ratios against plain queries in the same process.

    .venv/bin/python bench/worker.py                    # SQLite (WAL) in a temporary folder
    .venv/bin/python bench/worker.py --pg postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/worker.py --events 1000

N listed events of one provider, each with two dates, so 2N certificate counts are owed.

- Idle run: the worker's every-30-seconds pass on a day when nothing is due (automatic
  moves judged, reminder stages judged, nothing written), against a baseline that only
  reads the same open obligations (`SELECT id, due_on FROM obligations WHERE status =
  'open'`). Timed turn by turn, median of repeats.
- Reminder run: the day every count reaches its 7-days-before stage: one transaction per
  reminder (the reminder row, the email rendered from its template into the outbox),
  against a baseline that inserts one outbox row per obligation, one transaction each,
  with SQLAlchemy Core. Each can only run once (the worker is idempotent), so it is one
  pass over 2N obligations, reported per reminder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from private_database import postgres_url  # noqa: E402
from provider import big_sky  # noqa: E402

from engine.applications import moves as ops  # noqa: E402
from engine.applications.automatic import fire_automatic  # noqa: E402
from engine.obligations.reminders import send_reminders  # noqa: E402
from engine.platform import clock  # noqa: E402
from engine.platform.db import Database  # noqa: E402
from engine.platform.definitions import DefinitionRegistry  # noqa: E402
from engine.platform.mail import MailSettings  # noqa: E402
from engine.platform.migrate import upgrade  # noqa: E402
from engine.platform.models import Application, Obligation, OutboxMessage  # noqa: E402
from engine.runtime.calendar import montana  # noqa: E402
from tests.unit.samples import EVENT_ANSWERS  # noqa: E402

LISTED = date(2027, 3, 1)
IDLE_DAY = date(2027, 3, 2)  # after listing, before the first date: nothing is due
REMIND_DAY = date(2027, 4, 9)  # 6 and 7 days before 15 and 16 April: both reach 'before7'
# The test suite's complete event: two dates, 16 and 17 March 2027.
ANSWERS: dict[str, Any] = EVENT_ANSWERS


def timed(operation: Callable[[], object]) -> float:
    """Run once; return the elapsed wall time in milliseconds."""
    start = time.perf_counter_ns()
    operation()
    return (time.perf_counter_ns() - start) / 1e6


def populate(db: Database, registry: DefinitionRegistry, mail: MailSettings, events: int) -> None:
    """List `events` events of one provider, each owing two certificate counts."""
    compiled = registry.latest("event_report")
    context = ops.MoveContext(registry=registry, calendar=montana(), mail=mail)
    with clock.frozen_at(LISTED), db.transaction() as session:
        registry.publish(session)
        owner, provider = big_sky(session)
        for _ in range(events):
            application = ops.start(session, compiled, owner, provider.id)
            ops.save_answers(session, application, compiled, ANSWERS)
            move = ops.MoveRequest(
                application_id=application.id,
                trigger="list",
                user=owner,
                expected_version=application.version,
                today=LISTED,
            )
            ops.fire(session, move, context)


def run(url: str, events: int, repeats: int) -> None:
    """Populate, then time the idle run and the reminder run against their baselines."""
    upgrade(url)
    db = Database(url)
    registry = DefinitionRegistry(ROOT, ROOT / "templates", db)
    registry.load_files()
    emails = Environment(loader=FileSystemLoader(ROOT / "templates"), keep_trailing_newline=True)
    mail = MailSettings(emails, "https://rups.example.gov", "Renewal Units", "ru@opi.example.gov")
    calendar = montana()
    started = time.perf_counter()
    populate(db, registry, mail, events)
    print(f"populated {events} events in {time.perf_counter() - started:.1f} s")
    with db.reading() as session:
        owed = session.scalar(select(Obligation.id).order_by(Obligation.id.desc()).limit(1))
    print(f"{owed} certificate counts owed")

    def idle() -> None:
        with clock.frozen_at(IDLE_DAY):
            fire_automatic(db, registry, IDLE_DAY, calendar, mail)
            report = send_reminders(db, registry, IDLE_DAY, mail)
            assert report.sent == 0

    def read_open() -> None:
        with db.reading() as session:
            session.execute(
                select(Obligation.id, Obligation.due_on).where(Obligation.status == "open")
            ).all()

    idle_ms, base_ms = [], []
    for _ in range(repeats):
        idle_ms.append(timed(idle))
        base_ms.append(timed(read_open))
    i, b = statistics.median(idle_ms), statistics.median(base_ms)
    print(f"idle run:      {i:9.1f} ms  baseline read {b:7.1f} ms  ratio {i / b:6.1f}x")

    def remind() -> None:
        with clock.frozen_at(REMIND_DAY):
            report = send_reminders(db, registry, REMIND_DAY, mail)
            assert report.sent == owed, report

    def insert_outbox() -> None:
        for n in range(owed or 0):
            with db.engine.begin() as connection:
                connection.execute(
                    insert(OutboxMessage.__table__).values(
                        template="bench",
                        to_addr="jordan@bigsky.example.org",
                        subject=f"Reminder {n}",
                        body="A certificate count is due.",
                        status="sent",
                        attempts=0,
                        last_error="",
                        created_at=clock.utcnow(),
                    )
                )

    base = timed(insert_outbox)
    sent = timed(remind)
    per, per_base = sent / (owed or 1), base / (owed or 1)
    print(
        f"reminder run:  {per * 1000:9.0f} µs per reminder  baseline insert "
        f"{per_base * 1000:7.0f} µs  ratio {per / per_base:6.1f}x  ({owed} reminders, "
        f"{sent / 1000:.1f} s)"
    )
    with clock.frozen_at(REMIND_DAY):
        second = timed(lambda: send_reminders(db, registry, REMIND_DAY, mail))
    print(f"second run the same day (sends nothing): {second:.1f} ms")
    with db.reading() as session:
        print(f"{session.query(Application).count()} applications in the database")
    db.dispose()


def main() -> None:
    """Parse the options and run on SQLite or a private PostgreSQL database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pg", help="PostgreSQL URL; a private database is made and dropped")
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    if args.pg:
        with postgres_url(args.pg) as url:
            run(url, args.events, args.repeats)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.sqlite", args.events, args.repeats)


if __name__ == "__main__":
    main()
