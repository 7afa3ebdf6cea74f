"""The commands that work from the files refuse to run while the files are broken.

Every other command, like the site itself, runs on the definitions last published: a
broken file never stops the worker, retention or a web process (`lint` reports it).
"""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup, ScriptInfo

from engine.platform.services import Services


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
    """A command that works from the files, so runs only on valid ones."""


class CheckedGroup(_RefusesBrokenFiles, AppGroup):
    """A command group that works from the files, so runs only on valid ones."""
