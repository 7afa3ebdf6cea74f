"""Find names that match a search despite typos, accents and missing or extra words.

Pure: no Flask, no database. Names are split into normalised words (cached, so a list
fetched on every request costs a dictionary lookup per name); each word of the search
is compared once with each distinct word of the list, then every name is scored from
those comparisons. That keeps a search over a few thousand names to milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

# Words that say nothing about which organization is meant.
STOP_WORDS = frozenset(
    "a an and the of for at in on to co corp corporation inc incorporated llc ltd "
    "company pllc".split()
)
# Two words this alike count as the same word misspelled ("teachr" and "teacher" ~0.92).
WORD_THRESHOLD = 0.8
# A name matches when, on average, the search's words match this well.
MATCH_THRESHOLD = 0.6
# A search word that begins a longer word ("flat" in "flathead") is a partial word.
MIN_PARTIAL = 3
PARTIAL_SCORE = 0.9
INSIDE_SCORE = 0.85

_APOSTROPHES = re.compile(r"['\u2019`]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Match:
    """One name that matches: its position in the list searched, and how well (0 to 1)."""

    index: int
    score: float


@lru_cache(maxsize=50_000)
def words(text: str) -> tuple[str, ...]:
    """Split a name into lower-case words without accents, punctuation or stop words."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    # "O'Brien" is one word, "K-12" two.
    found = _NOT_WORD.sub(" ", _APOSTROPHES.sub("", plain)).split()
    kept = tuple(w for w in found if w not in STOP_WORDS)
    return kept or tuple(found)


@lru_cache(maxsize=50_000)
def _code(text: str) -> str:
    # Numbers compare letters and digits only: "RUP-0002", "rup 0002" and "RUP0002" agree.
    return _NOT_WORD.sub("", text.casefold())


def clear_cache() -> None:
    """Forget the words of every name seen (for measuring a first request)."""
    words.cache_clear()
    _code.cache_clear()


def word_similarity(typed: str, word: str) -> float:
    """Tell how alike a typed word is to a word of a name, from 0 to 1."""
    return _alike(typed, (word,)).get(word, 0.0)


def _alike(typed: str, vocabulary: Iterable[str]) -> dict[str, float]:
    """Score every word of the vocabulary against one typed word; keep those alike."""
    # SequenceMatcher caches what it learns about its second sequence: the typed word.
    matcher = SequenceMatcher(None, "", typed, autojunk=False)
    found: dict[str, float] = {}
    for word in vocabulary:
        if typed == word:
            found[word] = 1.0
            continue
        if len(typed) >= MIN_PARTIAL and typed in word:
            found[word] = PARTIAL_SCORE if word.startswith(typed) else INSIDE_SCORE
            continue
        shorter, longer = sorted((len(typed), len(word)))
        # ratio() is at most 2*shorter/(shorter+longer): skip words that cannot reach it.
        if 2 * shorter < WORD_THRESHOLD * (shorter + longer):
            continue
        matcher.set_seq1(word)
        if matcher.quick_ratio() < WORD_THRESHOLD:
            continue
        ratio = matcher.ratio()
        if ratio >= WORD_THRESHOLD:
            found[word] = ratio
    return found


def rank(query: str, names: Sequence[str], codes: Sequence[str] = ()) -> list[Match]:
    """Return the names (or codes, e.g. RUP-0002) matching the query, best first."""
    typed = words(query)
    if not typed:
        return []
    typed_code = _code(query)
    by_code = bool(codes) and any(c.isdigit() for c in typed_code)
    listed = [words(name) for name in names]
    vocabulary = {w for name_words in listed for w in name_words}
    # Each distinct word is compared with each typed word once, not once per name.
    by_typed = {t: _alike(t, vocabulary) for t in set(typed)}
    relevant = {w for alike in by_typed.values() for w in alike}
    found: list[tuple[float, float, int]] = []
    for index, name_words in enumerate(listed):
        score = _code_score(typed_code, _code(codes[index])) if by_code else 0.0
        share = 0.0
        if not relevant.isdisjoint(name_words):
            per_word = [max(by_typed[t].get(w, 0.0) for w in name_words) for t in typed]
            score = max(score, sum(per_word) / len(typed))
            share = sum(1 for w in name_words if w in relevant) / len(name_words)
        if score >= MATCH_THRESHOLD:
            found.append((score, share, index))
    # Best score first; among equals, the name the search covers best ("Big Sky Academy"
    # before "Big Sky Teacher Academy" for "big sky academy"), then list order.
    found.sort(key=lambda f: (-f[0], -f[1], f[2]))
    return [Match(index, round(score, 3)) for score, _, index in found]


def _code_score(typed: str, code: str) -> float:
    if not code:
        return 0.0
    if typed == code:
        return 1.0
    # "0002" or "rup-000": part of a number, never a single stray digit.
    return PARTIAL_SCORE if len(typed) >= 2 and typed in code else 0.0
