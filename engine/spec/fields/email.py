"""email: an email address."""

from engine.spec.fields.text_like import TextLike

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

TYPE = TextLike(
    "email",
    max_length=254,
    pattern=EMAIL_PATTERN,
    messages={"pattern": "Enter an email address in the right format, like name@example.org."},
)
