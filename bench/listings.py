"""What the public event finder and the review queue cost, as ratios against plain
queries of the same rows in the same process.

    .venv/bin/python bench/listings.py                  # 2,000 events, SQLite (WAL)
    .venv/bin/python bench/listings.py --events 5000

N events of one provider are reported (on /events) and N more wait for a reviewer
(the queue). Timed turn by turn, median of repeats:

- /events, everything: `listed_items` (SQL narrows by workflow and state; each event's
  slots are filled from its answers on its own form version) against a baseline that
  loads the same Application rows with the ORM and nothing else.
- /events, a word search with typos ("coachng cycels"): the same, then the search.
- the review queue, default filter: `queue.find` against loading the same rows.
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

from sqlalchemy import select, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from provider import big_sky  # noqa: E402

from engine.applications import moves as ops  # noqa: E402
from engine.listings.items import listed_items  # noqa: E402
from engine.platform import clock  # noqa: E402
from engine.platform.db import Database  # noqa: E402
from engine.platform.definitions import DefinitionRegistry  # noqa: E402
from engine.platform.migrate import upgrade  # noqa: E402
from engine.platform.models import Application, User  # noqa: E402
from engine.review.queue import QueueFilter, find  # noqa: E402
from engine.runtime.listing_search import ListingQuery, search  # noqa: E402
from tests.unit.samples import EVENT_ANSWERS  # noqa: E402

TODAY = date(2027, 6, 1)
WORDS = ("Reading", "Coaching", "Mathematics", "Science", "Leadership", "Assessment", "Writing")


def timed(operation: Callable[[], object]) -> float:
    """Run once; return the elapsed wall time in milliseconds."""
    start = time.perf_counter_ns()
    operation()
    return (time.perf_counter_ns() - start) / 1e6


def populate(db: Database, registry: DefinitionRegistry, events: int) -> int:
    """Make `events` reported events and as many waiting registrations; return a reviewer."""
    compiled = registry.latest("event_report")
    registration = registry.latest("provider_registration")
    with clock.frozen_at(date(2027, 3, 1)), db.transaction() as session:
        registry.publish(session)
        owner, provider = big_sky(session)
        reviewer = User(email="riley@opi.example.gov", name="Riley", password_hash="!")
        session.add(reviewer)
        session.flush()
        for n in range(events):
            application = ops.start(session, compiled, owner, provider.id)
            title = f"{WORDS[n % len(WORDS)]} coaching cycles, part {n}"
            ops.save_answers(session, application, compiled, {**EVENT_ANSWERS, "title": title})
            waiting = ops.start(session, registration, owner, None)
            ops.save_answers(session, waiting, registration, {"legal_name": f"Provider {n}"})
        # The states are set directly: the bench measures reading, not the moves there.
        session.execute(
            update(Application)
            .where(Application.workflow == "event_report")
            .values(state="reported")
        )
        session.execute(
            update(Application)
            .where(Application.workflow == "provider_registration")
            .values(state="submitted")
        )
        return reviewer.id


def median_of(repeats: int, operation: Callable[[], object]) -> float:
    """Return the median wall time of `repeats` runs, in milliseconds."""
    return statistics.median(timed(operation) for _ in range(repeats))


def run(url: str, events: int, repeats: int) -> None:
    """Populate, then time each page's work against loading its rows."""
    upgrade(url)
    db = Database(url)
    registry = DefinitionRegistry(ROOT, ROOT / "templates", db)
    registry.load_files()
    started = time.perf_counter()
    reviewer = populate(db, registry, events)
    print(
        f"populated {events} reported events and {events} waiting registrations "
        f"in {time.perf_counter() - started:.1f} s"
    )

    def events_page() -> None:
        with db.reading() as session:
            assert len(listed_items(session, registry, "events", TODAY)) == events

    def events_search() -> None:
        with db.reading() as session:
            items = listed_items(session, registry, "events", TODAY)
            assert search(items, ListingQuery(text="coachng cycels"))

    def load_events() -> None:
        with db.reading() as session:
            rows = session.scalars(
                select(Application).where(
                    Application.workflow.in_(["event_report", "single_event"]),
                    Application.state == "reported",
                )
            ).all()
            assert len(rows) == events

    def queue() -> None:
        with db.reading() as session:
            assert len(find(session, registry, QueueFilter(), reviewer, TODAY)) == events

    def load_queue() -> None:
        with db.reading() as session:
            rows = session.scalars(
                select(Application).where(Application.state == "submitted")
            ).all()
            assert len(rows) == events

    base = median_of(repeats, load_events)
    for name, operation in (("/events", events_page), ("/events search", events_search)):
        took = median_of(repeats, operation)
        print(f"{name:15} {took:8.1f} ms  baseline load {base:7.1f} ms  ratio {took / base:5.1f}x")
    base = median_of(repeats, load_queue)
    took = median_of(repeats, queue)
    label = "review queue"
    print(f"{label:15} {took:8.1f} ms  baseline load {base:7.1f} ms  ratio {took / base:5.1f}x")
    db.dispose()


def main() -> None:
    """Parse the options and run on a temporary SQLite database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.sqlite", args.events, args.repeats)


if __name__ == "__main__":
    main()
