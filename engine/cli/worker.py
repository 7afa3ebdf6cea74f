"""`flask worker`: the periodic jobs: automatic moves, reminders, then the outbox.

Every job is idempotent: running it twice, or in two processes at once, does nothing
twice. `make run` starts it beside the web server; in production run it as its own
process (systemd, or a container), one or several.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from engine.applications.automatic import fire_automatic
from engine.certificates import batches
from engine.obligations.periods import renew_periods
from engine.obligations.reminders import send_reminders
from engine.platform import clock
from engine.platform.mail import mail_settings
from engine.platform.outbox import fail_interrupted
from engine.platform.services import services
from engine.platform.web.live_definitions import follow_published
from engine.platform.web.outbox_hook import deliver_app_outbox


def automatic_moves() -> str:
    """Fire every `by: system` transition whose guards hold today."""
    svc = services()
    return str(fire_automatic(svc.db, svc.registry, clock.today(), svc.calendar, mail_settings()))


def obligation_periods() -> str:
    """Owe the counts of reporting periods that began by today."""
    svc = services()
    return str(renew_periods(svc.db, svc.registry, clock.today(), svc.calendar))


def obligation_reminders() -> str:
    """Write the reminder and overdue emails due today, each once."""
    svc = services()
    return str(send_reminders(svc.db, svc.registry, clock.today(), mail_settings()))


def deliver_outbox() -> str:
    """Send pending email, retrying what failed before."""
    return str(deliver_app_outbox())


def certificate_batches() -> str:
    """Make the PDFs of many certificates that people asked for, page by page."""
    svc = services()
    made = batches.make_pending(svc.db, svc.registry, svc.layouts, svc.static_dir)
    return f"Made {made}."


def fail_interrupted_mail() -> str:
    """Fail, visibly, emails whose sender died mid-send (never re-sent by itself)."""
    minutes = int(current_app.config["MAIL_CLAIM_TIMEOUT_MINUTES"])
    count = fail_interrupted(services().db, timedelta(minutes=minutes))
    return f"{count} interrupted."


def follow_definitions() -> str:
    """Put newly published definitions in force, as the web processes do."""
    follow_published()
    return "In force."


# Each periodic job by name, in order: a long-running worker first follows newly
# published definitions; then moves (they may owe or email); mail last.
JOBS: dict[str, Callable[[], str]] = {
    "follow_definitions": follow_definitions,
    "automatic_moves": automatic_moves,
    "obligation_periods": obligation_periods,
    "obligation_reminders": obligation_reminders,
    "certificate_batches": certificate_batches,
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
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if today were this day (YYYY-MM-DD): for trying reminders and deadlines.",
)
@with_appcontext
def worker_command(once: bool, interval: float, today: datetime | None) -> None:
    """Run the periodic jobs, forever or once."""
    frozen: Any = clock.frozen_at(today.date()) if today else nullcontext()
    with frozen:
        while True:
            for name, result in run_jobs().items():
                click.echo(f"{name}: {result}")
            if once:
                return
            time.sleep(interval)


def register(app: Flask) -> None:
    """Add the command to the app's CLI."""
    app.cli.add_command(worker_command)
