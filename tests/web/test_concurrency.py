"""Two reviewers decide the same application at the same moment: exactly one wins."""

from __future__ import annotations

import re
import threading

from flask import Flask
from sqlalchemy import select

from engine.platform.models import Application, AuditEvent
from tests.web.helpers import fill_all, fire, make_user, sign_in, start_application, token


def test_two_reviewers_at_once_one_wins_the_other_is_told_to_reload(app: Flask) -> None:
    make_user(app, "a@example.org")
    make_user(app, "r1@example.org", "reviewer")
    make_user(app, "r2@example.org", "reviewer")
    applicant = app.test_client()
    sign_in(applicant, "a@example.org")
    application_id = start_application(applicant)
    fill_all(applicant, application_id)
    fire(applicant, application_id, "submit")

    reviewers = [app.test_client(), app.test_client()]
    forms = []
    for client, email, trigger, comment in (
        (reviewers[0], "r1@example.org", "approve", ""),
        (reviewers[1], "r2@example.org", "deny", "Not an eligible organization."),
    ):
        sign_in(client, email)
        page = client.get(f"/review/applications/{application_id}").get_data(as_text=True)
        version = re.search(r'name="version" value="(\d+)"', page)
        assert version
        forms.append(
            {
                "csrf_token": token(client),
                "version": version.group(1),
                "trigger": trigger,
                "comment": comment,
            }
        )
    assert forms[0]["version"] == forms[1]["version"]

    barrier = threading.Barrier(2)
    results: list[tuple[int, int, str]] = []

    def decide(index: int) -> None:
        barrier.wait()
        response = reviewers[index].post(f"/applications/{application_id}/fire", data=forms[index])
        results.append((index, response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(status for _, status, _ in results)
    assert statuses == [302, 409], results
    loser = next(body for _, status, body in results if status == 409)
    assert "Reload" in loser and "Nothing you sent was saved" in loser
    winner = next(index for index, status, _ in results if status == 302)
    with app.extensions["formflow"].db.reading() as session:
        application = session.get(Application, application_id)
        assert application is not None
        assert application.state == ("approved" if winner == 0 else "denied")
        decisions = session.scalars(
            select(AuditEvent.trigger).where(
                AuditEvent.application_id == application_id,
                AuditEvent.trigger.in_(["approve", "deny"]),
            )
        ).all()
    assert len(decisions) == 1
