"""The worker's jobs: mail that failed is retried, and nothing is ever sent twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.platform.models import OutboxMessage
from tests.conftest import make_test_app
from tests.web.helpers import fill_all, fire, make_user, sign_in, start_application


def test_worker_retries_failed_mail_and_never_sends_twice(
    database_url: str, tmp_path: Path, smtp_server: Any
) -> None:
    # First the SMTP server is unreachable: the decision still succeeds, mail waits.
    app = make_test_app(database_url, tmp_path)
    make_user(app, "a@example.org")
    client = app.test_client()
    sign_in(client, "a@example.org")
    application_id = start_application(client)
    fill_all(client, application_id)
    assert fire(client, application_id, "submit").status_code == 302
    with app.extensions["formflow"].db.reading() as session:
        rows = session.scalars(select(OutboxMessage)).all()
    assert [(r.status, r.attempts) for r in rows] == [("pending", 1)]
    app.extensions["formflow"].db.dispose()

    # The server is back: one worker run delivers it; a second run sends nothing more.
    worker_app = make_test_app(
        database_url, tmp_path, SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port
    )
    runner = worker_app.test_cli_runner()
    first = runner.invoke(args=["worker", "--once"])
    assert "deliver_outbox: Sent 1, failed 0, skipped 0." in first.output, first.output
    second = runner.invoke(args=["worker", "--once"])
    assert "deliver_outbox: Sent 0, failed 0, skipped 0." in second.output
    smtp_server.wait_for(1)
    assert [m.to for m in smtp_server.messages] == ["a@example.org"]
    with worker_app.extensions["formflow"].db.reading() as session:
        rows = session.scalars(select(OutboxMessage)).all()
    assert [(r.status, r.attempts) for r in rows] == [("sent", 2)]
    worker_app.extensions["formflow"].db.dispose()
