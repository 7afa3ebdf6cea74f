"""The public directory of approved providers: the active organizations, found by name or number.

The names are fetched once per request and matched in Python (engine.runtime.fuzzy), so
a search tolerates typos the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.organizations.memberships import ACTIVE
from engine.platform.models import Organization
from engine.runtime.fuzzy import rank

PAGE_SIZE = 50


@dataclass(frozen=True)
class Listing:
    """An approved provider as the public sees it."""

    number: str
    name: str
    email: str
    phone: str
    website: str


@dataclass(frozen=True)
class DirectoryPage:
    """One page of the directory: its providers, how many in all, and the page numbers."""

    providers: tuple[Listing, ...]
    total: int
    page: int
    pages: int


def approved_providers(session: Session) -> list[Listing]:
    """Return every active organization, by name (ignoring case)."""
    rows = session.execute(
        select(
            Organization.number,
            Organization.name,
            Organization.email,
            Organization.phone,
            Organization.website,
        ).where(Organization.status == ACTIVE)
    )
    listings = [Listing(*row) for row in rows]
    # Sorted here, not in SQL: SQLite and PostgreSQL collate case differently.
    return sorted(listings, key=lambda p: (p.name.casefold(), p.number))


def find(listings: list[Listing], query: str) -> list[Listing]:
    """Return the listings matching the query, best first; all of them for an empty one."""
    if not query.strip():
        return listings
    matches = rank(query, [p.name for p in listings], [p.number for p in listings])
    return [listings[m.index] for m in matches]


def directory_page(session: Session, query: str = "", page: int = 1) -> DirectoryPage:
    """Return one page of the approved providers matching the query."""
    found = find(approved_providers(session), query)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return DirectoryPage(tuple(found[start : start + PAGE_SIZE]), len(found), page, pages)


def similar_providers(session: Session, name: str, limit: int = 5) -> list[Listing]:
    """Return the approved providers whose name is like this one, best first."""
    listings = approved_providers(session)
    matches = rank(name, [p.name for p in listings])
    return [listings[m.index] for m in matches[:limit]]
