"""The attendees form: rows read back as typed, and each roster problem put by its field."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from engine.certificates.roster_form import MAX_FORM_ROWS, column_of, more_rows, read_rows
from engine.runtime.roster import RowProblem


@pytest.mark.parametrize(
    ("message", "column"),
    [
        ("the name is missing", "name"),
        ("the name is longer than 200 characters", "name"),
        ("the email address is missing", "email"),
        ("'bo' is not an email address, like name@example.org", "email"),
        ("bo@example.org is already on row 2; list each educator once", "email"),
        ("the license number is longer than 40 characters", "license_number"),
        ("the dates attended are missing", "dates"),
        ("2027-03-18 is not a date of this event (2027-03-16)", "dates"),
        ("the date of completion is missing", "dates"),
    ],
)
def test_each_problem_goes_by_its_field(message: str, column: str) -> None:
    assert column_of(RowProblem(1, message)) == column


def test_rows_are_read_as_typed_and_more_are_added() -> None:
    form = MultiDict(
        [
            ("rows", "2"),
            ("rows-1-name", " Ann Lee "),
            ("rows-1-email", "ann@example.org"),
            ("rows-1-dates", "2027-03-16"),
            ("rows-1-dates", "2027-03-17"),
            ("rows-3-name", "not offered, so not read"),
        ]
    )
    rows = read_rows(form)
    assert [(r.number, r.name, r.dates, r.blank) for r in rows] == [
        (1, " Ann Lee ", ["2027-03-16", "2027-03-17"], False),
        (2, "", [], True),
    ]
    assert [r.number for r in more_rows(rows)] == [1, 2, 3, 4, 5, 6, 7]


def test_a_forged_row_count_is_bounded() -> None:
    assert len(read_rows(MultiDict([("rows", "100000")]))) == MAX_FORM_ROWS
    assert len(read_rows(MultiDict([("rows", "many")]))) == 5
