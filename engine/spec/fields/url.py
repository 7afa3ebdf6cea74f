"""url: a web address."""

from engine.spec.fields.text_like import TextLike

URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"

TYPE = TextLike(
    "url",
    max_length=2000,
    pattern=URL_PATTERN,
    messages={"pattern": "Enter a web address that starts with https:// or http://."},
)
