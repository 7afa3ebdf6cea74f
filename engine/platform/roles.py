"""The roles an account can hold: what the engine itself knows about them."""

from __future__ import annotations

ROLES = ("applicant", "reviewer", "admin")
# The roles that see and judge everyone's applications (never their own, see attempts).
STAFF_ROLES = frozenset({"reviewer", "admin"})
