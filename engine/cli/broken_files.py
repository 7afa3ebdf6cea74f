"""Which commands run on broken definition files, and the check every other one makes first.

`flask --app app lint` must report broken files, so the flask command line loads the app
tolerating them whenever it loads it to look up one of the app's own commands; each of
those commands but the tolerant ones then refuses to run, printing the problems, as the
app does when it starts any other way (gunicorn, `flask run`, `flask shell`, a test).
"""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup, FlaskGroup, ScriptInfo

from engine.platform.services import Services

# `lint` reports broken files; `db` and `users` prepare what is needed to fix them.
TOLERANT = frozenset({"lint", "db", "users"})


def loading_for_a_command() -> bool:
    """Tell whether the flask command line is loading the app to find one of its commands."""
    # Flask finds its own commands (run, shell, routes) without the app and loads it inside
    # them; it loads the app from its top group only to look up or list the app's commands.
    context = click.get_current_context(silent=True)
    return context is not None and isinstance(context.command, FlaskGroup)


def refuse_if_broken(context: click.Context) -> None:
    """Stop, printing the problems, if the app being run had broken files at start."""
    app = context.ensure_object(ScriptInfo).load_app()
    found: Services = app.extensions["formflow"]
    found.refuse_if_broken()


class _RefusesBrokenFiles(click.Command):
    def invoke(self, ctx: click.Context) -> Any:
        refuse_if_broken(ctx)
        return super().invoke(ctx)


class CheckedCommand(_RefusesBrokenFiles, click.Command):
    """A command that runs only on valid definition, help and layout files."""


class CheckedGroup(_RefusesBrokenFiles, AppGroup):
    """A command group whose commands run only on valid definition, help and layout files."""
