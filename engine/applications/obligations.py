"""Obligations in the database: bring them in line with the answers, file a report, list.

Every function works in the caller's transaction. Resyncing is idempotent: run twice
on the same answers, it changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.platform.clock import utcnow
from engine.platform.models import Application, AuditEvent, Obligation
from engine.runtime.obligations import Owed

OPEN, MET, CANCELLED = "open", "met", "cancelled"


@dataclass(frozen=True)
class Resynced:
    """What one resync did, by key."""

    created: tuple[str, ...] = ()
    moved: tuple[str, ...] = ()
    cancelled: tuple[str, ...] = ()


def resync(session: Session, application_id: int, name: str, owed: Sequence[Owed]) -> Resynced:
    """Make the application's rows of one obligation match what is owed now.

    A new date gets a row; a date gone cancels its open row; a date that changed (one
    row left over on each side, in order) moves its row and due date. Filed reports stay.
    """
    rows = {
        r.key: r
        for r in session.scalars(
            select(Obligation).where(
                Obligation.application_id == application_id, Obligation.name == name
            )
        )
    }
    wanted = {o.key: o for o in owed}
    now = utcnow()
    created, moved, cancelled = [], [], []
    for key, item in wanted.items():
        row = rows.get(key)
        if row is None:
            continue
        if row.status == CANCELLED:
            row.status = OPEN  # the date came back
        if row.status == OPEN and (row.due_on, row.label, row.opens_on) != (
            item.due_on,
            item.label,
            item.opens_on,
        ):
            row.due_on, row.label, row.opens_on, row.updated_at = (
                item.due_on,
                item.label,
                item.opens_on,
                now,
            )
    gone = [r for k, r in rows.items() if k not in wanted and r.status == OPEN]
    new = [o for k, o in wanted.items() if k not in rows]
    for row, item in zip(gone, new, strict=False):
        moved.append(item.key)
        row.key, row.label, row.opens_on, row.due_on, row.updated_at = (
            item.key,
            item.label,
            item.opens_on,
            item.due_on,
            now,
        )
    for row in gone[len(new) :]:
        row.status, row.updated_at = CANCELLED, now
        cancelled.append(row.key)
    for item in new[len(gone) :]:
        session.add(
            Obligation(
                application_id=application_id,
                name=name,
                key=item.key,
                label=item.label,
                opens_on=item.opens_on,
                due_on=item.due_on,
                status=OPEN,
                data={},
            )
        )
        created.append(item.key)
    session.flush()
    return Resynced(tuple(created), tuple(moved), tuple(cancelled))


def cancel_open(session: Session, application_id: int, name: str) -> int:
    """Cancel every open row of one obligation; return how many."""
    result = session.execute(
        update(Obligation)
        .where(
            Obligation.application_id == application_id,
            Obligation.name == name,
            Obligation.status == OPEN,
        )
        .values(status=CANCELLED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def met_by_name(session: Session, application_id: int) -> dict[str, bool]:
    """Return, per obligation name, whether something was owed and nothing is still open."""
    return met_by_application(session, [application_id]).get(application_id, {})


def met_by_application(session: Session, application_ids: list[int]) -> dict[int, dict[str, bool]]:
    """Return met_by_name for each of these applications, in one query."""
    found: dict[int, dict[str, bool]] = {}
    if not application_ids:
        return found
    rows = session.execute(
        select(Obligation.application_id, Obligation.name, Obligation.status).where(
            Obligation.application_id.in_(application_ids)
        )
    )
    for application_id, name, status in rows:
        names = found.setdefault(application_id, {})
        if status == OPEN:
            names[name] = False
        elif status == MET:
            names.setdefault(name, True)
    return found


def for_application(session: Session, application_id: int) -> list[Obligation]:
    """Return an application's obligations, by due date (cancelled ones too)."""
    return list(
        session.scalars(
            select(Obligation)
            .where(Obligation.application_id == application_id)
            .order_by(Obligation.due_on, Obligation.id)
        )
    )


def open_for_applications(session: Session, application_ids: list[int]) -> list[Obligation]:
    """Return the open obligations of these applications, soonest due first."""
    if not application_ids:
        return []
    return list(
        session.scalars(
            select(Obligation)
            .where(Obligation.application_id.in_(application_ids), Obligation.status == OPEN)
            .order_by(Obligation.due_on, Obligation.id)
        )
    )


def open_for_staff(session: Session, limit: int = 500) -> list[tuple[Obligation, Application]]:
    """Return every open obligation with its application, the longest overdue first."""
    rows = session.execute(
        select(Obligation, Application)
        .join(Application, Application.id == Obligation.application_id)
        .where(Obligation.status == OPEN)
        .order_by(Obligation.due_on, Obligation.id)
        .limit(limit)
    )
    return [(obligation, application) for obligation, application in rows.all()]


def differing_counts(session: Session, limit: int = 2000) -> list[tuple[Obligation, Application]]:
    """Return filed reports whose count differs from the certificates issued, newest first.

    Only reports checked when filed carry 'issued' (see file_report); the comparison is
    made here rather than in SQL so it reads the same on SQLite and PostgreSQL.
    """
    rows = session.execute(
        select(Obligation, Application)
        .join(Application, Application.id == Obligation.application_id)
        .where(Obligation.status == MET)
        .order_by(Obligation.met_at.desc(), Obligation.id.desc())
        .limit(limit)
    )
    return [
        (obligation, application)
        for obligation, application in rows.all()
        if "issued" in obligation.data
        and obligation.data.get("reported") != obligation.data["issued"]
    ]


class NotOpen(Exception):
    """The obligation was filed or cancelled meanwhile, or cannot be filed yet."""


def file_report(
    session: Session,
    obligation: Obligation,
    answers: Mapping[str, Any],
    form_version: str,
    user_id: int,
    state: str,
    application: Application,
    today: date,
    checked: Mapping[str, Any] | None = None,
) -> None:
    """Store a report with its obligation and audit it on the application.

    `checked` is kept beside the answers: for a reconciled count, the number issued in the
    system when it was filed, the number reported and the reason given.
    """
    if today < obligation.opens_on:
        raise NotOpen(obligation.id)
    now = utcnow()
    # Conditional on 'open': of two people filing at once, one wins and one is told.
    result = session.execute(
        update(Obligation)
        .where(Obligation.id == obligation.id, Obligation.status == OPEN)
        .values(
            status=MET,
            met_at=now,
            met_by=user_id,
            data={"answers": dict(answers), "form_version": form_version, **(checked or {})},
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotOpen(obligation.id)
    session.add(
        AuditEvent(
            application_id=obligation.application_id,
            actor_id=user_id,
            trigger=f"report:{obligation.name}",
            from_state=state,
            to_state=state,
            comment=f"Filed: {obligation.label}",
            workflow_version=application.workflow_version,
            form_version=application.form_version,
        )
    )
    session.flush()
