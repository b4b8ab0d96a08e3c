"""Value types shared by the allocation functions and their callers.

They are plain frozen dataclasses so that Django models, Celery tasks, tests and the
benchmark can all build them cheaply without importing anything from Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Pool = Literal["cohort", "round"]
"""Where reviewers come from: the author's own cohort first, or the whole round."""


class Status(StrEnum):
    """Life cycle of one review assignment, as the platform stores it."""

    NOT_STARTED = "not_started"
    STARTED = "started"
    DONE = "done"
    ABANDONED = "abandoned"
    HIDDEN = "hidden"
    """A facilitator hid the review; the author is owed a replacement."""


COVERING = frozenset({Status.NOT_STARTED, Status.STARTED, Status.DONE})
"""Statuses that count towards the k reviews a submission is promised."""

LOADED = COVERING | {Status.HIDDEN}
"""Statuses that count as work for the reviewer (a hidden review was still written)."""

OUTSTANDING = frozenset({Status.NOT_STARTED, Status.STARTED})
"""Statuses of work a reviewer still owes."""


@dataclass(frozen=True, slots=True)
class Submission:
    """One participant's plan, waiting for peer review."""

    id: str
    author: str
    cohort: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """Reviewer `reviewer` is asked to review submission `submission`.

    `cross_cohort` is true when the reviewer comes from another cohort, so the UI can
    tell both sides why a stranger is involved. New assignments always start as
    `Status.NOT_STARTED`; the caller supplies the real status of existing ones.
    """

    reviewer: str
    submission: str
    cross_cohort: bool = False
    status: Status = Status.NOT_STARTED


@dataclass(frozen=True, slots=True)
class Changes:
    """The difference to apply to stored assignments.

    `cancel` holds existing assignments (exactly as they were passed in) to mark
    abandoned; `create` holds new ones. Applying both leaves every promise kept.
    """

    cancel: tuple[Assignment, ...] = ()
    create: tuple[Assignment, ...] = ()
