"""Rosters: a good CSV becomes attendees; a CSV with bad rows is refused row by row, whole."""

from __future__ import annotations

from datetime import date

import pytest

from engine.runtime.roster import Attendee, RowProblem, check_rows, read_csv

TWO_DAYS = (date(2026, 3, 16), date(2026, 3, 17))
ONE_DAY = (date(2026, 3, 16),)


def test_a_good_file_with_other_header_spellings() -> None:
    text = (
        "\ufeffFull Name,E-mail,License #,Dates attended\n"
        "Avery Johnson,Avery@Example.org,MT-1,2026-03-16; 2026-03-17\n"
        "\n"
        "  Blake   Lee ,blake@example.org,,03/17/2026\n"
        "Casey Diaz,casey@example.org,,all\n"
    )
    attendees, problems = read_csv(text, TWO_DAYS)
    assert problems == []
    assert attendees == [
        Attendee("Avery Johnson", "avery@example.org", "MT-1", TWO_DAYS),
        Attendee("Blake Lee", "blake@example.org", "", (date(2026, 3, 17),)),
        Attendee("Casey Diaz", "casey@example.org", "", TWO_DAYS),
    ]


def test_a_one_day_event_needs_no_dates_column() -> None:
    attendees, problems = read_csv("name,email\nAvery Johnson,avery@example.org\n", ONE_DAY)
    assert problems == []
    assert attendees[0].attended == ONE_DAY


def test_every_bad_row_is_named_and_nothing_is_kept() -> None:
    text = (
        "name,email,license number,dates\n"
        "Avery Johnson,avery@example.org,,2026-03-16\n"  # good, but the file is refused
        ",blake@example.org,,2026-03-16\n"
        "Casey Diaz,casey-at-example.org,,2026-03-18\n"
        "Dana Wu,avery@example.org,,16 March\n"
        "Eli Fox,eli@example.org,,\n"
    )
    attendees, problems = read_csv(text, TWO_DAYS)
    assert attendees == []
    assert [str(p) for p in problems] == [
        "Row 3: the name is missing",
        "Row 4: 'casey-at-example.org' is not an email address, like name@example.org",
        "Row 4: 2026-03-18 is not a date of this event (2026-03-16, 2026-03-17)",
        "Row 5: '16 March' is not a date; write it as 2026-03-16 or 03/16/2026",
        "Row 5: avery@example.org is already on row 2; list each educator once",
        "Row 6: the dates attended are missing",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; the first row names the columns"),
        (
            "educator,license\nAvery,MT-1\n",
            "the first row must name the columns; no column 'email' was found "
            "(columns: name, email, license number, dates attended)",
        ),
        ("name,email\n\n", "the file names the columns but lists no attendee"),
    ],
)
def test_a_file_that_is_not_a_roster_says_so(text: str, message: str) -> None:
    attendees, problems = read_csv(text, ONE_DAY)
    assert attendees == []
    assert [p.message for p in problems] == [message]


def test_a_self_paced_course_takes_the_completion_date_within_its_availability() -> None:
    available = (date(2026, 1, 1), date(2026, 12, 31))
    good, problems = check_rows(
        [(1, {"name": "A B", "email": "a@example.org", "dates": "2026-05-02"})], (), available
    )
    assert problems == [] and good[0].attended == (date(2026, 5, 2),)
    _, problems = check_rows(
        [(1, {"name": "A B", "email": "a@example.org", "dates": "2027-01-02"})], (), available
    )
    assert problems == [
        RowProblem(1, "2027-01-02 is outside the course's availability, 2026-01-01 to 2026-12-31")
    ]
    _, problems = check_rows([(1, {"name": "A B", "email": "a@example.org"})], (), available)
    assert problems == [RowProblem(1, "the date of completion is missing")]


def test_a_date_still_to_come_cannot_have_been_attended() -> None:
    row = {"name": "A B", "email": "a@example.org", "dates": "2026-03-17"}
    _, problems = check_rows([(2, row)], ONE_DAY, later=(date(2026, 3, 17),))
    assert problems == [
        RowProblem(2, "2026-03-17 has not happened yet; issue its certificates after it")
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "name,email\nAvery,a@example.org\nB" + "x" * 140_000 + ",b@example.org\n",
            RowProblem(3, "a cell is far too long; is this a roster?"),
        ),
        (
            "name,email\nAvery,a@example.org\nBo\x00b,b@example.org\n",
            RowProblem(3, "the file holds a NUL character; save it again as CSV text"),
        ),
    ],
)
def test_a_file_no_roster_can_be_is_refused_with_its_row(text: str, problem: RowProblem) -> None:
    assert read_csv(text, ONE_DAY) == ([], [problem])


def test_a_name_the_certificate_cannot_print_is_refused_on_its_row() -> None:
    def lacking(name: str) -> str:
        return ", ".join(c for c in name if ord(c) > 0xFFFF)

    text = "name,email\nAvery,a@example.org\nScribe \U00013000,s@example.org\n"
    attendees, problems = read_csv(text, ONE_DAY, unprintable=lacking)
    assert attendees == []
    assert problems == [
        RowProblem(
            3,
            "the name has letters the certificate cannot print (\U00013000); write it in "
            "letters it can print, or ask the agency",
        )
    ]
    assert read_csv(text.replace(" \U00013000", ""), ONE_DAY, unprintable=lacking)[1] == []
