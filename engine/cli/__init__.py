"""Command-line commands under `flask --app app ...`."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    """Add every command group to the app's CLI."""
    from engine.cli import (
        db,
        definitions,
        demo,
        lint,
        outbox,
        retention,
        scenarios,
        users,
        worker,
    )

    for module in (db, definitions, demo, lint, outbox, retention, scenarios, users, worker):
        module.register(app)
