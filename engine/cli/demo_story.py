"""Playing out demo_data.yaml: each step on its own day, with the worker run in between.

Every step goes through the operations the web pages use (start, save_answers, fire,
judge_and_file), inside `clock.frozen_at(day)`, so timestamps, due dates, audit rows and
reminders all agree with the story's dates, whatever day the demo is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.accounts.users import create_user, hash_password, normalise_email
from engine.applications import moves as ops
from engine.applications import obligations as owed
from engine.applications.decisions import move_context
from engine.certificates import issue as issuing
from engine.certificates import issued as certs
from engine.cli.worker import JOBS
from engine.obligations.filing import judge_and_file
from engine.platform import clock
from engine.platform.clock import utcnow
from engine.platform.db import get_existing
from engine.platform.mail import mail_settings
from engine.platform.models import Application, Organization, User
from engine.platform.services import Services, services
from engine.runtime.machine import Blocked
from engine.runtime.roster import check_rows

DATA = Path(__file__).with_name("demo_data.yaml")
_RELATIVE = re.compile(r"^today(?:([+-])(\d+))?$")
# The jobs through which time passes. Delivering email is left to the worker that
# `make run` starts beside the server: here it would try SMTP once per simulated day.
HISTORY_JOBS = ("automatic_moves", "obligation_periods", "obligation_reminders")


class DemoError(Exception):
    """The demo data asks for something the workflows refuse; the message says what."""


def read_demo(path: Path = DATA) -> dict[str, Any]:
    """Return the demo data file as plain data."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise DemoError(f"{path} must hold a mapping")
    return data


def day_of(text: Any, today: date) -> date:
    """Return the day 'today', 'today-35' or 'today+21' stands for."""
    match = _RELATIVE.match(str(text))
    if match is None:
        raise DemoError(f"{text!r} is not a day like today-35 or today+21.")
    sign, days = match.groups()
    offset = int(days or 0) * (-1 if sign == "-" else 1)
    return today + timedelta(days=offset)


def resolve(value: Any, today: date) -> Any:
    """Return answers with every relative day written as an ISO date (as forms store them)."""
    if isinstance(value, Mapping):
        return {k: resolve(v, today) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, today) for v in value]
    if isinstance(value, str) and _RELATIVE.match(value):
        return day_of(value, today).isoformat()
    return value


@dataclass(frozen=True)
class Entry:
    """One thing that happens on one day: an account signs up, or an application moves."""

    day: date
    order: int
    kind: str  # "account", "start" or "step"
    item: dict[str, Any]
    step: dict[str, Any] | None = None


class Story:
    """The demo's timeline, played one day at a time."""

    def __init__(self, data: dict[str, Any], today: date) -> None:
        self.data = data
        self.today = today
        self.svc: Services = services()
        self.emails = {a["key"]: normalise_email(a["email"]) for a in data["accounts"]}
        # Which application each entry of `applications:` became, by its position.
        self.ids: dict[int, int] = {}

    def entries(self) -> list[Entry]:
        """Return everything that happens, in the order it happens."""
        found: list[Entry] = []
        for account in self.data["accounts"]:
            if "created" in account:
                found.append(
                    Entry(day_of(account["created"], self.today), len(found), "account", account)
                )
        for position, item in enumerate(self.data["applications"]):
            item = {**item, "position": position}
            found.append(Entry(day_of(item["started"], self.today), len(found), "start", item))
            for step in item.get("steps", []):
                found.append(Entry(day_of(step["day"], self.today), len(found), "step", item, step))
        future = [e for e in found if e.day > self.today]
        if future:
            # Only answers may name days to come; what happens has happened by today.
            raise DemoError(f"A step is dated after today: {future[0].step or future[0].item}")
        return sorted(found, key=lambda e: (e.day, e.order))

    def worker_days(self, entries: list[Entry]) -> list[date]:
        """Return the days the worker runs: daily at the end, and on every earlier busy day."""
        first_daily = day_of(self.data.get("worker_daily_from", "today"), self.today)
        days = {e.day for e in entries}
        days |= {
            first_daily + timedelta(days=n) for n in range((self.today - first_daily).days + 1)
        }
        return sorted(d for d in days if d <= self.today)

    def play(self) -> None:
        """Play every entry on its day, each in its own transaction, the worker after each day."""
        entries = self.entries()
        by_day: dict[date, list[Entry]] = {}
        for entry in entries:
            by_day.setdefault(entry.day, []).append(entry)
        for day in sorted(set(by_day) | set(self.worker_days(entries))):
            with self._at(day):
                for entry in by_day.get(day, []):
                    with self.svc.db.transaction() as session:
                        self._perform(session, entry)
                for name in HISTORY_JOBS:
                    JOBS[name]()
        self._set_passwords()

    def _at(self, day: date) -> AbstractContextManager[Any]:
        # Today is today: its steps get the real time, not midday of a frozen clock.
        return nullcontext() if day == self.today else clock.frozen_at(day)

    def _perform(self, session: Session, entry: Entry) -> None:
        if entry.kind == "account":
            account = entry.item
            create_user(
                session,
                account["email"],
                account["password"],
                roles=account.get("roles", ("applicant",)),
                name=account["name"],
            )
        elif entry.kind == "start":
            self._start(session, entry.item)
        elif entry.step is not None:
            self._step(session, entry.item, entry.step)
        else:
            raise DemoError(f"a {entry.kind!r} entry of the demo story has no step")

    def _user(self, session: Session, key: str) -> User:
        user = session.scalar(select(User).where(User.email == self.emails[key]))
        if user is None:
            raise DemoError(f"The account {key!r} does not exist yet on this day.")
        return user

    def _start(self, session: Session, item: dict[str, Any]) -> None:
        compiled = self.svc.registry.latest(item["workflow"])
        organization_id = None
        if "for" in item:
            organization = session.scalar(
                select(Organization).where(Organization.name == item["for"])
            )
            if organization is None:
                raise DemoError(f"No provider named {item['for']!r} exists yet on this day.")
            organization_id = organization.id
        application = ops.start(session, compiled, self._user(session, item["by"]), organization_id)
        answers = {**application.answers, **resolve(item["answers"], self.today)}
        ops.save_answers(session, application, compiled, answers)
        self.ids[item["position"]] = application.id

    def _step(self, session: Session, item: dict[str, Any], step: dict[str, Any]) -> None:
        application = get_existing(session, Application, self.ids[item["position"]])
        if "do" in step:
            self._fire(session, application, step.get("by") or item["by"], step)
        elif "change" in step:
            compiled = self.svc.registry.compiled(
                application.workflow, application.workflow_version, application.form_version
            )
            answers = {**application.answers, **resolve(step["change"], self.today)}
            ops.save_answers(session, application, compiled, answers)
        elif "file" in step:
            self._file(session, application, item, step["file"])
        elif "certify" in step:
            self._certify(session, application, step.get("by") or item["by"], step["certify"])
        elif "revoke" in step:
            self._revoke(session, application, step.get("by") or item["by"], step)
        else:
            raise DemoError(f"A step needs do, change, file, certify or revoke: {step!r}")

    def _certify(
        self, session: Session, application: Application, by: str, rows: list[dict[str, Any]]
    ) -> None:
        """Issue certificates to these attendees, checked like the certificates page does."""
        today = clock.today()
        event = issuing.event_for(session, self.svc.registry, application, today, self.svc.calendar)
        if event is None:
            raise DemoError(f"{application.title}: its workflow has no certificates.")
        entries = [
            (line, {**row, "dates": ", ".join(resolve(row.get("dates", []), self.today))})
            for line, row in enumerate(rows, start=1)
        ]
        attendees, problems = check_rows(entries, event.dates, event.completed, event.later)
        if problems:
            raise DemoError(f"{application.title}: {problems[0]}")
        verify_base = str(current_app.config["BASE_URL"]).rstrip("/") + "/verify"
        try:
            issuing.issue_for(
                session, event, attendees, self._user(session, by), today, utcnow(), verify_base
            )
        except issuing.NotIssuable as refused:
            raise DemoError(f"{application.title}: {refused}") from refused

    def _revoke(
        self, session: Session, application: Application, by: str, step: dict[str, Any]
    ) -> None:
        """Revoke the event's certificate with this sequence number, with the step's reason."""
        found = certs.for_application(session, application.id)
        chosen = [c for c in found if c.sequence == int(step["revoke"])]
        if not chosen:
            raise DemoError(f"{application.title}: no certificate {step['revoke']} to revoke.")
        try:
            certs.revoke(
                session, chosen[0], self._user(session, by), step.get("reason", ""), utcnow()
            )
        except certs.NotRevocable as refused:
            raise DemoError(f"{application.title}: {refused}") from refused

    def _fire(
        self, session: Session, application: Application, by: str, step: dict[str, Any]
    ) -> None:
        user = self._user(session, by)
        try:
            move = ops.MoveRequest(
                application_id=application.id,
                trigger=step["do"],
                user=user,
                expected_version=application.version,
                today=clock.today(),
                comment=step.get("comment", ""),
                reason=step.get("reason", ""),
                override_reason=step.get("override", ""),
            )
            ops.fire(session, move, move_context())
        except Blocked as refused:
            raise DemoError(f"{application.title}: {step['do']} refused: {refused}") from refused

    def _file(
        self, session: Session, application: Application, item: dict[str, Any], reports: Any
    ) -> None:
        """File the counts open today, soonest due first, one answer set each."""
        today = clock.today()
        user = self._user(session, item["by"])
        ready = [
            o
            for o in owed.for_application(session, application.id)
            if o.status == owed.OPEN and o.opens_on <= today
        ]
        if len(ready) < len(reports):
            raise DemoError(
                f"{application.title}: {len(reports)} counts to file, {len(ready)} open."
            )
        for obligation, answers in zip(ready, reports, strict=False):
            filing = judge_and_file(
                session,
                self.svc.registry,
                obligation,
                answers,
                user.id,
                today,
                self.svc.calendar,
                mail_settings(),
            )
            if not filing.filed:
                raise DemoError(f"{application.title}: {filing.problems[0].message}")

    def _set_passwords(self) -> None:
        """Give the invited people the passwords they chose through their invitation links."""
        with self.svc.db.transaction() as session:
            for account in self.data["accounts"]:
                if "created" in account:
                    continue
                user = self._user(session, account["key"])
                user.password_hash = hash_password(account["password"])
