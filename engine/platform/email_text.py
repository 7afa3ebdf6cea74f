"""Rendering an email template whose first line is its subject: 'Subject: ...'."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment


def render_email(env: Environment, template: str, **context: Any) -> tuple[str, str]:
    """Render templates/emails/<template>.txt; return (subject, body)."""
    text = env.get_template(f"emails/{template}.txt").render(**context)
    first, _, body = text.partition("\n")
    return first.removeprefix("Subject:").strip(), body.lstrip("\n")
