"""phone: a phone number with its area code."""

from engine.spec.fields.text_like import TextLike

PHONE_PATTERN = r"^(?=(?:\D*\d){10,15}\D*$)\+?[\d\s().-]+$"

TYPE = TextLike(
    "phone",
    pattern=PHONE_PATTERN,
    messages={"pattern": "Enter a phone number with its area code, like 406 444 3095."},
)
