"""What a request may carry: ids within the database's range, no NUL bytes, ASCII numbers."""

from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds on PostgreSQL (and the smallest limit of the two
# databases): a larger one in an address can name no row, so it is "not found".
MAX_ID = 2**31 - 1
# str.isdigit() accepts "²" and other digits int() refuses or reads as another number.
_ASCII_WHOLE = re.compile(r"[0-9]{1,10}")


def whole_number(raw: str | None, maximum: int = MAX_ID) -> int | None:
    """Return raw as a whole number from 0 to maximum, or None when it is anything else."""
    if raw is None or not _ASCII_WHOLE.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= maximum else None


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in a route: ASCII digits, 1 to MAX_ID; anything else is a 404."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def _refuse_nul_bytes() -> None:
    # No text anyone types holds a NUL byte, and PostgreSQL refuses to store one: refusing
    # it here, once, keeps it out of every query, answer and search box.
    if "\x00" in request.path:
        abort(400)
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)


def init_request_input(app: Flask) -> None:
    """Bound every `<int:...>` route argument and refuse NUL bytes before any view runs."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_refuse_nul_bytes)
