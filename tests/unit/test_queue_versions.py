"""The queue judges each application by the version it keeps, in SQL, a page at a time."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from engine.applications import moves as ops
from engine.platform.db import Database
from engine.platform.definitions import DefinitionRegistry
from engine.platform.models import Application, User
from engine.review.queue import QueueFilter, count, find

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
TODAY = date(2026, 12, 1)
# Version B: reviewers decide from a new state the system moves to; in B, nobody on the
# staff acts on 'submitted' any more.
CHECKED = """\
  checked: {label: Checked}
"""
B_MOVES = """\
  - {trigger: check, from: submitted, to: checked, by: system}
"""


@dataclass
class World:
    db: Database
    registry: DefinitionRegistry
    reviewer: int
    ids: dict[str, int]

    def listed(self, **page: int) -> list[str]:
        names = {v: k for k, v in self.ids.items()}
        with self.db.reading() as session:
            rows = find(session, self.registry, QueueFilter(), self.reviewer, TODAY, **page)
            return [names[r.application.id] for r in rows]


def _start(world_db: Database, registry: DefinitionRegistry, owner: User, state: str) -> int:
    with world_db.transaction() as session:
        application = ops.start(session, registry.latest("exceptions"), owner)
        session.flush()
        session.execute(
            update(Application).where(Application.id == application.id).values(state=state)
        )
        return application.id


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    for folder in ("forms", "workflows"):
        (tmp_path / folder).mkdir()
    shutil.copy(FIXTURES / "definitions" / "forms" / "group_repeat.yaml", tmp_path / "forms")
    flow = tmp_path / "workflows" / "exceptions.yaml"
    shutil.copy(FIXTURES / "exceptions" / "workflows" / "exceptions.yaml", flow)
    db = Database(database_url)
    registry = DefinitionRegistry(tmp_path, FIXTURES / "definitions" / "templates", db)
    registry.load_files()
    with db.transaction() as session:
        registry.publish(session)
        owner = User(email="a@example.org", name="A", password_hash="-", roles="applicant")
        reviewer = User(email="r@example.org", name="R", password_hash="-", roles="reviewer")
        session.add_all([owner, reviewer])
    ids = {"a_submitted": _start(db, registry, owner, "submitted")}
    text = flow.read_text()
    text = text.replace(
        "  posted: {label: Posted, final: true}\n",
        CHECKED + "  posted: {label: Posted, final: true}\n",
    )
    text = text.replace("from: submitted, to: posted", "from: checked, to: posted")
    text = text.replace(
        "    from: submitted\n    to: refused\n    by: reviewer",
        "    from: checked\n    to: refused\n    by: reviewer",
    )
    flow.write_text(text + B_MOVES)
    registry.load_files()
    with db.transaction() as session:
        assert registry.publish(session)
    ids["b_submitted"] = _start(db, registry, owner, "submitted")
    ids["b_checked"] = _start(db, registry, owner, "checked")
    yield World(db, registry, reviewer.id, ids)
    db.dispose()


def test_each_application_waits_as_its_own_version_says(world: World) -> None:
    assert world.listed() == ["a_submitted", "b_checked"]
    with world.db.reading() as session:
        assert count(session, world.registry, QueueFilter(), world.reviewer, TODAY) == 2


def test_a_page_is_cut_in_the_database(world: World) -> None:
    assert world.listed(limit=1) == ["a_submitted"]
    assert world.listed(limit=1, offset=1) == ["b_checked"]
    assert world.listed(limit=1, offset=2) == []


def test_once_the_old_version_is_finished_with_only_the_new_one_counts(world: World) -> None:
    with world.db.transaction() as session:
        session.execute(
            update(Application)
            .where(Application.id == world.ids["a_submitted"])
            .values(state="posted", final_at=TODAY)
        )
        # A publication is what refreshes the versions in use; none is needed here,
        # since the old version's application is no longer listed either way.
    assert world.listed() == ["b_checked"]
