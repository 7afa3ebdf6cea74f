"""`flask worker`: the periodic jobs (today: delivering and retrying the outbox).

Every job is idempotent: running it twice, or in two processes at once, does nothing
twice. `make run` starts it beside the web server; in production run it as its own
process (systemd, or a container), one or several.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from engine.actions.mailer import mailer_from_config
from engine.store.outbox import deliver_pending, fail_interrupted
from engine.web.services import services


def deliver_outbox() -> str:
    """Send pending email, retrying what failed before."""
    config = current_app.config
    report = deliver_pending(
        services().db,
        mailer_from_config(config),
        max_attempts=int(config.get("MAIL_MAX_ATTEMPTS", 5)),
    )
    return str(report)


def fail_interrupted_mail() -> str:
    """Fail, visibly, emails whose sender died mid-send (never re-sent by itself)."""
    minutes = int(current_app.config.get("MAIL_CLAIM_TIMEOUT_MINUTES", 15))
    count = fail_interrupted(services().db, timedelta(minutes=minutes))
    return f"{count} interrupted."


# Each periodic job by name, run in this order.
JOBS: dict[str, Callable[[], str]] = {
    "fail_interrupted_mail": fail_interrupted_mail,
    "deliver_outbox": deliver_outbox,
}


def run_jobs() -> dict[str, str]:
    """Run every job once; a failing job is reported and does not stop the others."""
    results = {}
    for name, job in JOBS.items():
        try:
            results[name] = job()
        except Exception as error:  # a worker must outlive one bad run
            current_app.logger.exception("job %s failed", name)
            results[name] = f"failed: {error}"
    return results


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every job once and exit.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between runs.")
@with_appcontext
def worker_command(once: bool, interval: float) -> None:
    """Run the periodic jobs, forever or once."""
    while True:
        for name, result in run_jobs().items():
            click.echo(f"{name}: {result}")
        if once:
            return
        time.sleep(interval)


def register(app: Flask) -> None:
    """Add the command to the app's CLI."""
    app.cli.add_command(worker_command)
