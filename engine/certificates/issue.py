"""Issuing an event's certificates as its workflow declares: who may attend which dates,
and what each certificate prints, from the event's listing and the dates attended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from engine.certificates import issued as certs
from engine.platform.definitions import Compiled, DefinitionRegistry
from engine.platform.models import Application, Certificate, Organization, User
from engine.runtime.certificate_details import attendance, event_details
from engine.runtime.listing_items import ListedItem, listed_item, provider_answer
from engine.runtime.reference import reference
from engine.runtime.roster import Attendee
from engine.spec.conditions import BusinessCalendar
from engine.spec.model import CertificatesSpec


class NotIssuable(Exception):
    """This application cannot have certificates now; the message says why."""


@dataclass(frozen=True)
class EventForCertificates:
    """An event as its certificates see it: its listing, and the dates one may attend."""

    application: Application
    compiled: Compiled
    spec: CertificatesSpec
    item: ListedItem
    # The dates attendees may name, already held (none for a self-paced course) ...
    dates: tuple[date, ...]
    # ... the dates still to come, which nobody can have attended yet ...
    later: tuple[date, ...]
    # ... or, for a self-paced course, the first and last day it could be completed.
    completed: tuple[date, date] | None

    @property
    def open(self) -> bool:
        """Tell whether certificates may be issued in the application's state now."""
        return self.application.state in self.spec.states


def event_for(
    session: Session,
    registry: DefinitionRegistry,
    application: Application,
    today: date,
    calendar: BusinessCalendar | None = None,
) -> EventForCertificates | None:
    """Return the event behind an application, or None if its workflow has no certificates."""
    compiled = registry.compiled(
        application.workflow, application.workflow_version, application.form_version
    )
    spec = compiled.workflow.certificates
    listing = compiled.workflow.listing
    if spec is None or listing is None:
        return None
    if listing.provider_is_organization:
        organization = session.get(Organization, application.organization_id or 0)
        provider = organization.name if organization else ""
    else:
        provider = provider_answer(listing, application.answers)
    item = listed_item(
        application.id, listing, compiled.form, application.answers, provider, today, calendar
    )
    # Only dates already held can have been attended.
    dates = tuple(d.day for d in item.dates if d.day <= today)
    later = tuple(d.day for d in item.dates if d.day > today)
    completed = None
    if not item.dates and item.available_from is not None:
        until = min(item.available_until or today, today)
        completed = (item.available_from, until)
    return EventForCertificates(application, compiled, spec, item, dates, later, completed)


def issue_for(
    session: Session,
    event: EventForCertificates,
    attendees: list[Attendee],
    by: User | None,
    today: date,
    now: datetime,
    verify_base: str,
) -> list[Certificate]:
    """Issue certificates to checked attendees of an open event, in one transaction."""
    if not event.open:
        label = event.compiled.workflow.states[event.application.state].label
        raise NotIssuable(f"Certificates cannot be issued while the event is: {label}.")
    if event.spec.provider_number is not None:
        number = event.spec.provider_number
    else:
        organization = session.get(Organization, event.application.organization_id or 0)
        number = organization.number if organization else ""
    details = event_details(event.item, number, reference(event.application.id), today)
    own = {}
    for attendee in attendees:
        dates, units = attendance(event.item, attendee.attended)
        own[attendee] = {"dates": dates, "units": units}
    return certs.issue(session, event.application, attendees, own, details, by, now, verify_base)
