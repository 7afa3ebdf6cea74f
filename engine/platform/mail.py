"""How every email is written: one set of mail settings per app, one render, one link builder.

Every feature that writes email (moves, reminders, accounts, certificates) takes a
MailSettings; the app makes it from its config in one place, `mail_settings()`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from jinja2 import Environment, TemplateNotFound

from engine.platform.email_text import render_email
from engine.platform.models import OutboxMessage
from engine.platform.outbox import EMAIL

log = logging.getLogger(__name__)


class MissingTemplate(LookupError):
    """An email template a published version names is no longer on disk."""

    def __init__(self, template: str) -> None:
        self.template = template
        super().__init__(
            f"An email this step sends cannot be written: its template (emails/{template}.txt) "
            "is missing. Nothing was changed. Tell an administrator, who can put it back."
        )


@dataclass(frozen=True)
class MailSettings:
    """The email templates, the site's name, contact and address, and the link-signing key."""

    emails: Environment
    base_url: str
    site_name: str
    staff_contact: str
    # Signs links in emails (set-password invitations); the app's SECRET_KEY.
    secret_key: str = ""

    def link(self, path: str) -> str:
        """Return the full address of a page of this site: link("/auth/login")."""
        if not path.startswith("/"):
            raise ValueError(f"a link path starts with '/', not {path!r}")
        return self.base_url + path

    def render(self, template: str, **context: Any) -> tuple[str, str]:
        """Render emails/<template>.txt with the site's name and contact; return (subject, body)."""
        words = {"site_name": self.site_name, "staff_contact": self.staff_contact}
        try:
            return render_email(self.emails, template, **(words | context))
        except TemplateNotFound as missing:
            # Removed on disk after the version naming it was published: lint reports it.
            log.error("the email template emails/%s.txt is missing", template)
            raise MissingTemplate(template) from missing

    def email(
        self,
        template: str,
        to: str,
        *,
        application_id: int | None = None,
        attachments: Sequence[Mapping[str, Any]] = (),
        **context: Any,
    ) -> OutboxMessage:
        """Render one email as an outbox row for the caller to add to its transaction."""
        subject, body = self.render(template, **context)
        return OutboxMessage(
            kind=EMAIL,
            application_id=application_id,
            template=template,
            to_addr=to,
            subject=subject,
            body=body,
            attachments=[dict(a) for a in attachments] or None,
        )


def settings_from_config(emails: Environment, config: Mapping[str, Any]) -> MailSettings:
    """Return the mail settings an app's config gives, rendering with these templates."""
    return MailSettings(
        emails=emails,
        base_url=config["BASE_URL"],
        site_name=config["SITE_NAME"],
        staff_contact=config["STAFF_CONTACT"],
        secret_key=config["SECRET_KEY"],
    )


def mail_settings() -> MailSettings:
    """Return the current app's mail settings: its templates and config."""
    return settings_from_config(current_app.jinja_env, current_app.config)
