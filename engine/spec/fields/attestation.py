"""attestation: a box to tick to confirm a statement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.spec.fields.base import FieldType, FormData

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec


class Attestation(FieldType):
    """True when ticked; a required one must be ticked."""

    name = "attestation"
    kind = "boolean"
    family = "attestation"
    messages = {"required": "Tick the box to confirm: “{label}”"}
    # An unticked required box fails its `const: true`, or its type: either way, "required".
    schema_rules = {"type": "required"}

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return true only when required, else a boolean."""
        return {"const": True} if spec.required else {"type": "boolean"}

    def coerce(self, spec: FieldSpec, form: FormData, name: str) -> Any:
        """An unticked box posts nothing; store False so server and browser agree."""
        return form.get(name) == "yes"

    def display(self, spec: FieldSpec, value: Any) -> str:
        """Say Confirmed when ticked."""
        return "Confirmed" if value is True else ""

    def default_problem(self, value: Any, options: list[str]) -> str | None:
        """A default must be true or false."""
        return None if isinstance(value, bool) else "true or false"


TYPE = Attestation()
