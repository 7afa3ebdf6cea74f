"""Retention: nothing is purged early or under legal hold; purging removes all, logged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engine.operations import retention
from engine.platform.db import Database
from engine.platform.models import (
    AnswerSnapshot,
    Application,
    AuditEvent,
    OutboxMessage,
    PurgeRecord,
)
from tests.web.helpers import fill_all, fire, make_user, sign_in, start_application


def _decided(app: Flask, decision: str = "approve") -> int:
    make_user(app, "a@example.org")
    make_user(app, "r@example.org", "reviewer")
    client = app.test_client()
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    fill_all(client, application_id)
    fire(client, application_id, "submit")
    sign_in(client, "r@example.org")
    fire(client, application_id, decision, "Not eligible." if decision == "deny" else "")
    return application_id


@contextmanager
def as_database_owner(db: Database) -> Iterator[Session]:
    """A session with the record triggers off, as only the database's owner can have."""
    with db.transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL session_replication_role = replica"))
            yield session
            return
        # SQLite has no switch: whoever holds the file can drop the triggers and put them back.
        triggers = session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        ).all()
        for trigger in triggers:
            session.execute(text(f"DROP TRIGGER {trigger.name}"))
        yield session
        session.flush()
        for trigger in triggers:
            session.execute(text(trigger.sql))


def _backdate(app: Flask, application_id: int, final_at: datetime) -> None:
    # Five years cannot pass in a test: the owner moves the dates back instead.
    with as_database_owner(app.extensions["formflow"].db) as session:
        session.execute(
            update(Application)
            .where(Application.id == application_id)
            .values(final_at=final_at, keep_until=retention.add_years(final_at, 5))
        )


def _count(app: Flask, model: type, application_id: int) -> int:
    with app.extensions["formflow"].db.reading() as session:
        column = model.id if model is Application else model.application_id  # type: ignore[attr-defined]
        return int(session.scalar(select(func.count()).where(column == application_id)) or 0)


@pytest.mark.parametrize(
    ("moment", "years", "expected"),
    [
        (datetime(2026, 3, 1, 9), 5, datetime(2031, 3, 1, 9)),
        (datetime(2028, 2, 29, 9), 5, datetime(2033, 2, 28, 9)),
    ],
)
def test_add_years(moment: datetime, years: int, expected: datetime) -> None:
    assert retention.add_years(moment, years) == expected


def test_a_decision_sets_final_at_and_nothing_expires_early(app: Flask) -> None:
    application_id = _decided(app)
    svc = app.extensions["formflow"]
    with svc.db.reading() as session:
        application = session.get(Application, application_id)
        assert application is not None and application.final_at is not None
        final_at = application.final_at
        almost = retention.add_years(final_at, 5) - timedelta(seconds=1)
        assert retention.expired(session, svc.registry, almost) == []
        with pytest.raises(retention.Held):
            retention.purge(session, svc.registry, application_id, almost, "test")
        later = retention.add_years(final_at, 5)
        assert [c.application_id for c in retention.expired(session, svc.registry, later)] == [
            application_id
        ]


def test_purge_removes_everything_and_logs_it(app: Flask) -> None:
    application_id = _decided(app, "deny")
    _backdate(app, application_id, datetime(2020, 1, 2, 12))
    svc = app.extensions["formflow"]
    assert _count(app, AuditEvent, application_id) == 3
    with svc.db.transaction() as session:
        record = retention.purge(session, svc.registry, application_id, datetime.now(), "tester")
    for model in (Application, AuditEvent, AnswerSnapshot, OutboxMessage):
        assert _count(app, model, application_id) == 0, model
    with svc.db.reading() as session:
        log = session.scalars(select(PurgeRecord)).all()
    assert [(r.application_id, r.workflow, r.purged_by) for r in log] == [
        (application_id, "provider_registration", "tester")
    ]
    assert record.rows >= 6  # the application, 3 audit events, 2 snapshots, its emails


def test_legal_hold_blocks_purge_until_released(app: Flask) -> None:
    application_id = _decided(app)
    _backdate(app, application_id, datetime(2019, 6, 1, 12))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["retention", "hold", str(application_id), "--reason", "Audit"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["retention"])
    assert "held: Audit" in listing.output
    assert "Nothing was deleted" in listing.output
    applied = runner.invoke(args=["retention", "--apply"])
    assert "Purged 0 applications." in applied.output
    assert _count(app, Application, application_id) == 1
    runner.invoke(args=["retention", "release", str(application_id), "--reason", "Closed"])
    applied = runner.invoke(args=["retention", "--apply"])
    assert "Purged 1 application." in applied.output, applied.output
    assert _count(app, Application, application_id) == 0


def test_an_application_still_in_progress_is_never_listed(app: Flask) -> None:
    make_user(app, "a@example.org")
    client = app.test_client()
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    with app.extensions["formflow"].db.transaction() as session:
        session.execute(
            update(Application)
            .where(Application.id == application_id)
            .values(created_at=datetime(2001, 1, 1))
        )
    output = app.test_cli_runner().invoke(args=["retention"]).output
    assert "Nothing is past its retention period." in output


@pytest.mark.parametrize("table", ["applications", "audit_events", "answer_snapshots"])
def test_the_database_refuses_to_delete_records_early(app: Flask, table: str) -> None:
    application_id = _decided(app)
    column = "id" if table == "applications" else "application_id"
    statement = text(f"DELETE FROM {table} WHERE {column} = :id")
    db = app.extensions["formflow"].db
    # Final only now: kept five more years, whatever code or person asks.
    with pytest.raises(DBAPIError, match="retention period"):
        with db.transaction() as session:
            session.execute(statement, {"id": application_id})
    _backdate(app, application_id, datetime(2019, 6, 1, 12))
    with db.transaction() as session:
        retention.set_hold(session, application_id, "Audit", "t", held=True)
    with pytest.raises(DBAPIError, match="retention period"):
        with db.transaction() as session:
            session.execute(statement, {"id": application_id})
    # Three moves, and the hold itself: placing it is written into the history.
    assert _count(app, AuditEvent, application_id) == 4


def test_a_draft_can_never_be_deleted_by_hand(app: Flask) -> None:
    make_user(app, "a@example.org")
    client = app.test_client()
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    with pytest.raises(DBAPIError, match="retention period"):
        with app.extensions["formflow"].db.transaction() as session:
            session.execute(text("DELETE FROM applications WHERE id = :id"), {"id": application_id})
