"""The keyed catalogue of what applicants read when an answer needs fixing.

A form field may override any of these with `messages: {rule: text}` in its YAML.
"""

from __future__ import annotations

from engine.spec.model import FieldSpec

# {label} is the field's label; {limit} the number in the rule.
CATALOGUE: dict[str, str] = {
    "required": "Enter “{label}”.",
    "required.choice": "Select an option for “{label}”.",
    "required.multiple_choice": "Select at least one option for “{label}”.",
    "required.yes_no": "Select yes or no for “{label}”.",
    "required.attestation": "Tick the box to confirm: “{label}”",
    "required.date": "Enter a date for “{label}”.",
    "required.group": "Add at least one entry to “{label}”.",
    "min_length": "“{label}” must be {limit} characters or more.",
    "max_length": "“{label}” must be {limit} characters or fewer.",
    "pattern": "“{label}” is not in the right format.",
    "pattern.email": "Enter an email address in the right format, like name@example.org.",
    "pattern.phone": "Enter a phone number with its area code, like 406 444 3095.",
    "pattern.url": "Enter a web address that starts with https:// or http://.",
    "type.whole_number": "“{label}” must be a whole number, like 12.",
    "type.decimal": "“{label}” must be a number, like 1.5.",
    "type.date": "“{label}” must be a real date.",
    "type": "“{label}” is not a valid answer.",
    "min": "“{label}” must be {limit} or more.",
    "max": "“{label}” must be {limit} or less.",
    "step": "“{label}” must be in steps of {limit}.",
    "option": "Select one of the options for “{label}”.",
    "min_items": "Add at least {limit} of “{label}”.",
    "max_items": "You can add at most {limit} of “{label}”.",
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
