"""group: questions asked once per item, repeated with "add another".

A group is the one type that holds other fields: its answer is a list of item dicts,
read item by item (engine/runtime/answers.py read_page) rather than by `coerce`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.spec.fields.base import FieldType

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec


class Group(FieldType):
    """A list of items, each a dict of its questions' answers."""

    name = "group"
    kind = "group"
    family = "group"
    keys = frozenset({"fields", "repeat", "rules"})
    messages = {"required": "Add at least one entry to “{label}”."}

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return an array of item objects, with the repeat's limits."""
        # Imported here: the registry imports this module, and a group's items are made
        # of the other types.
        from engine.spec.fields import field_schema

        item = {
            "type": "object",
            "properties": {sub.id: field_schema(sub) for sub in spec.fields},
            "required": [sub.id for sub in spec.fields if sub.required],
        }
        schema: dict[str, Any] = {"type": "array", "items": item}
        if spec.repeat:
            schema["maxItems"] = spec.repeat.max
            if spec.required:
                schema["minItems"] = spec.repeat.min
        return schema


TYPE = Group()
