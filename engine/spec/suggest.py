"""'Did you mean ...?': the closest known name to a misspelt one, for every message."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """Return "; did you mean 'x'?" for the closest candidate, or "" when none is close."""
    if not isinstance(word, str):
        return ""
    names = list(candidates)
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not close:  # difflib is case-sensitive: 'Approved' is not close to 'approved' alone
        close = [c for c in names if c.lower() == word.lower()]
    return f"; did you mean '{close[0]}'?" if close else ""
