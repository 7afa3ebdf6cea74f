"""The reviewers' queue: one list across workflows, filtered and searched in SQL.

What "waiting for staff" means comes from the workflow specs alone: a state is waiting
when a transition leaving it may be fired by a reviewer or an admin.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session, aliased, defer

from engine.platform.definitions import DefinitionRegistry
from engine.platform.models import Application, Organization, User
from engine.runtime.reference import reference
from engine.spec.model import StateSpec, TransitionSpec, WorkflowSpec

STAFF_ROLES = frozenset({"reviewer", "admin"})

# QueueFilter.state: the default, and the choice of every state.
WAITING = ""
ANY_STATE = "any"
# QueueFilter.assigned
ANYONE, ME, NOBODY = "", "me", "nobody"
ASSIGNED_CHOICES = (ANYONE, ME, NOBODY)
# PostgreSQL's integer: a longer run of digits cannot be a reference number.
_MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class QueueFilter:
    """What a reviewer asked the queue for; the defaults list what waits for staff."""

    workflow: str = ""
    state: str = WAITING
    provider: str = ""
    due_by: date | None = None
    overdue: bool = False
    assigned: str = ANYONE
    search: str = ""

    def is_default(self) -> bool:
        """Tell whether nothing narrows the default queue."""
        return self == QueueFilter()


@dataclass(frozen=True)
class QueueRow:
    """One application as the queue lists it."""

    application: Application
    workflow: WorkflowSpec
    state: StateSpec
    organization: Organization | None
    assignee: User | None
    overdue: bool
    waiting_since: date

    @property
    def reference(self) -> str:
        """Return the reference number staff and applicants quote, e.g. 000012."""
        return reference(self.application.id)


@dataclass(frozen=True)
class Decision:
    """A trigger staff may fire on some listed rows, for the bulk decision form."""

    trigger: str
    label: str
    comment: str  # none | optional | required: the strictest among the rows
    rows: int  # how many listed rows it applies to


def staff_transitions(workflow: WorkflowSpec, state: str) -> tuple[TransitionSpec, ...]:
    """Return the transitions out of a state that a reviewer or admin may fire."""
    return tuple(t for t in workflow.transitions_from(state) if STAFF_ROLES & set(t.roles))


def waiting_states(workflow: WorkflowSpec) -> set[str]:
    """Return the states of a workflow in which staff have a move to make."""
    return {s for s in workflow.states if staff_transitions(workflow, s)}


def workflow_choices(registry: DefinitionRegistry) -> list[tuple[str, str]]:
    """Return (name, title) of every current workflow, by title."""
    flows = [registry.latest(name).workflow for name in registry.workflow_names()]
    return sorted(((w.name, w.title) for w in flows), key=lambda pair: pair[1])


def state_choices(registry: DefinitionRegistry, workflow: str = "") -> list[tuple[str, str]]:
    """Return (state id, label) of the states of one workflow, or of all of them.

    One state id in several workflows is one choice: its labels are joined with " / ".
    """
    labels: dict[str, list[str]] = {}
    for flow in _workflows(registry, workflow):
        for state in flow.states.values():
            seen = labels.setdefault(state.id, [])
            if state.label not in seen:
                seen.append(state.label)
    return [(state, " / ".join(names)) for state, names in labels.items()]


def find(
    session: Session,
    registry: DefinitionRegistry,
    wanted: QueueFilter,
    user_id: int,
    today: date,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[QueueRow]:
    """Return the applications the filter asks for, the longest waiting first.

    Filtered, ordered and cut in SQL: a page reads its rows only.
    """
    return list(stream(session, registry, wanted, user_id, today, limit=limit, offset=offset))


def stream(
    session: Session,
    registry: DefinitionRegistry,
    wanted: QueueFilter,
    user_id: int,
    today: date,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[QueueRow]:
    """Yield the rows find() returns, read in batches: for an export of the whole queue.

    Consume it while the session is open.
    """
    query = _query(session, registry, wanted, user_id, today).offset(offset).limit(limit)
    found = session.execute(query.execution_options(yield_per=500))
    for application, organization, assignee in found:
        flow = registry.compiled(
            application.workflow, application.workflow_version, application.form_version
        ).workflow
        due = application.due_on
        yield QueueRow(
            application=application,
            workflow=flow,
            state=flow.states[application.state],
            organization=organization,
            assignee=assignee,
            overdue=due is not None and due < today,
            waiting_since=application.state_entered_at.date(),
        )


def count(
    session: Session,
    registry: DefinitionRegistry,
    wanted: QueueFilter,
    user_id: int,
    today: date,
) -> int:
    """Return how many applications the filter asks for."""
    query = _query(session, registry, wanted, user_id, today).order_by(None)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    return int(total or 0)


def decisions_for(rows: Iterable[QueueRow]) -> list[Decision]:
    """Return the union of the decisions staff may take on these rows, in file order.

    The union, not the intersection: a queue mixing workflows rarely has one decision
    common to all, and each selected application is judged on its own when fired.
    """
    found: dict[str, Decision] = {}
    strictness = ("none", "optional", "required")
    for row in rows:
        for t in staff_transitions(row.workflow, row.application.state):
            seen = found.get(t.trigger)
            if seen is None:
                found[t.trigger] = Decision(t.trigger, t.label, t.comment, 1)
                continue
            labels = seen.label.split(" / ")
            label = seen.label if t.label in labels else f"{seen.label} / {t.label}"
            comment = max(seen.comment, t.comment, key=strictness.index)
            found[t.trigger] = Decision(t.trigger, label, comment, seen.rows + 1)
    return list(found.values())


def _workflows(registry: DefinitionRegistry, name: str) -> list[WorkflowSpec]:
    names = registry.workflow_names()
    chosen = names if not name else [n for n in names if n == name]
    return [registry.latest(n).workflow for n in chosen]


def _query(
    session: Session, registry: DefinitionRegistry, wanted: QueueFilter, user_id: int, today: date
) -> Select[Application, Organization, User]:
    owner = aliased(User)
    assignee = aliased(User)
    flows = _workflows(registry, wanted.workflow)
    if wanted.state == WAITING:
        conditions = [_waiting(registry.versions_in_use(session), {w.name for w in flows})]
    else:
        conditions = [_state_condition(flows, wanted.state)]
    if wanted.provider.strip():
        text = wanted.provider.strip()
        conditions.append(
            or_(
                Organization.name.icontains(text, autoescape=True),
                func.lower(Organization.number) == text.lower(),
            )
        )
    if wanted.due_by is not None:
        conditions.append(Application.due_on <= wanted.due_by)
    if wanted.overdue:
        conditions.append(Application.due_on < today)
    if wanted.assigned == ME:
        conditions.append(Application.assigned_to_id == user_id)
    elif wanted.assigned == NOBODY:
        conditions.append(Application.assigned_to_id.is_(None))
    if wanted.search.strip():
        conditions.append(_search(wanted.search.strip(), owner))
    return (
        select(Application, Organization, assignee)
        .join(owner, Application.owner_id == owner.id)
        .outerjoin(Organization, Application.organization_id == Organization.id)
        .outerjoin(assignee, Application.assigned_to_id == assignee.id)
        .where(*conditions)
        .order_by(Application.state_entered_at, Application.id)
        # A list never shows the answers; a long queue need not carry them.
        .options(defer(Application.answers))
    )


def _waiting(
    in_use: Mapping[str, tuple[WorkflowSpec, ...]], names: set[str]
) -> ColumnElement[bool]:
    """Match what waits for staff, each application judged by the version it keeps."""
    per_flow = []
    for name in sorted(names):
        by_states: dict[frozenset[str], list[str]] = {}
        for spec in in_use.get(name, ()):
            states = frozenset(waiting_states(spec))
            if states:
                by_states.setdefault(states, []).append(spec.version)
        if len(by_states) == 1:
            # Every version waits in the same states: the usual case, and one index range.
            (states,) = by_states
            per_flow.append(and_(Application.workflow == name, Application.state.in_(states)))
        elif by_states:
            per_flow.append(
                and_(
                    Application.workflow == name,
                    or_(
                        *(
                            and_(
                                Application.workflow_version.in_(versions),
                                Application.state.in_(states),
                            )
                            for states, versions in by_states.items()
                        )
                    ),
                )
            )
    return or_(*per_flow) if per_flow else false()


def _state_condition(flows: Sequence[WorkflowSpec], state: str) -> ColumnElement[bool]:
    if not flows:
        return false()
    names = Application.workflow.in_([w.name for w in flows])
    return names if state == ANY_STATE else and_(names, Application.state == state)


def _search(text: str, owner: type[User]) -> ColumnElement[bool]:
    """Match a reference number (000012 or 12), title, provider, applicant name or email."""
    matches = [
        Application.title.icontains(text, autoescape=True),
        Organization.name.icontains(text, autoescape=True),
        owner.name.icontains(text, autoescape=True),
        owner.email.icontains(text, autoescape=True),
    ]
    digits = text.lstrip("#")
    if digits.isdigit() and 0 < int(digits) <= _MAX_ID:
        matches.append(Application.id == int(digits))
    return or_(*matches)
