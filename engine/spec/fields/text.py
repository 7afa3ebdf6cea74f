"""text: one line of text."""

from engine.spec.fields.text_like import TextLike

TYPE = TextLike("text")
