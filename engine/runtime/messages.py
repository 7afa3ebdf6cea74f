"""The keyed catalogue of what applicants read when an answer needs fixing.

A form field may override any of these with `messages: {rule: text}` in its YAML.
"""

from __future__ import annotations

from engine.spec.fields import FIELD_TYPES
from engine.spec.model import FieldSpec

# {label} is the field's label; {limit} the number in the rule. A type words some rules
# its own way (its `messages`), keyed here as rule.type, e.g. "required.choice".
_GENERAL: dict[str, str] = {
    "required": "Enter “{label}”.",
    "min_length": "“{label}” must be {limit} characters or more.",
    "max_length": "“{label}” must be {limit} characters or fewer.",
    "pattern": "“{label}” is not in the right format.",
    "type": "“{label}” is not a valid answer.",
    "min": "“{label}” must be {limit} or more.",
    "max": "“{label}” must be {limit} or less.",
    "step": "“{label}” must be in steps of {limit}.",
    "option": "Select one of the options for “{label}”.",
    "min_items": "Add at least {limit} of “{label}”.",
    "max_items": "You can add at most {limit} of “{label}”.",
}
CATALOGUE: dict[str, str] = {
    **_GENERAL,
    **{
        f"{rule}.{name}": text
        for name, kind in FIELD_TYPES.items()
        for rule, text in kind.messages.items()
    },
}


def message_for(spec: FieldSpec, rule: str, limit: object = None) -> str:
    """Return the message for a broken rule, preferring the field's own YAML wording."""
    if rule in spec.messages:
        return spec.messages[rule]
    text = CATALOGUE.get(f"{rule}.{spec.type}") or CATALOGUE.get(rule) or CATALOGUE["type"]
    return text.format(label=spec.label.rstrip(" ?:"), limit=_show(limit))


def _show(limit: object) -> str:
    if isinstance(limit, float) and limit.is_integer():
        return str(int(limit))
    return "" if limit is None else str(limit)
