"""The reviewer queue: waiting applications only, oldest first, due dates, overdue marked."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from sqlalchemy import update

from engine.platform.models import Application
from tests.web.helpers import fill_all, fire, make_user, sign_in, start_application


def test_queue_lists_waiting_applications_oldest_first_and_marks_overdue(app: Flask) -> None:
    make_user(app, "a@example.org")
    make_user(app, "r@example.org", "reviewer")
    client = app.test_client()
    sign_in(client, "a@example.org")
    ids = []
    for name in ("Newer Academy", "Older Academy", "Draft Academy"):
        application_id = start_application(client)
        fill_all(client, application_id, legal_name=name)
        if name != "Draft Academy":
            fire(client, application_id, "submit")
        ids.append(application_id)
    with app.extensions["formflow"].db.transaction() as session:
        session.execute(
            update(Application)
            .where(Application.id == ids[1])
            .values(state_entered_at=datetime(2025, 11, 21, 17, 0), due_on=date(2025, 12, 3))
        )
    sign_in(client, "r@example.org")
    page = client.get("/review").get_data(as_text=True)
    assert "Draft Academy" not in page
    assert page.index("Older Academy") < page.index("Newer Academy")
    older_row = page[page.index("Older Academy") : page.index("Newer Academy")]
    assert "Wednesday 3 December 2025" in older_row and "Overdue" in older_row
    newer_row = page[page.index("Newer Academy") :]
    assert "Overdue" not in newer_row.split("</tr>")[0]
