"""What moving applications under way onto a new version costs, as ratios against loading
the same rows in the same process.

    .venv/bin/python bench/upgrades.py                   # 2,000 under way, SQLite (WAL)
    .venv/bin/python bench/upgrades.py --applications 5000

N provider registrations (complete answers) start on the shipped version, half of them
drafts and half waiting for a decision. A second version of the files then asks a new
required question and declares `upgrade:` with an answer for it. Timed:

- the plan (`upgrades.pending`: what the editor's Check and `migrate --dry-run` show),
  median of repeats, against loading the same Application rows with the ORM;
- the move itself (`upgrades.move`, one transaction: an UPDATE, a snapshot and an audit
  event per application), once, against the same baseline.
"""

from __future__ import annotations

import argparse
import shutil
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

from engine.applications import moves as ops  # noqa: E402
from engine.definitions import upgrades  # noqa: E402
from engine.platform.db import Database  # noqa: E402
from engine.platform.definitions import DefinitionRegistry  # noqa: E402
from engine.platform.migrate import upgrade  # noqa: E402
from engine.platform.models import Application, User  # noqa: E402
from engine.runtime.calendar import montana  # noqa: E402
from tests.unit.samples import SHIPPED_ANSWERS  # noqa: E402

TODAY = date(2027, 1, 12)
WORKFLOW = "provider_registration"
STAFF = (
    "      - id: staff_count\n        type: whole_number\n        label: People on staff\n"
    "        required: true\n"
)


def timed(operation: Callable[[], object]) -> float:
    """Run once; return the elapsed wall time in milliseconds."""
    start = time.perf_counter_ns()
    operation()
    return (time.perf_counter_ns() - start) / 1e6


def second_version(folder: Path) -> Path:
    """Copy the shipped files and make the next version: a new required question, and
    an `upgrade:` that answers it for applications under way."""
    for name in ("forms", "workflows"):
        shutil.copytree(ROOT / name, folder / name)
    form = folder / "forms" / "provider_registration.yaml"
    form.write_text(form.read_text().replace("      - id: city\n", STAFF + "      - id: city\n"))
    flow = folder / "workflows" / "provider_registration.yaml"
    declared = "\nupgrade:\n  answers: {staff_count: 1}\n\nstates:\n"
    flow.write_text(flow.read_text().replace("\nstates:\n", declared))
    return folder


def populate(db: Database, registry: DefinitionRegistry, count: int) -> None:
    """Start `count` registrations with complete answers on the first version."""
    compiled = registry.latest(WORKFLOW)
    with db.transaction() as session:
        registry.publish(session)
        owner = User(email="jordan@bigsky.example.org", name="Jordan Rivers", password_hash="!")
        session.add(owner)
        session.flush()
        for n in range(count):
            application = ops.start(session, compiled, owner)
            answers = {**SHIPPED_ANSWERS, "legal_name": f"Provider {n}"}
            ops.save_answers(session, application, compiled, answers)
        # The states are set directly: the bench measures the upgrade, not the moves there.
        session.execute(
            update(Application).where(Application.id % 2 == 0).values(state="submitted")
        )


def run(url: str, folder: Path, count: int, repeats: int) -> None:
    """Populate, publish the second version, then time the plan and the move."""
    upgrade(url)
    db = Database(url)
    first = DefinitionRegistry(ROOT, ROOT / "templates", db)
    first.load_files()
    started = time.perf_counter()
    populate(db, first, count)
    print(f"populated {count} applications under way in {time.perf_counter() - started:.1f} s")
    registry = DefinitionRegistry(second_version(folder), ROOT / "templates", db)
    registry.load_files()
    with db.transaction() as session:
        registry.publish(session)
    target = upgrades.in_force(registry, WORKFLOW)
    calendar = montana()

    def plan() -> None:
        with db.reading() as session:
            items = upgrades.pending(session, registry, target, TODAY, calendar)
            assert len(items) == count and all(i.plan.moves for i in items)

    def load() -> None:
        with db.reading() as session:
            rows = session.scalars(
                select(Application).where(Application.workflow == WORKFLOW)
            ).all()
            assert len(rows) == count

    def move() -> None:
        with db.transaction() as session:
            moved = upgrades.move(session, registry, target, None, TODAY, calendar)
            assert sum(m.moved for m in moved) == count

    base = statistics.median(timed(load) for _ in range(repeats))
    took = statistics.median(timed(plan) for _ in range(repeats))
    print(f"{'plan':8} {took:8.1f} ms  baseline load {base:7.1f} ms  ratio {took / base:5.1f}x")
    took = timed(move)
    print(f"{'move':8} {took:8.1f} ms  baseline load {base:7.1f} ms  ratio {took / base:5.1f}x")
    print(f"per application moved: {took / count:.2f} ms")
    db.dispose()


def main() -> None:
    """Parse the options and run on a temporary SQLite database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.sqlite", Path(folder), args.applications, args.repeats)


if __name__ == "__main__":
    main()
