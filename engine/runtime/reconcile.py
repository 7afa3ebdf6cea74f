"""A certificate count checked against the certificates issued in the system. Pure.

The report form is filled in with the number issued; a provider may report another
number (certificates issued on paper, say), but then must say why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.runtime.validation import AnswerError
from engine.spec.model import Reconcile

RULE = "reconcile"


def certificates(n: int) -> str:
    """Write a number of certificates: 1 certificate, 23 certificates."""
    return f"{n} certificate" if n == 1 else f"{n} certificates"


def span_word(key: str) -> str:
    """Return what an owed item is for, as read in a sentence: 'this date' or 'this period'."""
    return "this period" if key.startswith("period:") else "this date"


def notice(issued: int, key: str) -> str:
    """Return the sentence shown beside the pre-filled count."""
    return f"You issued {certificates(issued)} for {span_word(key)} in the system."


def errors(
    spec: Reconcile,
    answers: Mapping[str, Any],
    issued: int,
    key: str,
    found: Sequence[AnswerError] = (),
) -> list[AnswerError]:
    """Return the error on the reason question when the count differs and no reason is given.

    `found` are the form's own errors: a count that is itself wrong is fixed first, so
    no reason is asked for a number that will change anyway.
    """
    if any(e.field_id == spec.field for e in found):
        return []
    reported = answers.get(spec.field)
    reason = answers.get(spec.reason)
    if not isinstance(reported, int) or reported == issued:
        return []
    if isinstance(reason, str) and reason.strip():
        return []
    message = (
        f"You issued {certificates(issued)} for {span_word(key)} here. "
        "Say why the number you report is different."
    )
    return [AnswerError(spec.reason, spec.reason, RULE, message)]


def checked(spec: Reconcile, answers: Mapping[str, Any], issued: int) -> dict[str, Any]:
    """Return what is kept with the filed report: the numbers issued and reported, the reason."""
    reason = answers.get(spec.reason)
    return {
        "issued": issued,
        "reported": answers.get(spec.field),
        "reason": reason.strip() if isinstance(reason, str) else "",
    }
