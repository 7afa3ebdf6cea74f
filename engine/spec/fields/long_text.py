"""long_text: a paragraph."""

from engine.spec.fields.text_like import TextLike

TYPE = TextLike("long_text", max_length=10000)
