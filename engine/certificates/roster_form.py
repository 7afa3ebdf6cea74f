"""The attendees form on the certificates page: rows of inputs read back, checked and
shown again with each problem next to its field."""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from engine.certificates.issue import EventForCertificates
from engine.runtime.roster import Attendee, RowProblem, Unprintable, check_rows

BLANK_ROWS = 5  # rows offered at first, and added by "Add more rows"
MAX_FORM_ROWS = 200  # more than this is a job for a CSV file
COLUMNS = ("name", "email", "license_number", "dates")


@dataclass
class RosterRow:
    """One row of the form as typed, and the problems found in it, by column."""

    number: int
    name: str = ""
    email: str = ""
    license_number: str = ""
    dates: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        """Tell whether nothing was typed in this row (ticked dates alone do not count)."""
        return not (self.name.strip() or self.email.strip() or self.license_number.strip())

    def field_id(self, column: str) -> str:
        """Return the id of this row's input for a column."""
        return f"rows-{self.number}-{column}"


def blank_rows(count: int = BLANK_ROWS, start: int = 1) -> list[RosterRow]:
    """Return empty rows numbered from `start`."""
    return [RosterRow(number) for number in range(start, start + count)]


def read_rows(form: MultiDict[str, str]) -> list[RosterRow]:
    """Read the rows posted, as typed (the hidden `rows` says how many were offered)."""
    try:
        count = min(max(int(form.get("rows", BLANK_ROWS)), 1), MAX_FORM_ROWS)
    except ValueError:
        count = BLANK_ROWS
    rows = []
    for number in range(1, count + 1):
        prefix = f"rows-{number}-"
        rows.append(
            RosterRow(
                number,
                name=form.get(prefix + "name", ""),
                email=form.get(prefix + "email", ""),
                license_number=form.get(prefix + "license_number", ""),
                dates=[d for d in form.getlist(prefix + "dates") if d.strip()],
            )
        )
    return rows


def more_rows(rows: list[RosterRow]) -> list[RosterRow]:
    """Return the rows with more blank ones after them."""
    room = max(0, min(BLANK_ROWS, MAX_FORM_ROWS - len(rows)))
    return rows + blank_rows(room, start=len(rows) + 1)


def check(
    rows: list[RosterRow], event: EventForCertificates, unprintable: Unprintable | None = None
) -> tuple[list[Attendee], list[tuple[str, str]]]:
    """Check the rows typed in; return the attendees, or none and the error summary.

    Each problem is also put on its row, next to the field it is about.
    """
    entries = [
        (
            row.number,
            {
                "name": row.name,
                "email": row.email,
                "license_number": row.license_number,
                "dates": ", ".join(row.dates),
            },
        )
        for row in rows
        if not row.blank
    ]
    if not entries:
        first = rows[0] if rows else RosterRow(1)
        first.errors["name"] = ["Enter at least one attendee: a name and an email address."]
        return [], [(first.field_id("name"), first.errors["name"][0])]
    attendees, problems = check_rows(
        entries, event.dates, event.completed, event.later, unprintable
    )
    by_number = {row.number: row for row in rows}
    summary = []
    for problem in problems:
        row = by_number[problem.line]
        column = column_of(problem)
        message = _sentence(problem.message)
        row.errors.setdefault(column, []).append(message)
        summary.append((row.field_id(column), f"Row {problem.line}: {message}"))
    return attendees, summary


def column_of(problem: RowProblem) -> str:
    """Return the column a roster problem is about, judged by its wording."""
    message = problem.message
    if message.startswith("the name"):
        return "name"
    if "email" in message or "already on row" in message:
        return "email"
    if "license number" in message:
        return "license_number"
    return "dates"


def _sentence(message: str) -> str:
    # The roster writes messages to follow "Row 4: "; on their own they start a sentence.
    text = message[:1].upper() + message[1:]
    return text if text.endswith(".") else text + "."
