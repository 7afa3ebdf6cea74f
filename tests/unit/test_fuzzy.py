"""The directory's matching: typos, accents, case, missing or extra words, provider numbers."""

from __future__ import annotations

import pytest

from engine.runtime.fuzzy import rank, word_similarity, words

PROVIDERS = [
    ("Big Sky Teacher Academy", "RUP-0001"),
    ("Treasure State Learning Cooperative", "RUP-0002"),
    ("Flathead Valley Schools", "RUP-0003"),
    ("Big Sky Academy", "RUP-0004"),
    ("École Française de Bozeman", "RUP-0005"),
    ("The O'Brien Center for Literacy, Inc.", "RUP-0006"),
    ("Missoula STEM Collaborative", "RUP-0007"),
    ("Treasure Valley Reading Network", "RUP-0010"),
]
NAMES = [name for name, _ in PROVIDERS]
NUMBERS = [number for _, number in PROVIDERS]


def best(query: str) -> str | None:
    found = rank(query, NAMES, NUMBERS)
    return NAMES[found[0].index] if found else None


def found(query: str) -> list[str]:
    return [NAMES[m.index] for m in rank(query, NAMES, NUMBERS)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # misspellings
        ("Big Sky Teachr Acadmy", "Big Sky Teacher Academy"),
        ("big sky teahcer academy", "Big Sky Teacher Academy"),
        ("flathed valley", "Flathead Valley Schools"),
        ("Flathead Vally Schols", "Flathead Valley Schools"),
        ("Misoula STEM Colaborative", "Missoula STEM Collaborative"),
        ("Bozman", "École Française de Bozeman"),
        # case and punctuation
        ("treasure state cooperative", "Treasure State Learning Cooperative"),
        ("TREASURE STATE LEARNING COOPERATIVE", "Treasure State Learning Cooperative"),
        ("obrien center", "The O'Brien Center for Literacy, Inc."),
        ("O’Brien", "The O'Brien Center for Literacy, Inc."),
        # accents, either way round
        ("ecole francaise", "École Française de Bozeman"),
        ("École", "École Française de Bozeman"),
        # missing words, extra words, other order, common words
        ("Big Sky Teacher", "Big Sky Teacher Academy"),
        ("Big Sky Teacher Academy of Montana", "Big Sky Teacher Academy"),
        ("academy teacher big sky", "Big Sky Teacher Academy"),
        ("the flathead valley schools inc", "Flathead Valley Schools"),
        ("big sky academy", "Big Sky Academy"),
        # partial words
        ("flat", "Flathead Valley Schools"),
        ("collab", "Missoula STEM Collaborative"),
        # provider numbers, however written
        ("RUP-0002", "Treasure State Learning Cooperative"),
        ("rup 0002", "Treasure State Learning Cooperative"),
        ("RUP0003", "Flathead Valley Schools"),
        ("0006", "The O'Brien Center for Literacy, Inc."),
    ],
)
def test_the_right_provider_comes_first(query: str, expected: str) -> None:
    assert best(query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "Glacier",
        "Glacier Peak Institute",
        "Montana",
        "Billings Literacy Partners",
        "xylophone",
        "zz",
        "RUP-0099",
        "9",
        "",
        "   ",
        "!!!",
    ],
)
def test_what_is_not_there_is_not_found(query: str) -> None:
    assert found(query) == []


def test_one_shared_word_is_not_enough_for_a_longer_search() -> None:
    # "Treasure Valley Reading Network" shares "treasure" but not "state" or "cooperative".
    assert found("treasure state cooperative") == ["Treasure State Learning Cooperative"]
    assert "Big Sky Teacher Academy" not in found("Glacier Sky Institute Montana")


def test_best_matches_come_first() -> None:
    assert found("big sky") == ["Big Sky Academy", "Big Sky Teacher Academy"]
    assert found("big sky teacher")[0] == "Big Sky Teacher Academy"
    scores = [m.score for m in rank("treasure", NAMES, NUMBERS)]
    assert scores == sorted(scores, reverse=True) and len(scores) == 2


def test_part_of_a_number_finds_every_provider_with_it() -> None:
    assert found("RUP-000") == [n for n, number in PROVIDERS if number.startswith("RUP-000")]
    assert found("0010") == ["Treasure Valley Reading Network"]


def test_numbers_are_not_searched_when_none_are_given() -> None:
    assert rank("RUP-0002", NAMES) == []


def test_words_drops_accents_punctuation_and_common_words() -> None:
    assert words("The École Française, Inc.") == ("ecole", "francaise")
    assert words("O'Brien K-12 & Co") == ("obrien", "k", "12")
    # A name made only of common words keeps them, so it can still be found.
    assert words("The Company") == ("the", "company")


def test_word_similarity_scores_typos_partials_and_strangers() -> None:
    assert word_similarity("teacher", "teacher") == 1.0
    assert 0.8 <= word_similarity("teachr", "teacher") < 1.0
    assert word_similarity("flat", "flathead") == 0.9
    assert word_similarity("glacier", "teacher") == 0.0
    assert word_similarity("sky", "ski") == 0.0
