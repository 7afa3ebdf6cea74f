"""What a request may carry: ids within the database's range, no NUL bytes, ASCII numbers."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, abort, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

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


class WholeBody:
    """A body sent in chunks (no Content-Length) is read whole up to the limit, or refused.

    Without a length, a body over MAX_CONTENT_LENGTH would be cut at the limit and the rest
    of the form silently lost; read here, it is either all there or answered with a 413.
    """

    def __init__(self, app: WSGIApplication, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Pass the request on with its whole body and a length, or answer 413."""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(self.limit + 1)
            if len(body) > self.limit:
                return RequestEntityTooLarge()(environ, start_response)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input_terminated"] = False
            del environ["HTTP_TRANSFER_ENCODING"]
        return self.app(environ, start_response)


def init_request_input(app: Flask) -> None:
    """Bound `<int:...>` route arguments, read chunked bodies whole, refuse NUL bytes."""
    app.url_map.converters["int"] = BoundedIntConverter
    limit: Any = app.config.get("MAX_CONTENT_LENGTH")
    if limit:
        app.wsgi_app = WholeBody(app.wsgi_app, int(limit))  # type: ignore[method-assign]
    app.before_request(_refuse_nul_bytes)
