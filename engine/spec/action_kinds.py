"""Every kind of action a workflow may name, in one list: what its YAML may hold (the
meta-schema's part for it), the keys it needs, and how it is checked and built.

The workflow meta-schema's `action` is filled in from this list, the workflow builder
looks kinds up here, and the runtime's handlers (engine.applications.actions) must be
keyed by exactly these names: adding a kind is one entry here and one handler there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

from engine.spec.build_actions import new_organization, person_fields
from engine.spec.model import (
    NOTIFY_TARGETS,
    FormSpec,
    NewOrganization,
    ObligationSpec,
    PersonFields,
)
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import JsonPath

# What an action of some kind keeps besides its raw YAML: the typed settings of the kinds
# that have more than a few words, so handlers never read the raw block.
Details = NewOrganization | PersonFields | None


class ActionChecks(Protocol):
    """What a kind's builder may read of the workflow being built, and how it reports."""

    @property
    def form(self) -> FormSpec | None:
        """The workflow's form, or None when it is missing or broken (reported already)."""

    @property
    def obligations(self) -> Mapping[str, ObligationSpec]:
        """The workflow's obligations by id."""

    def error(self, path: JsonPath, message: str, *, at_key: bool = False) -> None:
        """Report one problem at the value (or the key) at `path`."""

    def check_template(self, name: str, path: JsonPath) -> None:
        """Report an email template that does not exist."""

    def needs_organization(self, path: JsonPath, what: str, *, at_key: bool = False) -> None:
        """Report `what` when the workflow says nothing of organizations."""


# Checks an action (its whole YAML block) of one kind; returns its typed settings.
Build = Callable[[Mapping[str, Any], JsonPath, ActionChecks], Details]


@dataclass(frozen=True)
class ActionKind:
    """One kind of action: its name (the action's first key) and all the spec knows of it."""

    name: str
    # The meta-schema of the keys this kind brings to an action, its own name first.
    schema: Mapping[str, Any]
    build: Build
    # Keys an action of this kind must have besides its name (e.g. notify's template).
    needs: tuple[str, ...] = ()


def _notify(raw: Mapping[str, Any], path: JsonPath, checks: ActionChecks) -> Details:
    if "template" in raw:
        checks.check_template(raw["template"], (*path, "template"))
    if raw["notify"] == "manager":
        checks.needs_organization((*path, "notify"), "notifying the 'manager'")
    return None


def _create_organization(raw: Mapping[str, Any], path: JsonPath, checks: ActionChecks) -> Details:
    at = (*path, "create_organization")
    return new_organization(raw["create_organization"], at, checks.form, checks.error)


def _grant_membership(raw: Mapping[str, Any], path: JsonPath, checks: ActionChecks) -> Details:
    at = (*path, "grant_membership")
    checks.needs_organization(at, "'grant_membership'", at_key=True)
    return person_fields(raw["grant_membership"], at, checks.form, checks.error)


def _names_obligation(kind: str) -> Build:
    """Return the builder of a kind whose value is the id of one of the workflow's obligations."""

    def build(raw: Mapping[str, Any], path: JsonPath, checks: ActionChecks) -> Details:
        if raw[kind] not in checks.obligations:
            checks.error(
                (*path, kind),
                f"there is no obligation '{raw[kind]}' under 'obligations:'"
                f"{did_you_mean(raw[kind], checks.obligations)}",
            )
        return None

    return build


_ID = {"$ref": "#/$defs/id"}

# Every kind, in the order messages list them ("it can have: notify, template, ...").
ACTION_KINDS: Mapping[str, ActionKind] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            ActionKind(
                "notify",
                {
                    "notify": {
                        "enum": list(NOTIFY_TARGETS),
                        "description": "Send an email to the applicant, the reviewers, the "
                        "administrators, or the account manager of the application's "
                        "organization.",
                    },
                    "template": {
                        **_ID,
                        "description": "notify: the email template, templates/emails/NAME.txt.",
                    },
                },
                _notify,
                needs=("template",),
            ),
            ActionKind(
                "create_organization",
                {"create_organization": {"$ref": "#/$defs/new_organization"}},
                _create_organization,
            ),
            ActionKind(
                "grant_membership",
                {
                    "grant_membership": {
                        "$ref": "#/$defs/person",
                        "description": "Give the person named in the answers a login on the "
                        "application's organization, and email them how to sign in.",
                    }
                },
                _grant_membership,
            ),
            ActionKind(
                "owe",
                {
                    "owe": {
                        **_ID,
                        "description": "Create (or bring up to date) what the applicant owes "
                        "under this obligation, from the current answers.",
                    }
                },
                _names_obligation("owe"),
            ),
            ActionKind(
                "cancel_obligations",
                {
                    "cancel_obligations": {
                        **_ID,
                        "description": "Cancel what is still open under this obligation.",
                    }
                },
                _names_obligation("cancel_obligations"),
            ),
        )
    }
)


def action_properties() -> dict[str, Any]:
    """Return the meta-schema properties of an action: every kind's keys, in order."""
    properties: dict[str, Any] = {}
    for kind in ACTION_KINDS.values():
        properties.update(kind.schema)
    return properties


def unmatched_kinds(table: Mapping[str, object], what: str) -> list[str]:
    """Return what does not match between the action kinds and a table of `what` by kind."""
    problems = [f"the action kind '{k}' has no {what}" for k in ACTION_KINDS if k not in table]
    problems += [f"the {what} '{k}' is for no action kind" for k in table if k not in ACTION_KINDS]
    return problems
