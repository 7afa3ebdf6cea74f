"""address: a US postal address asked as one question, with a part for each line.

The answer is stored as {street, street2, city, state, zip} (street2 only when given);
each part is its own input, named after the field (`mailing_address-city`), so an error
about a part is shown next to that part.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from engine.spec.fields.base import FieldType, FormData

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec

# The states, the District of Columbia and the territories, by their postal codes.
STATES: Mapping[str, str] = MappingProxyType(
    {
        "AL": "Alabama",
        "AK": "Alaska",
        "AZ": "Arizona",
        "AR": "Arkansas",
        "CA": "California",
        "CO": "Colorado",
        "CT": "Connecticut",
        "DE": "Delaware",
        "DC": "District of Columbia",
        "FL": "Florida",
        "GA": "Georgia",
        "HI": "Hawaii",
        "ID": "Idaho",
        "IL": "Illinois",
        "IN": "Indiana",
        "IA": "Iowa",
        "KS": "Kansas",
        "KY": "Kentucky",
        "LA": "Louisiana",
        "ME": "Maine",
        "MD": "Maryland",
        "MA": "Massachusetts",
        "MI": "Michigan",
        "MN": "Minnesota",
        "MS": "Mississippi",
        "MO": "Missouri",
        "MT": "Montana",
        "NE": "Nebraska",
        "NV": "Nevada",
        "NH": "New Hampshire",
        "NJ": "New Jersey",
        "NM": "New Mexico",
        "NY": "New York",
        "NC": "North Carolina",
        "ND": "North Dakota",
        "OH": "Ohio",
        "OK": "Oklahoma",
        "OR": "Oregon",
        "PA": "Pennsylvania",
        "RI": "Rhode Island",
        "SC": "South Carolina",
        "SD": "South Dakota",
        "TN": "Tennessee",
        "TX": "Texas",
        "UT": "Utah",
        "VT": "Vermont",
        "VA": "Virginia",
        "WA": "Washington",
        "WV": "West Virginia",
        "WI": "Wisconsin",
        "WY": "Wyoming",
        "AS": "American Samoa",
        "GU": "Guam",
        "MP": "Northern Mariana Islands",
        "PR": "Puerto Rico",
        "VI": "U.S. Virgin Islands",
    }
)
ZIP_PATTERN = r"^[0-9]{5}(?:-[0-9]{4})?$"
PARTS = ("street", "street2", "city", "state", "zip")
REQUIRED_PARTS = ("street", "city", "state", "zip")
# The browser's autocomplete token of each part (a field's `autocomplete:` is put in front,
# e.g. "shipping", to tell two addresses apart).
AUTOCOMPLETE = MappingProxyType(
    {
        "street": "address-line1",
        "street2": "address-line2",
        "city": "address-level2",
        "state": "address-level1",
        "zip": "postal-code",
    }
)
LABELS = MappingProxyType(
    {
        "street": "Street address",
        # Not "Street address line 2": a label that contains another's is ambiguous.
        "street2": "Apartment, suite or unit",
        "city": "City or town",
        "state": "State",
        "zip": "ZIP code",
    }
)
# The most characters a part may have; a ZIP+4 code has 10.
MAX_LENGTHS = MappingProxyType({"street": 200, "street2": 200, "city": 100, "zip": 10})
# How a message names a part: "the street address of “Business address”".
_NOUNS = {
    "street": "the street address",
    "street2": "the apartment, suite or unit",
    "city": "the city or town",
    "state": "the state",
    "zip": "the ZIP code",
}


class Address(FieldType):
    """A street, an optional second line, a city, a state and a ZIP code."""

    name = "address"
    # Conditions cannot look inside an address: they refuse it by this kind.
    kind = "address"
    family = "address"
    parts = PARTS
    # What the template shows: the states, each part's label, autocomplete and length.
    states = STATES
    labels = LABELS
    autocomplete = AUTOCOMPLETE
    max_lengths = MAX_LENGTHS

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return an object of the parts: the text ones bounded, the state one of STATES."""
        properties: dict[str, Any] = {
            part: {"type": "string", "minLength": 1, "maxLength": length}
            for part, length in MAX_LENGTHS.items()
            if part != "zip"
        }
        properties["state"] = {"enum": list(STATES)}
        properties["zip"] = {"type": "string", "pattern": ZIP_PATTERN}
        return {
            "type": "object",
            "properties": properties,
            "required": list(REQUIRED_PARTS),
            "additionalProperties": False,
        }

    def coerce(self, spec: FieldSpec, form: FormData, name: str) -> Any:
        """Read the parts; with nothing typed (a state picked alone is no address) it is None."""
        typed = {part: _trimmed(form.get(f"{name}-{part}")) for part in PARTS}
        if not any(typed[part] for part in PARTS if part != "state"):
            return None
        typed["state"] = typed["state"].upper()
        typed["zip"] = _zip(typed["zip"])
        return {part: value for part, value in typed.items() if value}

    def display(self, spec: FieldSpec, value: Any) -> str:
        """Write the address on one line: 120 Main Street, Suite 4, Helena, MT 59601."""
        if not isinstance(value, Mapping):
            return str(value)
        return ", ".join(line for line in address_lines(value) if line)

    def default_problem(self, value: Any, options: list[str]) -> str | None:
        """A default gives some of the parts, like {state: MT}."""
        fits = (
            isinstance(value, Mapping)
            and all(key in PARTS and isinstance(text, str) for key, text in value.items())
            and value.get("state") in (None, *STATES)
        )
        return None if fits else "some of the address's parts, like {state: MT}"

    def stored(self, value: Any) -> Any:
        """Store a written default as a plain dict."""
        return dict(value) if isinstance(value, Mapping) else value

    def part_message(self, spec: FieldSpec, part: str, rule: str, limit: object) -> str:
        """Say what is wrong with one part, naming the address by its label."""
        label = spec.label.rstrip(" ?:")
        noun = _NOUNS.get(part, "the address")
        if rule == "required":
            verb = "Select" if part == "state" else "Enter"
            return f"{verb} {noun} of “{label}”."
        if part == "zip":
            return f"Enter the ZIP code of “{label}” like 59601 or 59601-1234."
        if part == "state":
            return f"Select the state of “{label}” from the list."
        if rule == "max_length":
            return f"{noun.capitalize()} of “{label}” must be {limit} characters or fewer."
        return f"Check {noun} of “{label}”."


def address_lines(value: Mapping[str, Any]) -> tuple[str, str]:
    """Return the two lines of an address: the street (with line 2), and city, state and ZIP."""
    street = ", ".join(_text(value, p) for p in ("street", "street2") if _text(value, p))
    place = " ".join(p for p in (_text(value, "state"), _text(value, "zip")) if p)
    city = _text(value, "city")
    return street, ", ".join(p for p in (city, place) if p)


def _text(value: Mapping[str, Any], part: str) -> str:
    found = value.get(part)
    return found.strip() if isinstance(found, str) else ""


def _trimmed(raw: Any) -> str:
    return " ".join(str(raw).split()) if raw is not None else ""


def _zip(typed: str) -> str:
    # "59601 - 1234" and "596011234" are ZIP+4 codes as people type them.
    text = re.sub(r" ?- ?", "-", typed)
    return f"{text[:5]}-{text[5:]}" if re.fullmatch(r"[0-9]{9}", text) else text


TYPE = Address()
