"""The applications a public listing page shows, read from the database.

SQL narrows the rows to the workflows that feed the page and the states they list in;
each application is then judged by its own pinned version (its `listing:` may differ
from today's) and its slots are filled from its answers with its own form version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.platform.definitions import DefinitionRegistry
from engine.platform.models import Application, Organization
from engine.runtime.listing_items import ListedItem, listed_item, provider_answer
from engine.spec.conditions import BusinessCalendar
from engine.spec.model import WorkflowSpec


@dataclass(frozen=True)
class FormatOption:
    """One choice of the format filter: the stored value and the label people read."""

    value: str
    label: str


def feeding(registry: DefinitionRegistry, page: str) -> list[WorkflowSpec]:
    """Return the current workflows whose `listing:` names this page."""
    specs = [registry.latest(name).workflow for name in registry.workflow_names()]
    return [s for s in specs if s.listing is not None and s.listing.page == page]


def page_names(registry: DefinitionRegistry) -> set[str]:
    """Return every page some current workflow lists on."""
    specs = [registry.latest(name).workflow for name in registry.workflow_names()]
    return {s.listing.page for s in specs if s.listing is not None}


def format_options(registry: DefinitionRegistry, page: str) -> list[FormatOption]:
    """Return the formats the page's workflows offer, each value once, in form order."""
    found: dict[str, str] = {}
    for spec in feeding(registry, page):
        listing = spec.listing  # always set: feeding() returns listed workflows only
        if listing is None or listing.format is None:
            continue
        form = registry.latest(spec.name).form
        for option in form.field(listing.format).options:
            found.setdefault(option.value, option.label)
    return [FormatOption(value, label) for value, label in found.items()]


def listed_items(
    session: Session,
    registry: DefinitionRegistry,
    page: str,
    today: date,
    calendar: BusinessCalendar | None = None,
) -> list[ListedItem]:
    """Return every application listed on this page now, with its slots filled."""
    specs = feeding(registry, page)
    if not specs:
        return []
    states = {state for s in specs if s.listing for state in s.listing.states}
    rows = session.scalars(
        select(Application)
        .where(Application.workflow.in_([s.name for s in specs]), Application.state.in_(states))
        .order_by(Application.id)
    ).all()
    organization_ids = {a.organization_id for a in rows if a.organization_id is not None}
    names = dict(
        session.execute(
            select(Organization.id, Organization.name).where(Organization.id.in_(organization_ids))
        ).all()
    )
    items = []
    for application in rows:
        compiled = registry.compiled(
            application.workflow, application.workflow_version, application.form_version
        )
        listing = compiled.workflow.listing
        if listing is None or listing.page != page or application.state not in listing.states:
            continue
        if listing.provider_is_organization:
            provider = names.get(application.organization_id or 0, "")
        else:
            provider = provider_answer(listing, application.answers)
        items.append(
            listed_item(
                application.id,
                listing,
                compiled.form,
                application.answers,
                provider,
                today,
                calendar,
            )
        )
    return items
