"""How this app renders and signs account emails (invitations, password resets)."""

from __future__ import annotations

from engine.accounts.mail import AccountMail
from engine.applications.decisions import mail_settings


def account_mail() -> AccountMail:
    """Return the account-email settings of the current app (the same as every email's)."""
    return mail_settings().account_mail()
