"""The queue as a CSV file: exactly the rows the same filter shows on the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Blueprint, request, stream_with_context
from flask_login import current_user
from werkzeug.wrappers import Response

from engine.applications.cases import today
from engine.platform.services import services
from engine.platform.web.security import role_required
from engine.review.queue import QueueRow, stream
from engine.review.queue_args import filter_from

bp = Blueprint("queue_export", __name__, url_prefix="/review")

HEADER = (
    "Reference",
    "Workflow",
    "Name",
    "Provider",
    "Applicant",
    "Status",
    "Waiting since",
    "Decision due",
    "Overdue",
    "Assigned to",
)
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@bp.get("/export.csv")
@role_required("reviewer", "admin")
def csv_file() -> Response:
    """Return the filtered queue as a CSV download."""
    svc = services()
    now = today()
    wanted = filter_from(request.args).wanted
    user_id = current_user.id

    def lines() -> Iterator[str]:
        # Written as read, a batch at a time: an export of the whole queue never sits
        # in memory at once.
        with svc.db.reading() as session:
            yield from to_csv(stream(session, svc.registry, wanted, user_id, now))

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="review-queue-{now.isoformat()}.csv"'
        },
    )


def to_csv(rows: Iterable[QueueRow]) -> Iterator[str]:
    """Yield the rows as CSV text, one line per application, under a header line."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(cells: Iterable[str]) -> str:
        writer.writerow(cells)
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield line(HEADER)
    for r in rows:
        a = r.application
        yield line(
            safe_cell(value)
            for value in (
                r.reference,
                r.workflow.title,
                a.title,
                r.organization.name if r.organization else "",
                a.owner.name or a.owner.email,
                r.state.label,
                r.waiting_since.isoformat(),
                a.due_on.isoformat() if a.due_on else "",
                "yes" if r.overdue else "no",
                (r.assignee.name or r.assignee.email) if r.assignee else "",
            )
        )


def safe_cell(value: str) -> str:
    """Quote a cell a spreadsheet would otherwise run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
