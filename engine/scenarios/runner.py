"""Playing scenario files: each case an application started, moved, changed and reported
on its days, with what it is expected to be after each step.

Each file runs on its own scratch SQLite database, made from the migrations and the
definition files given, so a scenario never touches real data. A failure names the
file and line of the step and says what was expected and what happened. Each result also
lists the moves its application made, for the coverage report (engine.scenarios.coverage).

A `publish:` step tries a changed version (engine.scenarios.publishing): it is in force
for the rest of its case; the next case starts on the files under test again, though
the scratch database keeps the publication (as it keeps every application).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.accounts.users import create_user
from engine.applications import moves as ops
from engine.applications import obligations as owed
from engine.applications.automatic import fire_automatic
from engine.obligations.filing import judge_and_file
from engine.obligations.periods import renew_periods
from engine.obligations.reminders import send_reminders
from engine.organizations import memberships as orgs
from engine.platform import clock
from engine.platform.db import Database, get_existing
from engine.platform.definitions import DefinitionRegistry
from engine.platform.mail import MailSettings
from engine.platform.migrate import upgrade
from engine.platform.models import Application, AuditEvent, Organization, OutboxMessage, User
from engine.runtime.calendar import BusinessCalendar
from engine.runtime.machine import Blocked, Blocker
from engine.scenarios import publishing
from engine.scenarios.coverage import Move
from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.messages import schema_errors
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import JsonPath, Source, read_source

PASSWORD = "scenario-password-1"


@dataclass
class CaseResult:
    """How one case went: the problems found, each located at its step, and the moves made."""

    file: str
    name: str
    problems: list[DefinitionError] = field(default_factory=list)
    # Every move the case's application made, in order: by a step, the worker or a filing.
    moves: list[Move] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Tell whether every expectation of the case held."""
        return not self.problems


@dataclass(frozen=True)
class Setting:
    """What a scenario runs against: the definitions, the calendar and the email text."""

    definitions: Path
    templates: Path
    calendar: BusinessCalendar
    mail: MailSettings


def scenario_files(paths: list[Path]) -> list[Path]:
    """Return the scenario files among these files and folders, sorted."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return found


def run_file(path: Path, setting: Setting) -> list[CaseResult]:
    """Play every case of one scenario file on a scratch database; return each result."""
    source = read_source(path)
    errors = schema_errors("scenario", source)
    if errors:
        raise DefinitionsInvalid(errors)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/scenario.sqlite"
        upgrade(url)
        db = Database(url)
        try:
            registry = DefinitionRegistry(setting.definitions, setting.templates, db)
            registry.load_files()
            play = _Play(source, db, registry, setting, _Scratch(path.parent, Path(folder)))
            return list(play.cases())
        finally:
            db.dispose()


@dataclass(frozen=True)
class _Scratch:
    """Where a file's `publish:` folders are (beside it) and where their copies go."""

    beside: Path
    folder: Path


class _Play:
    def __init__(
        self,
        source: Source,
        db: Database,
        registry: DefinitionRegistry,
        setting: Setting,
        scratch: _Scratch,
    ) -> None:
        self.source = source
        self.data: dict[str, Any] = source.data
        self.db = db
        # The files under test; a `publish:` step puts another registry in force for the
        # rest of its case only (`registry`), and each case starts on these files again.
        self.under_test = registry
        self.registry = registry
        self.setting = setting
        self.scratch = scratch
        self.publications = 0
        self.emails = {key: p["email"].lower() for key, p in self.data["people"].items()}

    def cases(self) -> Iterator[CaseResult]:
        workflow = self.data["workflow"]
        if workflow not in self.registry.workflow_names():
            problem = self.source.error(("workflow",), f"there is no workflow '{workflow}'")
            yield CaseResult(self.source.file, self.data["scenario"], [problem])
            return
        days = [self._day(c["day"], ("cases", i, "day")) for i, c in enumerate(self.data["cases"])]
        first = min(days)
        with clock.frozen_at(first), self.db.transaction() as session:
            self.registry.publish(session)
            self._people(session)
        for i, case in enumerate(self.data["cases"]):
            result = CaseResult(self.source.file, case["case"])
            try:
                self._case(case, ("cases", i), result)
            except _Stop:
                pass
            yield result

    def _people(self, session: Session) -> None:
        for key, person in self.data["people"].items():
            create_user(
                session,
                person["email"],
                PASSWORD,
                roles=person.get("roles", ["applicant"]),
                name=key.title(),
            )
        for provider in self.data.get("providers", []):
            organization = orgs.create_organization(session, name=provider["name"])
            people = [(provider["manager"], orgs.MANAGER)]
            people += [(u, orgs.MEMBER) for u in provider.get("users", [])]
            for key, role in people:
                orgs.invite(
                    session, organization, name=key.title(), email=self.emails[key], role=role
                )

    def _case(self, case: dict[str, Any], path: JsonPath, result: CaseResult) -> None:
        # The registry's files, not the database's latest publication, decide what a new
        # application starts on: an earlier case may have published a trial version.
        self.registry = self.under_test
        compiled = self.registry.latest(self.data["workflow"])
        with (
            clock.frozen_at(self._day(case["day"], (*path, "day"))),
            self.db.transaction() as session,
        ):
            organization_id = None
            if "for" in case:
                organization_id = self._organization(session, case["for"], (*path, "for"), result)
            application = ops.start(
                session, compiled, self._user(session, case["by"]), organization_id
            )
            answers = {
                **application.answers,
                **self.data.get("answers", {}),
                **case.get("answers", {}),
            }
            ops.save_answers(session, application, compiled, answers)
            application_id = application.id
        try:
            for i, step in enumerate(case["steps"]):
                self._step(application_id, case, step, (*path, "steps", i), result)
        finally:
            # Read back from the audit trail, so a move counts only if it really happened.
            result.moves.extend(self._moves(application_id))

    def _organization(self, session: Session, name: str, path: JsonPath, result: CaseResult) -> int:
        organization = session.scalar(select(Organization).where(Organization.name == name))
        if organization is None:
            known = [p["name"] for p in self.data.get("providers", [])]
            message = f"there is no provider '{name}' under 'providers'{did_you_mean(name, known)}"
            result.problems.append(self.source.error(path, message))
            raise _Stop()
        return organization.id

    def _day(self, value: object, path: JsonPath) -> date:
        """Return the day a scenario names; a day that is not one stops the file, located."""
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            message = f"'{value}' is not a day; write it like 2026-03-06"
            raise DefinitionsInvalid([self.source.error(path, message)]) from None

    def _user(self, session: Session, key: str) -> User:
        user = session.scalar(select(User).where(User.email == self.emails[key]))
        if user is None:
            raise LookupError(f"the scenario's person '{key}' has no account")
        return user

    def _step(
        self,
        application_id: int,
        case: dict[str, Any],
        step: dict[str, Any],
        path: JsonPath,
        result: CaseResult,
    ) -> None:
        day = self._day(step["day"], (*path, "day"))
        expect = step.get("expect", {})
        before = self._last_email()
        refusal = None
        stays = None
        with clock.frozen_at(day):
            if "publish" in step:
                stays = self._publish(
                    application_id, step["publish"], (*path, "publish"), day, result
                )
            else:
                try:
                    self._act(application_id, case, step, day)
                except Blocked as blocked:
                    refusal = _refusal(blocked)
                except ops.NotEditable:
                    refusal = "The answers cannot be changed at this stage."
        self._check(application_id, expect, _Outcome(refusal, stays), before, path, result)

    def _publish(
        self,
        application_id: int,
        named: str | list[str],
        path: JsonPath,
        day: date,
        result: CaseResult,
    ) -> tuple[str, ...]:
        """Publish the changed files of a folder (or of several, in order) and move what can
        move; return why the case's application stays where it is (nothing: it moved). A
        problem stops the case."""
        names = [named] if isinstance(named, str) else named
        for i, name in enumerate(names):
            message = publishing.folder_problem(self.scratch.beside, name)
            if message is not None:
                at = path if isinstance(named, str) else (*path, i)
                result.problems.append(self.source.error(at, message))
                raise _Stop()
        name = ", ".join(names)
        self.publications += 1
        copy = self.scratch.folder / f"publish-{self.publications}"
        setting = self.setting
        try:
            registry = publishing.load_changed(
                [self.scratch.beside / n for n in names],
                setting.definitions,
                setting.templates,
                self.db,
                copy,
            )
        except DefinitionsInvalid as invalid:
            for error in invalid.errors:
                problem = f"the files to publish have a problem: {error}"
                result.problems.append(self.source.error(path, problem))
            raise _Stop() from None
        workflow = self.data["workflow"]
        if workflow not in registry.workflow_names():
            message = f"the files of '{name}' have no workflow '{workflow}' any more"
            result.problems.append(self.source.error(path, message))
            raise _Stop()
        self.registry = registry
        moved = publishing.publish_and_move(self.db, registry, workflow, day, setting.calendar)
        own = next((m for m in moved if m.pending.application_id == application_id), None)
        if own is not None:
            return own.why_not
        with self.db.reading() as session:
            application = get_existing(session, Application, application_id)
            finished = application.final_at is not None
        if finished:
            return ("it is final, and final applications never move",)
        return ("it is on this version already",)

    def _act(
        self, application_id: int, case: dict[str, Any], step: dict[str, Any], day: date
    ) -> None:
        setting = self.setting
        if "do" in step:
            with self.db.transaction() as session:
                application = get_existing(session, Application, application_id)
                move = ops.MoveRequest(
                    application_id=application_id,
                    trigger=step["do"],
                    user=self._user(session, step.get("by", case["by"])),
                    expected_version=application.version,
                    today=day,
                    comment=step.get("comment", ""),
                    reason=step.get("reason", ""),
                    override_reason=step.get("override", ""),
                )
                context = ops.MoveContext(
                    registry=self.registry, calendar=setting.calendar, mail=setting.mail
                )
                ops.fire(session, move, context)
        elif "change" in step:
            with self.db.transaction() as session:
                application = get_existing(session, Application, application_id)
                compiled = self.registry.compiled(
                    application.workflow, application.workflow_version, application.form_version
                )
                ops.save_answers(
                    session, application, compiled, {**application.answers, **step["change"]}
                )
        elif "file" in step:
            self._file(application_id, case, step["file"], day)
        elif step.get("worker"):
            fire_automatic(self.db, self.registry, day, setting.calendar, setting.mail)
            renew_periods(self.db, self.registry, day, setting.calendar)
            send_reminders(self.db, self.registry, day, setting.mail)

    def _file(
        self, application_id: int, case: dict[str, Any], answers: Mapping[str, Any], day: date
    ) -> None:
        with self.db.transaction() as session:
            ready = [
                o
                for o in owed.for_application(session, application_id)
                if o.status == owed.OPEN and o.opens_on <= day
            ]
            if not ready:
                raise Blocked([_blocker("No report is owed on this day.")])
            filing = judge_and_file(
                session,
                self.registry,
                ready[0],
                answers,
                self._user(session, case["by"]).id,
                day,
                self.setting.calendar,
                self.setting.mail,
            )
            if not filing.filed:
                raise Blocked([_blocker(e.message) for e in filing.problems])

    def _moves(self, application_id: int) -> list[Move]:
        """Return the moves an application made, from its audit trail, oldest first."""
        with self.db.reading() as session:
            rows = session.execute(
                select(
                    Application.workflow,
                    AuditEvent.trigger,
                    AuditEvent.from_state,
                    AuditEvent.to_state,
                )
                .join(Application, Application.id == AuditEvent.application_id)
                .where(
                    AuditEvent.application_id == application_id,
                    AuditEvent.from_state.is_not(None),
                    # The engine's own records (staff:assign, report:<name>, ...) carry a
                    # colon, which no trigger id can: they are not moves of the workflow.
                    AuditEvent.trigger.not_like("%:%"),
                )
                .order_by(AuditEvent.id)
            )
            return [Move(w, t, str(f), d) for w, t, f, d in rows]

    def _last_email(self) -> int:
        with self.db.reading() as session:
            return int(session.scalar(select(func.max(OutboxMessage.id))) or 0)

    def _emails_since(self, session: Session, last: int) -> list[str]:
        # Every email of the step, to anyone: account emails belong to no application.
        return list(
            session.scalars(
                select(OutboxMessage.template)
                .where(OutboxMessage.id > last)
                .order_by(OutboxMessage.id)
            )
        )

    def _check(
        self,
        application_id: int,
        expect: Mapping[str, Any],
        outcome: _Outcome,
        before: int,
        path: JsonPath,
        result: CaseResult,
    ) -> None:
        def problem(key: str, message: str) -> None:
            at = (*path, "expect", key) if key in expect else path
            result.problems.append(self.source.error(at, message))

        refusal = outcome.refusal
        for key, message in _upgrade_problems(expect, outcome.stays):
            problem(key, message)

        if "refused" in expect:
            if refusal is None:
                problem(
                    "refused",
                    f"expected a refusal saying '{expect['refused']}', but the step went through",
                )
            elif expect["refused"] not in refusal:
                problem(
                    "refused",
                    f"expected a refusal saying '{expect['refused']}', but it said: {refusal}",
                )
        elif refusal is not None:
            problem("", f"the step was refused: {refusal}")
            raise _Stop()  # later steps would only report the same cause again
        with self.db.reading() as session:
            application = get_existing(session, Application, application_id)
            if "state" in expect and application.state != expect["state"]:
                problem(
                    "state",
                    f"expected the state '{expect['state']}', but it is '{application.state}'",
                )
            if "due" in expect:
                due = application.due_on.isoformat() if application.due_on else "none"
                if due != str(expect["due"]):
                    problem("due", f"expected the decision due {expect['due']}, but it is {due}")
            if "emails" in expect:
                sent = self._emails_since(session, before)
                if sent != list(expect["emails"]):
                    problem(
                        "emails",
                        f"expected the emails {list(expect['emails'])}, but this step sent {sent}",
                    )
            if "owed" in expect:
                still = [
                    o
                    for o in owed.for_application(session, application_id)
                    if o.status == owed.OPEN
                ]
                if len(still) != expect["owed"]:
                    problem("owed", f"expected {expect['owed']} reports owed, but {len(still)} are")


@dataclass(frozen=True)
class _Outcome:
    """What a step did besides changing the application: a refusal's words, and, for a
    `publish:` step, why the application stays on its version (empty: it moved)."""

    refusal: str | None
    stays: tuple[str, ...] | None


def _upgrade_problems(
    expect: Mapping[str, Any], stays: tuple[str, ...] | None
) -> list[tuple[str, str]]:
    """Judge `moved:` and `stays:` against what a publish step did; return (key, problem)."""
    keys = [k for k in ("moved", "stays") if k in expect]
    if not keys:
        return []
    if stays is None:
        return [(keys[0], f"'{keys[0]}' is for a 'publish:' step, which this step is not")]
    expected = expect.get("moved", False)
    if expected and "stays" in expect:
        return [("stays", "'stays' says why it stays, but 'moved: true' expects it to move")]
    reasons = "; ".join(stays)
    if expected and stays:
        return [("moved", f"expected it to move onto the new version, but it stays: {reasons}")]
    if not expected and not stays:
        return [(keys[0], "expected it to stay on its version, but it moved onto the new one")]
    if "stays" in expect and str(expect["stays"]) not in reasons:
        return [
            ("stays", f"expected it to stay because '{expect['stays']}', but it stays: {reasons}")
        ]
    return []


class _Stop(Exception):
    """The rest of a case cannot be judged: its cause is already reported."""


def _refusal(blocked: Blocked) -> str:
    """Say why a step was refused, with each answer to fix, as the applicant is shown."""
    parts = []
    for blocker in blocked.blockers:
        parts.append(blocker.message)
        # The page shows each answer's problem beside it; the scenario says it after.
        parts.extend(f"{e.path}: {e.message}" for e in blocker.errors)
    return " ".join(parts)


def _blocker(message: str) -> Blocker:
    return Blocker("guard", message)
