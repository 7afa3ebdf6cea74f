"""One list of action kinds: the meta-schema, the builder and the handlers all follow it."""

from __future__ import annotations

from engine.applications.actions import HANDLERS
from engine.spec.action_kinds import ACTION_KINDS, action_properties, unmatched_kinds
from engine.spec.messages import meta_schema


def test_every_kind_has_a_handler_and_every_handler_a_kind() -> None:
    assert unmatched_kinds(HANDLERS, "handler") == []
    assert list(HANDLERS) == list(ACTION_KINDS)


def test_a_kind_without_a_handler_or_a_handler_without_a_kind_is_named() -> None:
    table = {name: HANDLERS[name] for name in ACTION_KINDS if name != "owe"}
    table["webhook"] = HANDLERS["notify"]
    assert unmatched_kinds(table, "handler") == [
        "the action kind 'owe' has no handler",
        "the handler 'webhook' is for no action kind",
    ]


def test_the_meta_schema_lets_an_action_hold_the_keys_of_every_kind_in_order() -> None:
    properties = meta_schema("workflow")["$defs"]["action"]["properties"]
    assert properties == action_properties()
    assert list(properties) == [
        "notify",
        "template",
        "create_organization",
        "grant_membership",
        "owe",
        "cancel_obligations",
    ]


def test_each_kind_names_itself_first_and_needs_only_keys_it_brings() -> None:
    for name, kind in ACTION_KINDS.items():
        assert kind.name == name
        assert next(iter(kind.schema)) == name
        assert set(kind.needs) <= set(kind.schema) - {name}
