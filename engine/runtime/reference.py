"""The reference number of an application: what staff and applicants quote, e.g. 000012."""

from __future__ import annotations


def reference(application_id: int) -> str:
    """Return the reference number of an application, e.g. 000012."""
    return f"{application_id:06d}"
