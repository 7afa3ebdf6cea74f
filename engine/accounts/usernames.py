"""Sign-in names for provider accounts: first initial + last name (JDoe), made unique."""

from __future__ import annotations

import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.platform.models import User

MAX_USERNAME_LENGTH = 100


def _letters(text: str) -> str:
    # Accents are folded (José → Jose) so the name can be typed on any keyboard.
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded if c.isalnum())


def base_username(full_name: str) -> str:
    """Return first initial + last name, letters and digits only ("Jane van Doe" → JDoe)."""
    words = [w for w in (_letters(part) for part in full_name.split()) if w]
    if not words:
        return "user"
    if len(words) == 1:
        return words[0].capitalize()[:40]
    last = words[-1]
    return (words[0][0].upper() + last[0].upper() + last[1:])[:40]


def make_username(session: Session, full_name: str) -> str:
    """Return a username for this person that no account has yet (JDoe, JDoe2, JDoe3...)."""
    base = base_username(full_name)
    taken = {
        name.lower()
        for name in session.scalars(
            select(User.username).where(func.lower(User.username).like(base.lower() + "%"))
        )
        if name
    }
    if base.lower() not in taken:
        return base
    n = 2
    while f"{base}{n}".lower() in taken:
        n += 1
    return f"{base}{n}"


def find_by_username(session: Session, username: str) -> User | None:
    """Return the account with this username, ignoring case."""
    name = username.strip().lower()
    if not name:
        return None
    return session.scalar(select(User).where(func.lower(User.username) == name))
