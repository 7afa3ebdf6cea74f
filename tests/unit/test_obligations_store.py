"""Obligations on a real database: owed on listing, resynced on revision, cancelled with
the event, reminded by the worker once per stage, and met by reports."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from engine.applications import moves as ops
from engine.applications import obligations as owed
from engine.applications.automatic import fire_automatic
from engine.obligations.periods import renew_periods
from engine.obligations.reminders import send_reminders
from engine.operations import retention
from engine.organizations import memberships as orgs
from engine.platform.db import Database
from engine.platform.definitions import Compiled, DefinitionRegistry
from engine.platform.mail import MailSettings
from engine.platform.models import (
    Application,
    AuditEvent,
    Obligation,
    ObligationReminder,
    Organization,
    OutboxMessage,
    User,
)
from engine.runtime.calendar import BusinessCalendar, montana
from engine.runtime.machine import Blocked
from engine.runtime.obligations import owed as owed_now
from tests.unit.samples import EVENT_ANSWERS
from tests.unit.test_retention import as_database_owner

ROOT = Path(__file__).resolve().parents[2]
BEFORE = date(2027, 3, 1)  # two weeks before the first date, 16 March 2027


@dataclass
class World:
    """A migrated database with the shipped definitions, a provider and a reviewer."""

    db: Database
    registry: DefinitionRegistry
    compiled: Compiled
    calendar: BusinessCalendar
    mail: MailSettings
    owner: User
    reviewer: User
    organization_id: int = 0

    def fire(self, app_id: int, trigger: str, today: date, user: User | None = None) -> None:
        with self.db.transaction() as session:
            version = session.get(Application, app_id).version  # type: ignore[union-attr]
            move = ops.MoveRequest(
                application_id=app_id,
                trigger=trigger,
                user=user or self.owner,
                expected_version=version,
                today=today,
            )
            context = ops.MoveContext(
                registry=self.registry, calendar=self.calendar, mail=self.mail
            )
            ops.fire(session, move, context)

    def save(self, app_id: int, answers: dict[str, Any]) -> None:
        with self.db.transaction() as session:
            application = session.get(Application, app_id)
            assert application is not None
            ops.save_answers(session, application, self.compiled, answers)

    def rows(self, app_id: int) -> list[tuple[str, date, str]]:
        with self.db.reading() as session:
            return [(o.key, o.due_on, o.status) for o in owed.for_application(session, app_id)]

    def state(self, app_id: int) -> str:
        with self.db.reading() as session:
            application = session.get(Application, app_id)
            assert application is not None
            return application.state

    def outbox(self) -> list[tuple[str, str]]:
        with self.db.reading() as session:
            return [
                (m.template, m.subject)
                for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            ]

    def remind(self, today: date) -> str:
        return str(send_reminders(self.db, self.registry, today, self.mail))


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    db = Database(database_url)
    registry = DefinitionRegistry(ROOT, ROOT / "templates", db)
    registry.load_files()
    emails = Environment(loader=FileSystemLoader(ROOT / "templates"), keep_trailing_newline=True)
    mail = MailSettings(emails, "https://ru.example.org", "Renewal Units", "ru@opi.example.gov")
    with db.transaction() as session:
        registry.publish(session)
        people = [
            User(email="jordan@bigsky.example.org", name="Jordan", password_hash="-"),
            User(email="riley@opi.example.gov", name="Riley", password_hash="-", roles="reviewer"),
        ]
        session.add_all(people)
        session.flush()
        # Events are filed for a provider (organization: member): Jordan works for one.
        provider = orgs.create_organization(session, name="Big Sky Teacher Academy")
        orgs.invite(session, provider, name="Jordan", email=people[0].email, role=orgs.MANAGER)
        provider_id = provider.id
    yield World(
        db, registry, registry.latest("event_report"), montana(), mail, *people, provider_id
    )
    db.dispose()


def listed(world: World, answers: dict[str, Any] | None = None) -> int:
    with world.db.transaction() as session:
        application = ops.start(session, world.compiled, world.owner, world.organization_id)
        ops.save_answers(session, application, world.compiled, answers or EVENT_ANSWERS)
        app_id = application.id
    world.fire(app_id, "list", BEFORE)
    return app_id


def test_listing_owes_one_count_per_date_and_listing_again_changes_nothing(
    world: World,
) -> None:
    app_id = listed(world)
    assert world.rows(app_id) == [
        ("date:2027-03-16", date(2027, 4, 15), "open"),
        ("date:2027-03-17", date(2027, 4, 16), "open"),
    ]
    with world.db.transaction() as session:
        spec = world.compiled.workflow.obligations["certificate_count"]
        again = owed.resync(
            session, app_id, spec.name, owed_now(spec, EVENT_ANSWERS, BEFORE, world.calendar)
        )
    assert again == owed.Resynced()
    assert len(world.rows(app_id)) == 2


def test_a_free_revision_adds_moves_and_cancels_obligations(world: World) -> None:
    app_id = listed(world)
    world.fire(app_id, "revise", BEFORE)
    changed = dict(EVENT_ANSWERS)
    first, _second = EVENT_ANSWERS["dates"]
    changed["dates"] = [
        first,
        {**first, "date": "2027-03-20"},  # the second day moved from the 17th to the 20th
    ]
    world.save(app_id, changed)
    world.fire(app_id, "save_revision", BEFORE)
    assert world.state(app_id) == "listed"
    assert world.rows(app_id) == [
        ("date:2027-03-16", date(2027, 4, 15), "open"),
        ("date:2027-03-20", date(2027, 4, 19), "open"),
    ]
    # A third date is added; then the first is dropped.
    for dates in (["2027-03-16", "2027-03-20", "2027-03-27"], ["2027-03-20", "2027-03-27"]):
        world.fire(app_id, "revise", BEFORE)
        changed["dates"] = [{**first, "date": day} for day in dates]
        world.save(app_id, changed)
        world.fire(app_id, "save_revision", BEFORE)
    assert world.rows(app_id) == [
        ("date:2027-03-16", date(2027, 4, 15), "cancelled"),
        ("date:2027-03-20", date(2027, 4, 19), "open"),
        ("date:2027-03-27", date(2027, 4, 26), "open"),
    ]


def test_a_revision_after_the_first_date_goes_to_review(world: World) -> None:
    app_id = listed(world)
    assert (
        str(fire_automatic(world.db, world.registry, date(2027, 3, 16), world.calendar, world.mail))
        == "Moved 1, skipped 0."
    )
    world.fire(app_id, "revise", date(2027, 3, 18))
    assert world.state(app_id) == "revising_started"
    # Moving every date later does not make the change free: once delivered, it is reviewed.
    later = {
        **EVENT_ANSWERS,
        "dates": [{**d, "date": "2027-05-04"} for d in EVENT_ANSWERS["dates"]],
    }
    with world.db.transaction() as session:
        application = session.get(Application, app_id)
        assert application is not None
        ops.save_answers(session, application, world.compiled, later)
    with pytest.raises(Blocked) as refused:
        world.fire(app_id, "save_revision", date(2027, 3, 18))
    assert "not possible at this stage" in str(refused.value)
    world.fire(app_id, "submit_revision", date(2027, 3, 18))
    assert world.state(app_id) == "revision_review"
    world.fire(app_id, "accept_revision", date(2027, 3, 19), world.reviewer)
    assert world.state(app_id) == "delivered"


def test_cancelling_the_event_cancels_what_is_open(world: World) -> None:
    app_id = listed(world)
    world.fire(app_id, "cancel", BEFORE)
    assert world.state(app_id) == "cancelled"
    assert [status for _, _, status in world.rows(app_id)] == ["cancelled", "cancelled"]


def test_the_worker_delivers_reminds_once_per_stage_and_flags_overdue(world: World) -> None:
    app_id = listed(world)
    automatic = fire_automatic(world.db, world.registry, BEFORE, world.calendar, world.mail)
    assert (automatic.moved, world.state(app_id)) == (0, "listed")
    automatic = fire_automatic(
        world.db, world.registry, date(2027, 3, 16), world.calendar, world.mail
    )
    assert (automatic.moved, world.state(app_id)) == (1, "delivered")
    listed_mail = world.outbox()
    assert [t for t, _ in listed_mail] == ["event_listed"]

    assert world.remind(date(2027, 4, 7)) == "Reminded 0, skipped 0."
    # 8 April: 7 days before the first count is due, 8 before the second.
    assert world.remind(date(2027, 4, 8)) == "Reminded 1, skipped 0."
    assert world.remind(date(2027, 4, 8)) == "Reminded 0, skipped 0."
    assert world.remind(date(2027, 4, 9)) == "Reminded 1, skipped 0."
    assert world.remind(date(2027, 4, 15)) == "Reminded 2, skipped 0."
    assert world.remind(date(2027, 4, 16)) == "Reminded 2, skipped 0."
    assert world.remind(date(2027, 4, 16)) == "Reminded 0, skipped 0."
    assert world.remind(date(2027, 4, 17)) == "Reminded 1, skipped 0."
    assert [s for _, s in world.outbox()[1:]] == [
        "Certificate count due in 7 days: Reading coaching cycles",
        "Certificate count due in 7 days: Reading coaching cycles",
        "Certificate count due today: Reading coaching cycles",
        "Certificate count due in 1 day: Reading coaching cycles",
        "Certificate count overdue: Reading coaching cycles",
        "Certificate count due today: Reading coaching cycles",
        "Certificate count overdue: Reading coaching cycles",
    ]
    with world.db.reading() as session:
        stages = session.scalars(select(ObligationReminder.stage).order_by(ObligationReminder.id))
        assert list(stages)[:2] == ["before7:2027-04-15", "before7:2027-04-16"]


def test_two_workers_at_once_send_each_reminder_once(world: World) -> None:
    for _ in range(3):
        listed(world)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def run() -> None:
        barrier.wait()
        results.append(world.remind(date(2027, 4, 15)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with world.db.reading() as session:
        sent = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.template != "event_listed")
        )
        reminders = session.scalar(select(func.count()).select_from(ObligationReminder))
    # Three events, two dates each: six reminders, each written once whoever wrote it.
    assert (sent, reminders) == (6, 6), results
    assert world.remind(date(2027, 4, 15)) == "Reminded 0, skipped 0."


def test_a_report_meets_its_obligation_and_the_last_one_reports_the_event(
    world: World,
) -> None:
    app_id = listed(world)
    fire_automatic(world.db, world.registry, date(2027, 3, 16), world.calendar, world.mail)
    with world.db.transaction() as session:
        application = session.get(Application, app_id)
        assert application is not None
        first, second = owed.for_application(session, app_id)
        with pytest.raises(owed.NotOpen):  # the second date has not come yet
            owed.file_report(
                session,
                second,
                {"certificates": 3},
                "v",
                world.owner.id,
                application.state,
                application,
                date(2027, 3, 16),
            )
        owed.file_report(
            session,
            first,
            {"certificates": 24},
            "v",
            world.owner.id,
            application.state,
            application,
            date(2027, 3, 16),
        )
    assert world.state(app_id) == "delivered"
    moved = fire_automatic(world.db, world.registry, date(2027, 3, 17), world.calendar, world.mail)
    assert moved.moved == 0
    with world.db.transaction() as session:
        application = session.get(Application, app_id)
        assert application is not None
        second = owed.for_application(session, app_id)[1]
        owed.file_report(
            session,
            second,
            {"certificates": 22},
            "v",
            world.owner.id,
            application.state,
            application,
            date(2027, 3, 17),
        )
        with pytest.raises(owed.NotOpen):  # filed twice: refused
            owed.file_report(
                session,
                second,
                {"certificates": 1},
                "v",
                world.owner.id,
                application.state,
                application,
                date(2027, 3, 17),
            )
    moved = fire_automatic(world.db, world.registry, date(2027, 3, 17), world.calendar, world.mail)
    assert (moved.moved, world.state(app_id)) == (1, "reported")
    with world.db.reading() as session:
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.application_id == app_id).order_by(AuditEvent.id)
        ).all()
        assert [(e.trigger, e.actor_id) for e in audit][-4:] == [
            ("deliver", None),
            ("report:certificate_count", world.owner.id),
            ("report:certificate_count", world.owner.id),
            ("report", None),
        ]
        obligation = session.scalars(select(Obligation).order_by(Obligation.id)).first()
        assert obligation is not None
        assert obligation.data["answers"] == {"certificates": 24}


def _file_all(world: World, app_id: int, today: date) -> None:
    with world.db.transaction() as session:
        application = session.get(Application, app_id)
        assert application is not None
        for obligation in owed.for_application(session, app_id):
            owed.file_report(
                session,
                obligation,
                {"certificates": 20},
                "v",
                world.owner.id,
                application.state,
                application,
                today,
            )


def test_a_purge_takes_obligations_and_reminders_but_not_before_five_years(
    world: World,
) -> None:
    app_id, other_id = listed(world), listed(world)
    fire_automatic(world.db, world.registry, date(2027, 3, 16), world.calendar, world.mail)
    assert world.remind(date(2027, 4, 8)) == "Reminded 2, skipped 0."
    _file_all(world, app_id, date(2027, 4, 9))
    fire_automatic(world.db, world.registry, date(2027, 4, 9), world.calendar, world.mail)
    assert (world.state(app_id), world.state(other_id)) == ("reported", "delivered")

    def left(application_id: int) -> tuple[int, int]:
        with world.db.reading() as session:
            ids = select(Obligation.id).where(Obligation.application_id == application_id)
            obligations = session.scalar(select(func.count()).where(Obligation.id.in_(ids)))
            reminders = session.scalar(
                select(func.count()).where(ObligationReminder.obligation_id.in_(ids))
            )
            return int(obligations or 0), int(reminders or 0)

    assert left(app_id) == (2, 1)
    # Reported long ago: its five years are over by the real clock too.
    final_at = datetime(2020, 1, 2, 12)
    keep_until = retention.add_years(final_at, 5)
    with world.db.reading() as session:
        # Until then the database itself refuses to lose an obligation (a filed report).
        with pytest.raises(DBAPIError, match="retention period"):
            session.execute(delete(Obligation).where(Obligation.application_id == app_id))
    # Five years cannot pass in a test: the database's owner moves the dates back.
    with as_database_owner(world.db) as session:
        session.execute(
            update(Application)
            .where(Application.id == app_id)
            .values(final_at=final_at, keep_until=keep_until)
        )
    with world.db.transaction() as session:
        with pytest.raises(retention.Held):
            retention.purge(
                session, world.registry, app_id, keep_until - timedelta(seconds=1), "test"
            )
    with world.db.transaction() as session:
        retention.purge(session, world.registry, app_id, keep_until, "test")
    assert left(app_id) == (0, 0)
    assert left(other_id) == (2, 1)


SELF_PACED: dict[str, Any] = {
    **{k: v for k, v in EVENT_ANSWERS.items() if k not in ("dates", "location")},
    "format": "asynchronous",
    "available_from": "2027-03-01",
    "async_hours": 3,
    "async_units": 3,
    "online_url": "https://learn.example.org/reading",
}


def test_a_self_paced_course_owes_a_count_each_year_it_is_available(world: World) -> None:

    app_id = listed(world, SELF_PACED)
    assert world.rows(app_id) == [("period:2027-03-01", date(2028, 3, 30), "open")]
    fire_automatic(world.db, world.registry, date(2027, 3, 1), world.calendar, world.mail)
    assert world.state(app_id) == "delivered"

    def renew(day: date) -> str:
        return str(renew_periods(world.db, world.registry, day, world.calendar))

    assert renew(date(2028, 2, 29)) == "Created 0, skipped 0."
    assert renew(date(2028, 3, 1)) == "Created 1, skipped 0."
    assert renew(date(2028, 3, 1)) == "Created 0, skipped 0."
    assert [key for key, _, _ in world.rows(app_id)] == ["period:2027-03-01", "period:2028-03-01"]
    with world.db.transaction() as session:
        application = session.get(Application, app_id)
        assert application is not None
        first = owed.for_application(session, app_id)[0]
        owed.file_report(
            session,
            first,
            {"certificates": 130},
            "v",
            world.owner.id,
            application.state,
            application,
            date(2028, 3, 2),
        )
    # The course goes on: a new year is owed, so it stays delivered.
    fire_automatic(world.db, world.registry, date(2028, 3, 2), world.calendar, world.mail)
    assert world.state(app_id) == "delivered"


def test_two_workers_at_once_make_each_automatic_move_once(world: World) -> None:
    ids = [listed(world) for _ in range(3)]
    barrier = threading.Barrier(2)
    reports: list[str] = []

    def run() -> None:
        barrier.wait()
        day = date(2027, 3, 16)
        reports.append(
            str(fire_automatic(world.db, world.registry, day, world.calendar, world.mail))
        )

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [world.state(i) for i in ids] == ["delivered"] * 3
    with world.db.reading() as session:
        moves = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.trigger == "deliver")
        )
    assert moves == 3, reports


def test_reminders_follow_the_provider_when_the_person_who_filed_leaves(world: World) -> None:
    # Kim, a user of Jordan's provider, lists the event, then leaves the provider.
    with world.db.transaction() as session:
        provider = session.get(Organization, world.organization_id)
        assert provider is not None
        kim, _ = orgs.invite(session, provider, name="Kim Lee", email="kim@bigsky.example.org")
        kim_id = kim.id
    with world.db.reading() as session:
        kim = session.get(User, kim_id)
        assert kim is not None
    with world.db.transaction() as session:
        application = ops.start(session, world.compiled, kim, world.organization_id)
        ops.save_answers(session, application, world.compiled, EVENT_ANSWERS)
        app_id = application.id
    world.fire(app_id, "list", BEFORE, kim)
    fire_automatic(world.db, world.registry, date(2027, 3, 16), world.calendar, world.mail)
    assert world.remind(date(2027, 4, 8)) == "Reminded 1, skipped 0."
    with world.db.transaction() as session:
        provider = session.get(Organization, world.organization_id)
        assert provider is not None
        orgs.remove_member(session, provider, kim_id)
    assert world.remind(date(2027, 4, 15)) == "Reminded 2, skipped 0."
    with world.db.reading() as session:
        to = [
            m.to_addr
            for m in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.template != "event_listed")
                .order_by(OutboxMessage.id)
            )
        ]
    # While Kim worked there, to Kim; after she left, to the account manager.
    assert to == ["kim@bigsky.example.org", world.owner.email, world.owner.email]
