"""One set of mail settings: every email is rendered, linked and queued the same way."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment

from engine.platform.mail import MailSettings, settings_from_config

TEMPLATES = {
    "emails/hello.txt": "Subject:  Hello {{ name }} \n\n"
    "From {{ site_name }}; ask {{ staff_contact }}.\n{{ link }}\n",
}


def settings() -> MailSettings:
    emails = Environment(loader=DictLoader(TEMPLATES), keep_trailing_newline=True)
    return MailSettings(emails, "https://ru.example.org", "Renewal Units", "ru@opi.example.gov")


def test_a_link_is_a_page_of_the_site() -> None:
    assert settings().link("/auth/login") == "https://ru.example.org/auth/login"
    with pytest.raises(ValueError, match="starts with '/'"):
        settings().link("auth/login")


def test_render_gives_the_subject_line_and_the_body_with_the_sites_words() -> None:
    mail = settings()
    subject, body = mail.render("hello", name="Pat", link=mail.link("/x"))
    assert subject == "Hello Pat"
    assert body == "From Renewal Units; ask ru@opi.example.gov.\nhttps://ru.example.org/x\n"


def test_an_email_is_an_outbox_row_of_the_kind_email() -> None:
    row = settings().email(
        "hello", "pat@example.org", application_id=7, attachments=[{"certificate": 3}], name="Pat"
    )
    assert (row.kind, row.application_id, row.template) == ("email", 7, "hello")
    assert (row.to_addr, row.subject, row.attachments) == (
        "pat@example.org",
        "Hello Pat",
        [{"certificate": 3}],
    )
    assert settings().email("hello", "pat@example.org", name="Pat").attachments is None


def test_the_settings_come_from_the_apps_config() -> None:
    config = {
        "BASE_URL": "https://x.example",
        "SITE_NAME": "Site",
        "STAFF_CONTACT": "staff@x.example",
        "SECRET_KEY": "k",
    }
    made = settings_from_config(Environment(), config)
    assert (made.base_url, made.site_name, made.staff_contact, made.secret_key) == (
        "https://x.example",
        "Site",
        "staff@x.example",
        "k",
    )
