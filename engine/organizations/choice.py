"""Which organization a new application is for or about (the workflow key `organization:`)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from engine.organizations import memberships as orgs
from engine.organizations.current import current_organization
from engine.platform.models import Organization
from engine.platform.services import services
from engine.spec.model import WorkflowSpec


@dataclass(frozen=True)
class OrganizationChoice:
    """The organization of a new application, the ones to pick from, and what stops it."""

    mode: str | None
    organization: Organization | None = None
    choices: tuple[Organization, ...] = ()
    # `chosen`: the posted choice is missing or unknown; the start page says so.
    problem: str | None = None
    # `member`: the person works for no active organization, so may not start one.
    refused: bool = False


def choose_organization(workflow: WorkflowSpec) -> OrganizationChoice:
    """Work out the organization from the workflow's mode and this request."""
    mode = workflow.organization
    if mode == "member":
        organization = current_organization()
        if organization is None or organization.status != orgs.ACTIVE:
            return OrganizationChoice(mode, refused=True)
        return OrganizationChoice(mode, organization)
    if mode != "chosen":
        return OrganizationChoice(mode)
    with services().db.reading() as session:
        choices = tuple(orgs.active_organizations(session))
    posted = request.method == "POST"
    # A link may name it (?organization=RUP-0001); the posted form always does.
    wanted = (request.form if posted else request.args).get("organization", "").strip().lower()
    found = next((o for o in choices if o.number.lower() == wanted), None)
    problem = "Choose the organization from the list." if posted and found is None else None
    return OrganizationChoice(mode, found, choices, problem)
