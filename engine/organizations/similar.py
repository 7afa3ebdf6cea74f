"""The start page's check for an approved provider like the one about to register.

Asked for by the workflow key `start: {check_similar_organizations: true}`: a GET form
(no script needed) takes the organization's name and lists the providers like it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from engine.organizations.directory import Listing, similar_providers
from engine.platform.services import services
from engine.spec.model import WorkflowSpec

FIELD = "organization_name"
MAX_NAME = 200


@dataclass(frozen=True)
class SimilarCheck:
    """The name checked (empty before any check), the providers like it, where to join."""

    name: str = ""
    found: tuple[Listing, ...] = ()
    # The workflow that asks to join a provider, when it is registered.
    join: str | None = None


def check_similar(workflow: WorkflowSpec) -> SimilarCheck | None:
    """Check the name in this request, or None when the workflow asks for no check."""
    if not workflow.start.check_similar_organizations:
        return None
    registry = services().registry
    join = workflow.start.ask_to_join
    join = join if join in registry.workflow_names() else None
    name = " ".join(request.args.get(FIELD, "").split())[:MAX_NAME]
    if not name:
        return SimilarCheck(join=join)
    with services().db.reading() as session:
        found = tuple(similar_providers(session, name))
    return SimilarCheck(name, found, join)
