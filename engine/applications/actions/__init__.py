"""Side-effect handlers named in workflow YAML, looked up by action kind."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from sqlalchemy.orm import Session

from engine.applications.actions.context import ActionContext
from engine.applications.actions.create_organization import create_organization
from engine.applications.actions.grant_membership import grant_membership
from engine.applications.actions.notify import notify
from engine.applications.actions.owe import cancel_obligations, owe
from engine.spec.action_kinds import unmatched_kinds
from engine.spec.model import ActionSpec

Handler = Callable[[Session, ActionSpec, ActionContext], None]

# One handler per action kind of engine.spec.action_kinds, by the same name.
HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "notify": notify,
        "create_organization": create_organization,
        "grant_membership": grant_membership,
        "owe": owe,
        "cancel_obligations": cancel_obligations,
    }
)

# A kind the loader accepts but nothing runs (or the reverse) is a bug: stop at start-up.
_UNMATCHED = unmatched_kinds(HANDLERS, "handler")
if _UNMATCHED:
    raise RuntimeError(
        "the action handlers do not match the action kinds: " + "; ".join(_UNMATCHED)
    )


def run_actions(session: Session, actions: tuple[ActionSpec, ...], ctx: ActionContext) -> None:
    """Run each action's handler inside the caller's transaction."""
    for action in actions:
        HANDLERS[action.kind](session, action, ctx)
