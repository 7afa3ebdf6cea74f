"""How this app renders and signs account emails (invitations, password resets)."""

from __future__ import annotations

from flask import current_app

from engine.actions.account_mail import AccountMail


def account_mail() -> AccountMail:
    """Return the account-email settings of the current app."""
    config = current_app.config
    return AccountMail(
        emails=current_app.jinja_env,
        base_url=config["BASE_URL"],
        site_name=config["SITE_NAME"],
        staff_contact=config["STAFF_CONTACT"],
        secret_key=config["SECRET_KEY"],
    )
