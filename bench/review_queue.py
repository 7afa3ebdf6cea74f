"""What the review queue costs as the table grows, as ratios against a plain indexed read.

    .venv/bin/python bench/review_queue.py                                  # SQLite, 10k and 100k
    .venv/bin/python bench/review_queue.py --sizes 10000 100000 1000000 \\
        --postgres postgresql://postgres@127.0.0.1:5432/test          # a private database

N applications are written with bulk SQL over the shipped workflows: 70% decided
(final), 25% waiting for staff, 5% drafts, each with its owner. Timed, median of
repeats, in the same process at each size:

- baseline: the ORM reading 100 applications in queue order by the index;
- queue page 1: what /review does (count every match, read the first 100);
- queue page 50: the same at offset 4,900;
- queue search by a name (a word of the title).

The printed growth is the 1st size's median divided into the last size's.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from private_database import postgres_url  # noqa: E402

from engine.platform.db import Database  # noqa: E402
from engine.platform.definitions import DefinitionRegistry  # noqa: E402
from engine.platform.migrate import upgrade  # noqa: E402
from engine.platform.models import Application, User  # noqa: E402
from engine.review import queue  # noqa: E402

TODAY = date(2026, 12, 1)
PAGE = 100
# (workflow, state, share of the rows)
SPREAD = [
    ("provider_registration", "approved", 0.20),
    ("event_report", "listed", 0.50),
    ("provider_registration", "submitted", 0.10),
    ("single_event", "submitted", 0.15),
    ("provider_registration", "draft", 0.05),
]
FINAL = {"approved", "listed"}


def load(db: Database, registry: DefinitionRegistry, n: int) -> int:
    """Write n applications and their owners with bulk inserts; return a reviewer's id."""
    owners = max(1, n // 20)
    with db.transaction() as session:
        session.execute(
            insert(User),
            [
                {"email": f"u{i}@example.org", "name": f"User {i}", "password_hash": "-"}
                for i in range(owners)
            ],
        )
        reviewer = User(email="r@example.org", name="R", password_hash="-", roles="reviewer")
        session.add(reviewer)
        session.flush()
        first_owner = session.scalar(select(User.id).order_by(User.id))
        reviewer_id = reviewer.id
    assert first_owner is not None
    start = datetime(2022, 1, 1)
    rows: list[dict[str, object]] = []
    for workflow, state, share in SPREAD:
        latest = registry.latest(workflow)
        for _ in range(int(n * share)):
            i = len(rows)
            entered = start + timedelta(minutes=7 * i)
            rows.append(
                {
                    "workflow": workflow,
                    "workflow_version": latest.workflow.version,
                    "form_version": latest.form.version,
                    "state": state,
                    "owner_id": first_owner + i % owners,
                    "answers": {},
                    "title": f"Application {i} about robotics" if i % 97 == 0 else f"Item {i}",
                    "state_entered_at": entered,
                    "final_at": entered if state in FINAL else None,
                }
            )
    # Interleaved in time, as they arrive in life.
    rows.sort(key=lambda r: r["owner_id"])  # type: ignore[arg-type, return-value]
    for batch in range(0, len(rows), 20_000):
        with db.transaction() as session:
            session.execute(insert(Application), rows[batch : batch + 20_000])
    return reviewer_id


def median_ms(work: Callable[[], object], repeats: int) -> float:
    """Run once to warm up, then return the median of `repeats` runs in ms."""
    work()
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def measure(url: str, n: int, repeats: int) -> dict[str, float]:
    """Load n applications into the database at url and time each case."""
    upgrade(url)
    db = Database(url)
    registry = DefinitionRegistry(ROOT, ROOT / "templates", db)
    registry.load_files()
    with db.transaction() as session:
        registry.publish(session)
    reviewer = load(db, registry, n)
    paged = "limit" in inspect.signature(queue.find).parameters

    def page(wanted: queue.QueueFilter, number: int) -> None:
        with db.reading() as session:
            offset = (number - 1) * PAGE
            if paged:  # this tree: cut in SQL
                queue.count(session, registry, wanted, reviewer, TODAY)
                list(
                    queue.find(
                        session, registry, wanted, reviewer, TODAY, limit=PAGE, offset=offset
                    )
                )
            else:  # an older tree: every match read, then cut
                rows = queue.find(session, registry, wanted, reviewer, TODAY)
                list(islice(rows, offset, offset + PAGE))

    def baseline() -> None:
        with db.reading() as session:
            query = select(Application).order_by(Application.state_entered_at, Application.id)
            list(session.scalars(query.limit(PAGE)))

    default = queue.QueueFilter()
    results = {
        "baseline (100 rows by index)": median_ms(baseline, repeats),
        "queue page 1": median_ms(lambda: page(default, 1), repeats),
        "queue page 50": median_ms(lambda: page(default, 50), repeats),
        "queue search 'robotics'": median_ms(
            lambda: page(queue.QueueFilter(search="robotics"), 1), repeats
        ),
    }
    db.dispose()
    return results


def main() -> None:
    """Measure each size and print the table with ratios and growth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--postgres", default="", help="a server URL: use a private database")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    table: dict[int, dict[str, float]] = {}
    for n in args.sizes:
        with ExitStack() as stack:
            if args.postgres:
                url = stack.enter_context(postgres_url(args.postgres))
            else:
                folder = stack.enter_context(tempfile.TemporaryDirectory())
                url = f"sqlite:///{folder}/review_queue.sqlite"
            table[n] = measure(url, n, args.repeats)
        print(f"measured {n:,} applications", file=sys.stderr)
    cases = list(next(iter(table.values())))
    print("| case (median ms) | " + " | ".join(f"{n:,}" for n in table) + " | growth |")
    print("|---|" + "---|" * (len(table) + 1))
    first, last = min(table), max(table)
    for case in cases:
        cells = " | ".join(f"{table[n][case]:.1f}" for n in table)
        growth = table[last][case] / table[first][case]
        print(f"| {case} | {cells} | {growth:.2f}× |")
    base = table[last]["baseline (100 rows by index)"]
    for case in cases[1:]:
        print(f"at {last:,}: {case} is {table[last][case] / base:.1f}× the baseline")


if __name__ == "__main__":
    main()
