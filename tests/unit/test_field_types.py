"""The registry of field types agrees with the meta-schema, conditions and templates."""

from __future__ import annotations

import json
from pathlib import Path

from engine.spec.conditions_parse import KINDS
from engine.spec.fields import FIELD_TYPES
from engine.spec.model import FIELD_TYPES as TYPE_NAMES

ROOT = Path(__file__).resolve().parents[2]


def test_the_meta_schema_lists_the_registered_types_in_order() -> None:
    schema = json.loads((ROOT / "engine" / "spec" / "schemas" / "form.schema.json").read_text())
    assert schema["$defs"]["field"]["properties"]["type"]["enum"] == list(FIELD_TYPES)
    assert TYPE_NAMES == tuple(FIELD_TYPES)


def test_every_type_is_named_by_its_own_name_and_has_a_template() -> None:
    for name, kind in FIELD_TYPES.items():
        assert kind.name == name
        assert (ROOT / "templates" / kind.template).is_file(), kind.template


def test_conditions_know_the_kind_of_every_type() -> None:
    assert {kind.kind for kind in FIELD_TYPES.values()} <= set(KINDS)


def test_every_type_is_named_in_lint_messages() -> None:
    assert all(kind.family for kind in FIELD_TYPES.values())
