"""The reviewers' queue query on a real database: each filter, search, and combinations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from engine.applications import moves as ops
from engine.organizations import memberships as orgs
from engine.platform.db import Database
from engine.platform.definitions import DefinitionRegistry
from engine.platform.models import Application, Organization, User
from engine.review.queue import (
    ANY_STATE,
    ME,
    NOBODY,
    QueueFilter,
    decisions_for,
    find,
    state_choices,
    waiting_states,
    workflow_choices,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 1)


@dataclass
class Queue:
    """A database with applications in several workflows, states and providers."""

    db: Database
    registry: DefinitionRegistry
    riley: User  # a reviewer
    casey: User  # another reviewer
    ids: dict[str, int]

    def find(self, user: User | None = None, **wanted: Any) -> list[str]:
        """Return the keys of the applications the filter lists, in the queue's order."""
        names = {v: k for k, v in self.ids.items()}
        with self.db.reading() as session:
            rows = find(
                session, self.registry, QueueFilter(**wanted), (user or self.riley).id, TODAY
            )
            return [names[r.application.id] for r in rows]


# key: (workflow, state, title, owner, provider, entered, due, assigned to)
ROWS: list[tuple[str, str, str, str, str, str | None, int, int | None, str | None]] = [
    ("alpha", "provider_registration", "submitted", "Alpha Academy", "ann", None, 5, 20, "riley"),
    ("beta", "single_event", "submitted", "Beta Workshop", "bob", "Beta Schools", 3, 2, None),
    ("gamma", "provider_registration", "draft", "Gamma Draft", "ann", None, 1, None, None),
    ("delta", "single_event", "approved", "Delta 50% Off", "bob", "Beta Schools", 2, None, None),
    ("eps", "access_request", "submitted", "", "cat", "Alpha Trust", 4, 10, "casey"),
    ("zeta", "event_report", "listed", "Zeta Day", "cat", "Alpha Trust", 6, None, None),
]


@pytest.fixture
def queue(database_url: str) -> Iterator[Queue]:
    db = Database(database_url)
    registry = DefinitionRegistry(ROOT, ROOT / "templates", db)
    registry.load_files()
    ids = {}
    with db.transaction() as session:
        registry.publish(session)
        people = {
            key: User(email=f"{key}@example.org", name=name, password_hash="-", roles=roles)
            for key, name, roles in [
                ("riley", "Riley Reviewer", "reviewer"),
                ("casey", "Casey Admin", "admin"),
                ("ann", "Ann Applicant", "applicant"),
                ("bob", "Bob Brown", "applicant"),
                ("cat", "Cat O'Hara", "applicant"),
            ]
        }
        session.add_all(people.values())
        session.flush()
        providers = {
            name: orgs.create_organization(session, name=name).id
            for name in ("Beta Schools", "Alpha Trust")
        }
        for key, flow, state, title, owner, provider, day, due, assigned in ROWS:
            application = ops.start(session, registry.latest(flow), people[owner])
            session.flush()
            session.execute(
                update(Application)
                .where(Application.id == application.id)
                .values(
                    state=state,
                    title=title,
                    organization_id=providers[provider] if provider else None,
                    state_entered_at=datetime(2026, 11, day, 9, 0),
                    due_on=date(2026, 12 if due < 10 else 11, due) if due else None,
                    assigned_to_id=people[assigned].id if assigned else None,
                )
            )
            ids[key] = application.id
    yield Queue(db, registry, people["riley"], people["casey"], ids)
    db.dispose()


def test_by_default_it_lists_what_waits_for_staff_oldest_first(queue: Queue) -> None:
    # eps waits for the account manager or a reviewer; a draft, approved or listed one
    # has no move for staff.
    assert queue.find() == ["beta", "eps", "alpha"]


def test_waiting_comes_from_the_specs(queue: Queue) -> None:
    latest = queue.registry.latest
    assert waiting_states(latest("provider_registration").workflow) == {"submitted"}
    assert waiting_states(latest("event_report").workflow) == {"revision_review"}


def test_any_state_and_one_state(queue: Queue) -> None:
    assert queue.find(state=ANY_STATE) == ["gamma", "delta", "beta", "eps", "alpha", "zeta"]
    assert queue.find(state="draft") == ["gamma"]
    assert queue.find(state="approved") == ["delta"]
    assert queue.find(state="no_such_state") == []


def test_one_workflow(queue: Queue) -> None:
    assert queue.find(workflow="single_event") == ["beta"]
    assert queue.find(workflow="single_event", state=ANY_STATE) == ["delta", "beta"]
    assert queue.find(workflow="no_such_workflow", state=ANY_STATE) == []


def test_provider_by_part_of_its_name_or_its_number(queue: Queue) -> None:
    assert queue.find(provider="beta", state=ANY_STATE) == ["delta", "beta"]
    assert queue.find(provider="ALPHA TRUST") == ["eps"]
    with queue.db.reading() as session:
        trust = session.scalar(select(Organization).where(Organization.name == "Alpha Trust"))
    assert trust is not None and trust.number
    assert queue.find(provider=trust.number.lower(), state=ANY_STATE) == ["eps", "zeta"]


def test_due_by_and_overdue(queue: Queue) -> None:
    # Due dates: beta 2 December, eps 10 November, alpha 20 November; today 1 December.
    assert queue.find(due_by=date(2026, 11, 20)) == ["eps", "alpha"]
    assert queue.find(due_by=date(2026, 11, 19)) == ["eps"]
    assert queue.find(overdue=True) == ["eps", "alpha"]
    assert queue.find(overdue=True, due_by=date(2026, 11, 15)) == ["eps"]


def test_assigned_to_me_or_nobody(queue: Queue) -> None:
    assert queue.find(assigned=ME) == ["alpha"]
    assert queue.find(assigned=ME, user=queue.casey) == ["eps"]
    assert queue.find(assigned=NOBODY) == ["beta"]
    assert queue.find(assigned=NOBODY, state=ANY_STATE) == ["gamma", "delta", "beta", "zeta"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("workshop", ["beta"]),  # title, any case
        ("beta schools", ["delta", "beta"]),  # provider
        ("ann applicant", ["gamma", "alpha"]),  # applicant's name
        ("BOB@EXAMPLE", ["delta", "beta"]),  # applicant's email
        ("o'hara", ["eps", "zeta"]),  # a quote is just a character
        ("50%", ["delta"]),  # so is a LIKE wildcard
        ("_", []),
        ("nothing like it", []),
    ],
)
def test_search(queue: Queue, search: str, expected: list[str]) -> None:
    assert queue.find(search=search, state=ANY_STATE) == expected


def test_search_by_reference_number(queue: Queue) -> None:
    beta = queue.ids["beta"]
    for typed in (str(beta), f"{beta:06d}", f"#{beta}"):
        assert queue.find(search=typed, state=ANY_STATE) == ["beta"], typed
    assert queue.find(search="99999999999999", state=ANY_STATE) == []


def test_filters_combine(queue: Queue) -> None:
    assert queue.find(state=ANY_STATE, provider="alpha", search="zeta") == ["zeta"]
    assert queue.find(workflow="provider_registration", overdue=True, assigned=ME) == ["alpha"]
    assert queue.find(workflow="provider_registration", overdue=True, assigned=NOBODY) == []


def test_rows_carry_provider_assignee_and_overdue(queue: Queue) -> None:
    with queue.db.reading() as session:
        rows = find(session, queue.registry, QueueFilter(), queue.riley.id, TODAY)
        by_key = {r.application.id: r for r in rows}
    eps = by_key[queue.ids["eps"]]
    assert eps.organization is not None and eps.organization.name == "Alpha Trust"
    assert eps.assignee is not None and eps.assignee.name == "Casey Admin"
    assert (eps.overdue, eps.waiting_since, eps.reference) == (
        True,
        date(2026, 11, 4),
        f"{queue.ids['eps']:06d}",
    )
    assert by_key[queue.ids["beta"]].overdue is False


def test_choices_for_the_form(queue: Queue) -> None:
    titles = [title for _, title in workflow_choices(queue.registry)]
    assert titles == sorted(titles) and "Single-event approval" in titles
    assert state_choices(queue.registry, "single_event")[:3] == [
        ("draft", "Draft"),
        ("submitted", "Waiting for a decision"),
        ("approved", "Approved"),
    ]
    every = dict(state_choices(queue.registry))
    assert every["submitted"] == (
        "Waiting for the account manager / Waiting for the agency / Waiting for a decision"
    )


def test_bulk_decisions_are_the_union_over_the_rows(queue: Queue) -> None:
    with queue.db.reading() as session:
        rows = find(session, queue.registry, QueueFilter(), queue.riley.id, TODAY)
    decisions = {d.trigger: d for d in decisions_for(rows)}
    assert set(decisions) == {"approve", "deny", "decline", "request_changes"}
    # approve: single_event, access_request ("Give access") and provider_registration.
    assert decisions["approve"].rows == 3
    assert decisions["approve"].label == "Approve / Give access"
    assert decisions["approve"].comment == "optional"
    assert (decisions["deny"].rows, decisions["deny"].comment) == (2, "required")
