"""Rosters of attendees, typed in or uploaded as CSV, checked row by row before any is kept.

A roster names, per educator: full name, email, an optional license number, and the
dates attended (each one of the event's dates). A file with any bad row is refused
whole, with one plain message per problem, so nothing is ever half-imported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from engine.spec.fields.email import EMAIL_PATTERN

MAX_ROWS = 2000
_EMAIL = re.compile(EMAIL_PATTERN)
# Header names people write, by the column they mean (compared lowercased, without
# punctuation): a spreadsheet exported by another system rarely uses our exact names.
_HEADERS = {
    "name": ("name", "full name", "educator", "educator name", "attendee", "participant"),
    "email": ("email", "email address", "e mail"),
    "license_number": ("license", "license number", "licence number", "license no", "license #"),
    "dates": ("dates", "dates attended", "date", "date attended", "attended", "sessions"),
}
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y")


@dataclass(frozen=True)
class Attendee:
    """One educator who attended, as checked."""

    name: str
    email: str
    license_number: str
    attended: tuple[date, ...]


@dataclass(frozen=True, order=True)
class RowProblem:
    """One problem in a roster: the line of the file (or row of the form) and what is wrong."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"Row {self.line}: {self.message}"


# Given a name, returns the letters the certificate cannot print ("" when it prints).
Unprintable = Callable[[str], str]


def read_csv(
    text: str,
    event_dates: Sequence[date],
    completed: tuple[date, date] | None = None,
    later: Sequence[date] = (),
    unprintable: Unprintable | None = None,
) -> tuple[list[Attendee], list[RowProblem]]:
    """Check a CSV roster; return the attendees, or no attendees and every problem."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return [], [RowProblem(line, "the file holds a NUL character; save it again as CSV text")]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        rows = list(reader)
    except csv.Error:
        # The only error the reader raises on text: a cell longer than its limit (128 KB).
        return [], [RowProblem(reader.line_num, "a cell is far too long; is this a roster?")]
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        return [], [RowProblem(1, "the file is empty; the first row names the columns")]
    columns, problems = _columns(rows[0])
    if problems:
        return [], problems
    if len(rows) - 1 > MAX_ROWS:
        return [], [RowProblem(1, f"a file holds at most {MAX_ROWS} attendees; split it")]
    entries = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line between rows is not an attendee
        entries.append(
            (line, {key: cells[i].strip() if i < len(cells) else "" for key, i in columns.items()})
        )
    if not entries:
        return [], [RowProblem(2, "the file names the columns but lists no attendee")]
    return check_rows(entries, event_dates, completed, later, unprintable)


def check_rows(
    entries: Iterable[tuple[int, dict[str, str]]],
    event_dates: Sequence[date],
    completed: tuple[date, date] | None = None,
    later: Sequence[date] = (),
    unprintable: Unprintable | None = None,
) -> tuple[list[Attendee], list[RowProblem]]:
    """Check rows (line, {name, email, license_number, dates}); all good, or every problem.

    `event_dates` are the dates an educator may have attended; a self-paced course has
    none and gives `completed` instead, the first and last day it could be completed.
    `later` are the event's dates still to come, which nobody can have attended yet.
    """
    attendees: list[Attendee] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, row in entries:
        found = _row_problems(row, event_dates, completed, later)
        lacking = unprintable(row["name"]) if unprintable and row.get("name") else ""
        if lacking:
            found.append(
                f"the name has letters the certificate cannot print ({lacking}); write it "
                "in letters it can print, or ask the agency"
            )
        email = row.get("email", "").strip().lower()
        if email and email in seen:
            found.append(f"{email} is already on row {seen[email]}; list each educator once")
        elif email:
            seen[email] = line
        if found:
            problems.extend(RowProblem(line, message) for message in found)
            continue
        attendees.append(
            Attendee(
                name=" ".join(row["name"].split()),
                email=email,
                license_number=row.get("license_number", "").strip(),
                attended=_dates(row.get("dates", ""), event_dates, completed, later)[0],
            )
        )
    return ([], problems) if problems else (attendees, [])


def _columns(header: list[str]) -> tuple[dict[str, int], list[RowProblem]]:
    names = {
        " ".join(re.sub(r"[^a-z0-9#]+", " ", h.lower()).split()): i for i, h in enumerate(header)
    }
    columns: dict[str, int] = {}
    for key, spellings in _HEADERS.items():
        for spelling in spellings:
            if spelling in names:
                columns[key] = names[spelling]
                break
    missing = [key for key in ("name", "email") if key not in columns]
    if missing:
        wanted = " and ".join(f"'{m}'" for m in missing)
        return {}, [
            RowProblem(
                1,
                f"the first row must name the columns; no column {wanted} was found "
                "(columns: name, email, license number, dates attended)",
            )
        ]
    return columns, []


def _row_problems(
    row: dict[str, str],
    event_dates: Sequence[date],
    completed: tuple[date, date] | None,
    later: Sequence[date],
) -> list[str]:
    found = []
    if not row.get("name", "").strip():
        found.append("the name is missing")
    elif len(row["name"]) > 200:
        found.append("the name is longer than 200 characters")
    email = row.get("email", "").strip()
    if not email:
        found.append("the email address is missing")
    elif not _EMAIL.match(email) or len(email) > 254:
        found.append(f"'{email}' is not an email address, like name@example.org")
    if len(row.get("license_number", "")) > 40:
        found.append("the license number is longer than 40 characters")
    found.extend(_dates(row.get("dates", ""), event_dates, completed, later)[1])
    return found


def _dates(
    raw: str,
    event_dates: Sequence[date],
    completed: tuple[date, date] | None,
    later: Sequence[date],
) -> tuple[tuple[date, ...], list[str]]:
    words = [w.strip() for w in re.split(r"[;,]|\s+and\s+", raw) if w.strip()]
    if not words:
        if len(event_dates) == 1:
            return (event_dates[0],), []  # a one-day event: the date goes without saying
        if completed is not None:
            return (), ["the date of completion is missing"]
        return (), ["the dates attended are missing"]
    if [w.lower() for w in words] == ["all"] and event_dates:
        return tuple(event_dates), []
    chosen: list[date] = []
    problems = []
    for word in words:
        day = _parse(word)
        if day is None:
            problems.append(f"'{word}' is not a date; write it as 2026-03-16 or 03/16/2026")
        elif completed is not None and not event_dates:
            if not completed[0] <= day <= completed[1]:
                problems.append(
                    f"{day.isoformat()} is outside the course's availability, "
                    f"{completed[0].isoformat()} to {completed[1].isoformat()}"
                )
            chosen.append(day)
        elif day in later:
            problems.append(
                f"{day.isoformat()} has not happened yet; issue its certificates after it"
            )
        elif day not in event_dates:
            listed = ", ".join(d.isoformat() for d in event_dates)
            problems.append(f"{day.isoformat()} is not a date of this event ({listed})")
        elif day not in chosen:
            chosen.append(day)
    return tuple(sorted(chosen)), problems


def _parse(word: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(word, pattern).date()
        except ValueError:
            continue
    return None
