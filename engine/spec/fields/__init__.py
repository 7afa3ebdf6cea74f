"""The registry of field types: one module per type, each declaring all about its type.

To add a type, write its module (a FieldType named TYPE), add its TYPE to _TYPES,
write templates/fields/<name>.html and add the name to the form meta-schema's list
(engine/spec/schemas/form.schema.json; a unit test keeps the two in step). See
docs/field-types.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from engine.spec.fields import (
    address,
    attestation,
    choice,
    date,
    decimal,
    email,
    group,
    long_text,
    multiple_choice,
    phone,
    text,
    time,
    url,
    whole_number,
    yes_no,
)
from engine.spec.fields.base import FieldType, FormData

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec

__all__ = ["FIELD_TYPES", "FieldType", "FormData", "field_schema", "field_type"]

# In the order the reference lists them (and the meta-schema's enum).
_TYPES: tuple[FieldType, ...] = (
    text.TYPE,
    long_text.TYPE,
    email.TYPE,
    phone.TYPE,
    url.TYPE,
    whole_number.TYPE,
    decimal.TYPE,
    date.TYPE,
    time.TYPE,
    choice.TYPE,
    multiple_choice.TYPE,
    yes_no.TYPE,
    attestation.TYPE,
    address.TYPE,
    group.TYPE,
)
FIELD_TYPES: Mapping[str, FieldType] = MappingProxyType({t.name: t for t in _TYPES})


def field_type(name: str) -> FieldType:
    """Return the field type of this name (the meta-schema admits no other)."""
    return FIELD_TYPES[name]


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """Return the JSON Schema of one field's answer."""
    return FIELD_TYPES[spec.type].schema(spec)
