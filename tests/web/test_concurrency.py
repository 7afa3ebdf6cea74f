"""Two requests about one application at the same moment: one wins, the other is told why."""

from __future__ import annotations

import re
import threading

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.platform.models import Application, AuditEvent
from tests.web.helpers import fill_all, fire, make_user, sign_in, start_application, token
from tests.web.test_time_and_address import GOOD, PAGE, start, visits  # noqa: F401


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


def _press(
    barrier: threading.Barrier,
    statuses: dict[str, int],
    name: str,
    client: FlaskClient,
    url: str,
    data: dict[str, str],
) -> None:
    barrier.wait()
    statuses[name] = client.post(url, data=data).status_code


def test_a_draft_save_racing_its_own_submit_is_refused_cleanly(visits: Flask) -> None:  # noqa: F811
    """A double click on two buttons: the save and the submit of one applicant, at once."""
    make_user(visits, "a@example.org")
    saver, sender = visits.test_client(), visits.test_client()
    sign_in(saver, "a@example.org")
    sign_in(sender, "a@example.org")
    for round_ in range(5):
        application_id = start(saver)
        page = PAGE.format(application_id)
        assert saver.post(page, data={"csrf_token": token(saver), **GOOD, "action": "continue"})
        check = sender.get(f"/applications/{application_id}/check").get_data(as_text=True)
        version = re.search(r'name="version" value="(\d+)"', check)
        assert version
        save = {"csrf_token": token(saver), **GOOD, "place_name": "Changed", "action": "save"}
        send = {"csrf_token": token(sender), "trigger": "send", "version": version.group(1)}
        barrier = threading.Barrier(2)
        statuses: dict[str, int] = {}
        fire_url = f"/applications/{application_id}/fire"
        threads = [
            threading.Thread(target=_press, args=(barrier, statuses, "save", saver, page, save)),
            threading.Thread(
                target=_press, args=(barrier, statuses, "send", sender, fire_url, send)
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert statuses["send"] in (302, 409) and statuses["save"] in (302, 409), (round_, statuses)
        with visits.extensions["formflow"].db.reading() as session:
            application = session.get(Application, application_id)
            assert application is not None
            # Whatever won, nothing is half-written: a sent request kept what was sent.
            if application.state == "sent":
                assert statuses["send"] == 302
