"""Answers shared by unit tests: a complete, valid provider registration."""

from __future__ import annotations

from typing import Any

SHIPPED_ANSWERS: dict[str, Any] = {
    "legal_name": "Big Sky Teacher Academy",
    "org_type": "government_agency",
    "address": {"street": "1300 11th Avenue", "city": "Helena", "state": "MT", "zip": "59601"},
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

# A complete, valid event report: a two-day in-person workshop (stored answer types).
EVENT_ANSWERS: dict[str, Any] = {
    "title": "Reading coaching cycles",
    "summary": "Two days of coaching cycles for K-3 reading teachers, with practice.",
    "format": "in_person",
    "dates": [
        {"date": "2027-03-16", "schedule": "9:00 AM to 3:30 PM", "hours": 6, "units": 6},
        {"date": "2027-03-17", "schedule": "9:00 AM to 3:30 PM", "hours": 6, "units": 6},
    ],
    "location": "Helena High School library, 1300 Billings Avenue, Helena",
    "instructors": [{"name": "Casey Morgan", "qualifications": "Reading specialist"}],
    "audience": ["teachers"],
    "grade_band": ["early", "elementary"],
    "objectives": "Participants plan, teach and review a reading lesson with a coach.",
    "attest_arms": True,
    "standards": ["learning_communities", "learning_designs"],
    "traits": ["sustained", "collaborative", "job_embedded"],
    "evidence": "What Works Clearinghouse practice guide on foundational reading skills.",
    "cost": "Free",
    "contact_name": "Jordan Rivers",
    "contact_email": "jordan@bigsky.example.org",
    "publish": True,
}
