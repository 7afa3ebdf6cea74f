"""Database engines and sessions for SQLite (WAL) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


class MissingRow(LookupError):
    """A row the caller holds the key of is not in the database (deleted meanwhile)."""


def get_existing(session: Session, model: type[T], key: Any) -> T:
    """Return the row of this primary key; raise MissingRow when there is none."""
    found = session.get(model, key)
    if found is None:
        raise MissingRow(f"there is no {model.__name__} {key!r}")
    return found


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed while one writer commits; NORMAL sync is safe under WAL.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


class Database:
    """An engine plus a session factory; one per app."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Open a session in one transaction: commit on success, roll back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def transact(self, work: Callable[[Session], T], tries: int = 2) -> T:
        """Run work in one transaction; when a unique key was taken meanwhile, run it again.

        Two requests that create the same row at once (a double click) both find it
        missing and both insert; the database refuses the second. Run again, that one
        finds the row the first committed and answers as if it had come second.
        """
        for attempt in range(1, tries + 1):
            try:
                with self.transaction() as session:
                    return work(session)
            except IntegrityError:
                if attempt == tries:
                    raise
        raise ValueError("tries must be at least 1")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Open a session for reads; nothing is committed."""
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
