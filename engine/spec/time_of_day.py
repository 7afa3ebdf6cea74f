"""Times of day: read the way people in the US type them, stored as 24-hour "HH:MM".

static/js/conditions.js mirrors `parse_time` (its minuteOfDay) so the browser and the
server agree on which typed text is a time; change both together.
"""

from __future__ import annotations

import re
from datetime import time

# "9:30 pm", "9pm", "9 p.m.", "12:15 PM", "14:30": hours, optional minutes, optional am/pm.
TIME_RE = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))? *(?:([AaPp])\.? *(?:[Mm]\.?)?)?")
_WORDS = {"noon": time(12, 0), "midnight": time(0, 0)}


def parse_time(raw: object) -> time | None:
    """Return the time of day a value stands for, or None if it is not one."""
    if isinstance(raw, time):
        return raw.replace(second=0, microsecond=0, tzinfo=None)
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if text.lower() in _WORDS:
        return _WORDS[text.lower()]
    match = TIME_RE.fullmatch(text)
    if match is None:
        return None
    hours, minutes, half = int(match[1]), int(match[2] or 0), match[3]
    if minutes > 59:
        return None
    if half is None:
        # Without AM or PM only the 24-hour clock is unambiguous, and it has minutes.
        return time(hours, minutes) if match[2] is not None and hours <= 23 else None
    if not 1 <= hours <= 12:
        return None
    # 12 AM is midnight and 12 PM is noon.
    return time(hours % 12 + (12 if half in "Pp" else 0), minutes)


def canonical(value: time) -> str:
    """Write a time as answers store it: "14:30"."""
    return f"{value.hour:02d}:{value.minute:02d}"


def format_time(value: time) -> str:
    """Write a time the way people in the US read it: "2:30 PM"."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"
