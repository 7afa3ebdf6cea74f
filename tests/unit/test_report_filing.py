"""Filing a report on a real database: a good count is stored and meets its obligation; a
bad answer or an unexplained difference from the certificates issued stores nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.applications import obligations as owed
from engine.applications.automatic import fire_automatic
from engine.obligations.filing import Filing, judge_and_file
from engine.platform.models import Obligation
from tests.unit import test_obligations_store as obligation_tests
from tests.unit.test_obligations_store import World, listed

# The obligations tests' database: the shipped definitions, a provider and a reviewer.
world = obligation_tests.world

FIRST_DAY = date(2027, 3, 16)  # the event's first date; its count may be filed from then


def _file(
    world: World, app_id: int, answers: dict[str, Any], which: int = 0, day: date = FIRST_DAY
) -> Filing:
    with world.db.transaction() as session:
        obligation = owed.for_application(session, app_id)[which]
        return judge_and_file(
            session,
            world.registry,
            obligation,
            answers,
            world.owner.id,
            day,
            world.calendar,
            world.mail,
        )


def _first(world: World, app_id: int) -> Obligation:
    with world.db.reading() as session:
        return owed.for_application(session, app_id)[0]


def test_a_count_like_the_certificates_issued_is_stored_and_meets_the_obligation(
    world: World,
) -> None:
    app_id = listed(world)
    filing = _file(world, app_id, {"certificates": 0})  # none issued in the system
    assert filing.filed and filing.problems == ()
    first = _first(world, app_id)
    assert (first.status, first.met_by) == (owed.MET, world.owner.id)
    assert first.data["answers"] == {"certificates": 0}
    assert (first.data["issued"], first.data["reported"]) == (0, 0)


def test_a_bad_answer_is_refused_and_nothing_is_stored(world: World) -> None:
    app_id = listed(world)
    filing = _file(world, app_id, {"certificates": -3})
    assert not filing.filed
    assert [p.field_id for p in filing.problems] == ["certificates"]
    first = _first(world, app_id)
    assert (first.status, first.data) == (owed.OPEN, {})


def test_a_differing_count_without_a_reason_is_refused_on_the_reason_question(
    world: World,
) -> None:
    app_id = listed(world)
    filing = _file(world, app_id, {"certificates": 24, "difference_reason": "  "})
    (problem,) = filing.problems
    assert (problem.field_id, problem.rule) == ("difference_reason", "reconcile")
    assert problem.message == (
        "You issued 0 certificates for this date here. Say why the number you report is different."
    )
    assert _first(world, app_id).status == owed.OPEN


def test_a_differing_count_with_a_reason_is_stored_with_both_numbers(world: World) -> None:
    app_id = listed(world)
    answers = {"certificates": 24, "difference_reason": " Given on paper. "}
    assert _file(world, app_id, answers).filed
    first = _first(world, app_id)
    assert first.status == owed.MET
    assert first.data["answers"] == answers
    assert {k: first.data[k] for k in ("issued", "reported", "reason")} == {
        "issued": 0,
        "reported": 24,
        "reason": "Given on paper.",
    }


def test_the_last_count_owed_moves_the_event_on_at_once(world: World) -> None:
    app_id = listed(world)
    fire_automatic(world.db, world.registry, FIRST_DAY, world.calendar, world.mail)
    assert _file(world, app_id, {"certificates": 0}).filed
    assert world.state(app_id) == "delivered"  # the second date is still owed
    assert _file(world, app_id, {"certificates": 0}, 1, date(2027, 3, 17)).filed
    assert world.state(app_id) == "reported"  # no worker run needed
