"""Which moves of the workflows the scenarios played: each transition, per source state,
set against the moves the cases actually made.

Pure: the moves made come from the runner (read back from the audit trail); this module
only compares them with the workflow specs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.spec.model import WorkflowSpec


@dataclass(frozen=True, order=True)
class Move:
    """One move of one workflow: a trigger taking an application from a state to another."""

    workflow: str
    trigger: str
    source: str
    dest: str

    def __str__(self) -> str:
        return f"{self.workflow}: {self.trigger}: {self.source} → {self.dest}"


@dataclass(frozen=True)
class WorkflowCoverage:
    """The moves of one workflow, split into those some case made and those none did."""

    workflow: str
    exercised: tuple[Move, ...]
    missing: tuple[Move, ...]

    @property
    def total(self) -> int:
        """Count the moves the workflow declares."""
        return len(self.exercised) + len(self.missing)


def spec_moves(workflow: WorkflowSpec) -> list[Move]:
    """Return every move a workflow declares: one per transition and source state."""
    # A transition leaving several states is several paths: each needs its own case.
    moves = (
        Move(workflow.name, t.trigger, source, t.dest)
        for t in workflow.transitions
        for source in t.sources
    )
    return list(dict.fromkeys(moves))


def coverage(workflows: Iterable[WorkflowSpec], made: Iterable[Move]) -> list[WorkflowCoverage]:
    """Set each workflow's moves against the moves made; one entry per workflow, by name."""
    seen = set(made)
    report = []
    for workflow in sorted(workflows, key=lambda w: w.name):
        moves = spec_moves(workflow)
        report.append(
            WorkflowCoverage(
                workflow.name,
                tuple(m for m in moves if m in seen),
                tuple(m for m in moves if m not in seen),
            )
        )
    return report


def missing(workflows: Iterable[WorkflowSpec], made: Iterable[Move]) -> list[Move]:
    """Return the moves of these workflows that none of the moves made exercised."""
    return [m for entry in coverage(workflows, made) for m in entry.missing]
