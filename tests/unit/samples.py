"""Answers shared by unit tests: a complete, valid provider registration."""

from __future__ import annotations

from typing import Any

SHIPPED_ANSWERS: dict[str, Any] = {
    "legal_name": "Big Sky Teacher Academy",
    "org_type": "government_agency",
    "street": "1300 11th Avenue",
    "city": "Helena",
    "state": "MT",
    "zip": "59601",
    "phone": "406 444 3095",
    "manager_name": "Jordan Rivers",
    "manager_title": "Director",
    "manager_email": "jordan@bigsky.example.org",
    "manager_phone": "406 555 0100",
    "has_other_users": False,
    "description": "Literacy and mathematics coaching cycles for K-8 teachers, with visits.",
    "audiences": ["teachers"],
    "events_per_year": 12,
    "attest_714": True,
    "attest_215": True,
    "attest_216": True,
    "attest_records": True,
}
