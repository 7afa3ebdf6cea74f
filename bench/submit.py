"""What one submit costs, as a ratio against a plain validate-and-insert in the same process.

    .venv/bin/python bench/submit.py                   # SQLite (WAL) in a temporary folder
    .venv/bin/python bench/submit.py --pg postgresql://postgres@127.0.0.1:5432/test
    TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/submit.py

Baseline: validate the answers with a cached jsonschema Draft202012Validator, then insert
them as one row with SQLAlchemy Core in `engine.begin()`. Engine: `applications.fire(...,
"submit", ...)` on a fresh draft holding a complete, valid registration: validation,
guards, the transitions machine, the conditional UPDATE, the snapshot, the audit event and
the outbox row rendered from the email template, committed. The two are timed turn by
turn, so both see the same machine load. With PostgreSQL, a private database is created
for the run and dropped at the end.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from jsonschema import Draft202012Validator, FormatChecker
from private_database import postgres_url
from sqlalchemy import Column, Integer, MetaData, Table, insert, make_url, text

from engine.applications import moves as ops
from engine.platform.db import Database
from engine.platform.definitions import Compiled, DefinitionRegistry
from engine.platform.mail import MailSettings
from engine.platform.migrate import upgrade
from engine.platform.models import JsonData, User
from engine.runtime.calendar import BusinessCalendar, montana
from engine.runtime.machine import Actor, Attempt

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2025, 11, 21)

# A complete, valid registration, with the optional parts filled in (a group of two users,
# the conditional questions), so every check of the form runs.
ANSWERS: dict[str, Any] = {
    "legal_name": "Big Sky Teacher Academy",
    "org_type": "college",
    "accreditor": "Northwest Commission on Colleges and Universities",
    "street": "1300 11th Avenue",
    "city": "Helena",
    "state": "MT",
    "zip": "59601-1234",
    "phone": "406 444 3095",
    "website": "https://bigsky.example.org",
    "manager_name": "Jordan Rivers",
    "manager_title": "Director of Professional Learning",
    "manager_email": "jordan@bigsky.example.org",
    "manager_phone": "406 555 0100",
    "has_other_users": True,
    "other_users": [
        {"name": "Kim Lee", "email": "kim@bigsky.example.org", "role": "event_entry"},
        {"name": "Ana Ruiz", "email": "ana@bigsky.example.org", "role": "both"},
    ],
    "description": "Literacy and mathematics coaching cycles for K-8 teachers, followed by "
    "classroom visits and a summer institute on formative assessment.",
    "audiences": ["teachers", "administrators", "other"],
    "audiences_other": "School counselors",
    "events_per_year": 24,
    "attest_714": True,
    "attest_215": True,
    "attest_216": True,
    "attest_records": True,
}


@dataclass
class Result:
    """The timings of one operation, in microseconds."""

    name: str
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p90(self) -> float:
        return statistics.quantiles(self.samples, n=10)[-1]


def timed(operation: Callable[[], object]) -> float:
    """Run once; return the elapsed wall time in microseconds."""
    start = time.perf_counter_ns()
    operation()
    return (time.perf_counter_ns() - start) / 1000


def repeat(name: str, operation: Callable[[], object], n: int, warmup: int) -> Result:
    for _ in range(warmup):
        operation()
    gc.collect()
    return Result(name, [timed(operation) for _ in range(n)])


# -- the pure runtime --------------------------------------------------------------------


def runtime_results(
    compiled: Compiled, calendar: BusinessCalendar, n: int, warmup: int
) -> list[Result]:
    validator = compiled.validator
    assert validator.validate(ANSWERS, TODAY, calendar=calendar) == [], "the answers must be valid"
    attempt = Attempt(
        actor=Actor(1, frozenset({"applicant"}), is_owner=True),
        answers=ANSWERS,
        today=TODAY,
        calendar=calendar,
        forms={compiled.form.name: validator},
    )
    schema = Draft202012Validator(validator.schema, format_checker=FormatChecker())
    return [
        repeat(
            "jsonschema iter_errors alone", lambda: list(schema.iter_errors(ANSWERS)), n, warmup
        ),
        repeat(
            "FormValidator.validate",
            lambda: validator.validate(ANSWERS, TODAY, calendar=calendar),
            n,
            warmup,
        ),
        repeat(
            "WorkflowMachine.fire",
            lambda: compiled.machine.fire("draft", "submit", attempt),
            n,
            warmup,
        ),
    ]


# -- on a database -----------------------------------------------------------------------


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="formflow-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        upgrade(url)
        yield url


def database_results(url: str, n: int, warmup: int) -> list[Result]:
    db = Database(url)
    try:
        return _database_results(db, n, warmup)
    finally:
        db.dispose()


def _database_results(db: Database, n: int, warmup: int) -> list[Result]:
    registry = DefinitionRegistry(ROOT, ROOT / "templates", db)
    registry.load_files()
    compiled = registry.latest("provider_registration")
    calendar = montana()
    mail = MailSettings(
        Environment(loader=FileSystemLoader(ROOT / "templates")),
        "https://ru.example.org",
        "Renewal Units",
        "ru@opi.example.gov",
    )
    context = ops.MoveContext(registry=registry, calendar=calendar, mail=mail)
    baseline_table = Table(
        "bench_baseline",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("data", JsonData, nullable=False),
    )
    baseline_table.create(db.engine)
    schema = Draft202012Validator(compiled.validator.schema, format_checker=FormatChecker())

    # Every submit needs a draft of its own: make them all first, outside the timing.
    with db.transaction() as session:
        registry.publish(session)
        owner = User(email="jordan@bigsky.example.org", password_hash="-", roles="applicant")
        session.add(owner)
        session.flush()
        drafts = []
        for _ in range(n + warmup):
            application = ops.start(session, compiled, owner)
            ops.save_answers(session, application, compiled, ANSWERS)
            drafts.append((application.id, application.version))
    pending = iter(drafts)

    def baseline() -> None:
        errors = list(schema.iter_errors(ANSWERS))
        assert not errors
        with db.engine.begin() as conn:
            conn.execute(insert(baseline_table).values(data=ANSWERS))

    def submit() -> None:
        app_id, version = next(pending)
        with db.transaction() as session:
            move = ops.MoveRequest(
                application_id=app_id,
                trigger="submit",
                user=owner,
                expected_version=version,
                today=TODAY,
            )
            outcome = ops.fire(session, move, context)
        assert outcome.dest == "submitted"

    for _ in range(warmup):
        baseline()
        submit()
    gc.collect()
    base, engine = Result("baseline: validate + INSERT", []), Result("engine: fire('submit')", [])
    # Turn by turn, so drift (cache, checkpoints, other load) hits both alike.
    for _ in range(n):
        base.samples.append(timed(baseline))
        engine.samples.append(timed(submit))
    with db.reading() as session:
        written = session.scalar(text("SELECT count(*) FROM outbox"))
    assert written == n + warmup, f"expected {n + warmup} outbox rows, found {written}"
    return [base, engine]


# -- the report --------------------------------------------------------------------------


def table(title: str, results: list[Result], baseline: Result | None) -> str:
    lines = [title, f"  {'operation':<34} {'median µs':>10} {'p90 µs':>10} {'ratio':>7}"]
    for result in results:
        ratio = f"{result.median / baseline.median:6.2f}x" if baseline else ""
        lines.append(f"  {result.name:<34} {result.median:>10.1f} {result.p90:>10.1f} {ratio:>7}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-n", type=int, default=300, help="timed repetitions (default 300)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed first runs (default 30)")
    parser.add_argument(
        "--pg",
        default=os.environ.get("TEST_DATABASE_URL"),
        help="a PostgreSQL server URL to also run on (default: $TEST_DATABASE_URL)",
    )
    args = parser.parse_args()

    registry = DefinitionRegistry(ROOT, ROOT / "templates")
    registry.load_files()
    compiled = registry.latest("provider_registration")
    print(f"submit benchmark: N={args.n} after {args.warmup} warm-up runs, wall time per operation")
    print()
    runtime = runtime_results(compiled, montana(), args.n, args.warmup)
    print(table("pure runtime (no database)", runtime, runtime[0]))
    backends = [("SQLite (WAL, temporary folder)", sqlite_url())]
    if args.pg:
        backends.append((f"PostgreSQL ({make_url(args.pg).host})", postgres_url(args.pg)))
    for title, url_context in backends:
        with url_context as url:
            base, engine = database_results(url, args.n, args.warmup)
        print()
        print(table(title, [base, engine], base))
    print()
    print("ratio = median / median of the first line of its table")


if __name__ == "__main__":
    main()
