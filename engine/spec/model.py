"""Frozen, typed spec objects: what the runtime reads instead of raw YAML."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from engine.spec.conditions import Condition
from engine.spec.fields import FIELD_TYPES as _REGISTERED_TYPES

# The type names, in the registry's order (engine/spec/fields; the meta-schema lists them).
FIELD_TYPES = tuple(_REGISTERED_TYPES)
ROLES = ("applicant", "reviewer", "admin", "manager", "system")
COMMENT_MODES = ("none", "optional", "required")
NOTIFY_TARGETS = ("applicant", "reviewers", "admins", "manager")
# How an application relates to an organization (the workflow key `organization:`):
# member: filed on behalf of the organization its starter works for, shared by its people;
# chosen: about an organization picked when it starts (e.g. a request to join it).
ORGANIZATION_MODES = ("member", "chosen")
# `listing: provider: organization` shows the application's organization as the provider.
PROVIDER_ORGANIZATION = "organization"

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Location:
    """Where something was written: file, 1-based line and column."""

    file: str
    line: int
    column: int


@dataclass(frozen=True)
class Option:
    """One choice of a choice or multiple-choice field."""

    value: str
    label: str


@dataclass(frozen=True)
class Repeat:
    """How a repeating group repeats ("add another")."""

    min: int
    max: int
    add_label: str
    item_label: str


@dataclass(frozen=True)
class Rule:
    """A cross-field check: when `when` holds (or always), `check` must hold."""

    check: Condition
    message: str
    field: str
    when: Condition | None = None
    where: Location | None = None


@dataclass(frozen=True)
class FieldSpec:
    """One question of a form, or a group of questions."""

    id: str
    type: str
    label: str
    hint: str | None = None
    required: bool = False
    require_if: Condition | None = None
    show_if: Condition | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    pattern: str | None = None
    options: tuple[Option, ...] = ()
    widget: str | None = None
    default: Any = None
    autocomplete: str | None = None
    messages: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    fields: tuple[FieldSpec, ...] = ()
    repeat: Repeat | None = None
    rules: tuple[Rule, ...] = ()
    where: Location | None = None

    @property
    def is_group(self) -> bool:
        """Tell whether this field holds other fields."""
        return self.type == "group"

    def option_label(self, value: object) -> str | None:
        """Return the label shown for a stored option value."""
        for option in self.options:
            if option.value == value:
                return option.label
        return None


@dataclass(frozen=True)
class PageSpec:
    """One page of a multi-page form."""

    id: str
    title: str
    fields: tuple[FieldSpec, ...]
    intro: str | None = None
    where: Location | None = None


@dataclass(frozen=True)
class FormSpec:
    """A whole form, frozen at load and identified by name and content hash."""

    name: str
    title: str
    pages: tuple[PageSpec, ...]
    version: str
    source: str
    description: str | None = None
    rules: tuple[Rule, ...] = ()
    where: Location | None = None

    def fields(self) -> Iterator[FieldSpec]:
        """Yield the top-level fields of every page, in order."""
        for page in self.pages:
            yield from page.fields

    def field(self, field_id: str) -> FieldSpec:
        """Return the top-level field with this id (KeyError if none)."""
        for spec in self.fields():
            if spec.id == field_id:
                return spec
        raise KeyError(field_id)

    def page(self, page_id: str) -> PageSpec:
        """Return the page with this id (KeyError if none)."""
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(page_id)

    def page_of(self, field_id: str) -> PageSpec:
        """Return the page that holds this top-level field."""
        for page in self.pages:
            if any(f.id == field_id for f in page.fields):
                return page
        raise KeyError(field_id)


@dataclass(frozen=True)
class Due:
    """A deadline counted from entering a state."""

    days: int
    business: bool


@dataclass(frozen=True)
class StartSpec:
    """What the start page shows before the form: the workflow key `start:`."""

    # List approved providers with a name like the one typed, before "Start now".
    check_similar_organizations: bool = False
    # The workflow each similar provider links to, to ask to join its account.
    ask_to_join: str | None = None


@dataclass(frozen=True)
class ListingDates:
    """Where a listing finds an item's dates: a repeating group and questions inside it."""

    group: str
    date: str
    units: str | None = None
    times: str | None = None  # a text question with the times, "9:00 AM to 3:30 PM"
    starts: str | None = None  # or time questions: when it starts and ends that day
    ends: str | None = None


@dataclass(frozen=True)
class ListingSelfPaced:
    """Where a listing finds when a self-paced item is available, and its units."""

    start: str
    until: str | None = None
    units: str | None = None


@dataclass(frozen=True)
class ListingContact:
    """Which questions give the contact person shown with a listed item."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class CertificatesSpec:
    """Certificates of attendance for a workflow's events: the workflow key `certificates:`."""

    # The states in which attendees may be listed and certificates issued.
    states: tuple[str, ...]
    # The layout file: templates/certificates/<layout>.yaml.
    layout: str
    # What is printed as the provider's number: None for the organization's own number.
    provider_number: str | None = None


@dataclass(frozen=True)
class ListingSpec:
    """How a workflow's applications appear on a public page: the workflow key `listing:`."""

    page: str
    states: tuple[str, ...]
    title: str
    # PROVIDER_ORGANIZATION (the application's organization), or a question's id.
    provider: str
    description: str | None = None
    format: str | None = None
    dates: ListingDates | None = None
    self_paced: ListingSelfPaced | None = None
    location: str | None = None
    link: str | None = None
    contact: ListingContact | None = None
    where: Location | None = None

    @property
    def provider_is_organization(self) -> bool:
        """Tell whether the provider shown is the application's organization."""
        return self.provider == PROVIDER_ORGANIZATION


@dataclass(frozen=True)
class StateSpec:
    """One state of a workflow."""

    id: str
    label: str
    description: str | None = None
    editable: bool = False
    final: bool = False
    due: Due | None = None
    where: Location | None = None


@dataclass(frozen=True)
class Guard:
    """A condition that must hold for a transition, and what to say when it does not."""

    when: Condition
    message: str
    where: Location | None = None
    # Staff roles that may go ahead although the guard fails, giving a written reason.
    override: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonFields:
    """Which questions of the form give a person's full name and email address."""

    name: str
    email: str


@dataclass(frozen=True)
class PeopleGroup:
    """A repeating group of the form whose items each name a person."""

    group: str
    person: PersonFields


@dataclass(frozen=True)
class NewOrganization:
    """How `create_organization` makes an organization from the answers."""

    name: str
    prefix: str
    digits: int
    manager: PersonFields
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    users: PeopleGroup | None = None


@dataclass(frozen=True)
class EachItem:
    """One obligation per item of a repeating group, counted from a date in the item."""

    group: str
    date: str
    label: str | None = None


@dataclass(frozen=True)
class Periods:
    """One obligation per period of `months`, from one date field until another (or on)."""

    months: int
    start: str
    until: str | None = None


@dataclass(frozen=True)
class Reminders:
    """Which emails remind the applicant of an open obligation, and when."""

    days_before: tuple[int, ...] = ()
    before_template: str | None = None
    due_template: str | None = None
    overdue_template: str | None = None


@dataclass(frozen=True)
class Reconcile:
    """A count report checked against the certificates issued: the count, and the reason."""

    # The whole_number question pre-filled with the number issued ...
    field: str
    # ... and the question that must say why, when the number filed differs.
    reason: str


@dataclass(frozen=True)
class ObligationSpec:
    """Something the applicant owes after the event: a form to file by a due date."""

    name: str
    label: str
    form: str
    due: Due
    each_item: EachItem | None = None
    periods: Periods | None = None
    reminders: Reminders = Reminders()
    reconcile: Reconcile | None = None
    where: Location | None = None


@dataclass(frozen=True)
class ActionSpec:
    """A side effect named in YAML, run by the handler registered for `kind`."""

    kind: str
    params: Mapping[str, Any]
    where: Location | None = None
    # The typed settings of kinds that have more than a few words (create_organization,
    # grant_membership), so handlers never read the raw YAML block.
    details: NewOrganization | PersonFields | None = None


@dataclass(frozen=True)
class TransitionSpec:
    """One way to move an application from some states to another."""

    trigger: str
    label: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    form: str | None = None
    guards: tuple[Guard, ...] = ()
    comment: str = "none"
    actions: tuple[ActionSpec, ...] = ()
    where: Location | None = None
    # The reasons the person acting must choose one of (id and words), in file order.
    reasons: tuple[Option, ...] = ()

    def reason_label(self, reason: str) -> str:
        """Return the words of one of this transition's reasons (the id if it is gone)."""
        return next((r.label for r in self.reasons if r.value == reason), reason)


@dataclass(frozen=True)
class UpgradeSpec:
    """How applications under way move onto this version (the workflow key `upgrade:`)."""

    # A state of an earlier version -> the state of this version it moves to. A state
    # not named here keeps its name, so it must still exist.
    states: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # A question of an earlier version -> the question of this version it became: the
    # answer is carried over (the old one is kept too, unseen).
    questions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # A question of this version's form -> the answer given to applications without one.
    answers: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # Why they move, written into each application's history.
    note: str | None = None
    where: Location | None = None


@dataclass(frozen=True)
class WorkflowSpec:
    """A whole workflow, frozen at load and identified by name and content hash."""

    name: str
    title: str
    form: str
    initial: str
    states: Mapping[str, StateSpec]
    transitions: tuple[TransitionSpec, ...]
    version: str
    source: str
    description: str | None = None
    retention_years: int | None = None
    # One of ORGANIZATION_MODES, or None when applications belong to one person only.
    organization: str | None = None
    obligations: Mapping[str, ObligationSpec] = field(default_factory=lambda: MappingProxyType({}))
    start: StartSpec = field(default_factory=StartSpec)
    listing: ListingSpec | None = None
    certificates: CertificatesSpec | None = None
    upgrade: UpgradeSpec | None = None
    where: Location | None = None

    def transitions_from(self, state: str) -> tuple[TransitionSpec, ...]:
        """Return the transitions that may leave this state, in file order."""
        return tuple(t for t in self.transitions if state in t.sources)

    def transition(self, trigger: str, state: str) -> TransitionSpec | None:
        """Return the transition for this trigger from this state, if any."""
        for t in self.transitions:
            if t.trigger == trigger and state in t.sources:
                return t
        return None
