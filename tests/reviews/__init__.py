"""Helpers shared by the peer-review allocation tests.

They look at assignments the way the platform will: as stored rows with a status, with
cancellations applied by marking rows abandoned.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from apps.reviews.allocation import Assignment, Changes, Status, Submission
from apps.reviews.allocation.model import COVERING, LOADED, OUTSTANDING

State = dict[tuple[str, str], Assignment]


def make_round(*sizes: int) -> list[Submission]:
    """Cohorts c0, c1, ... of the given sizes; author `pX.Y` wrote submission `sX.Y`."""
    return [
        Submission(f"s{c}.{i}", f"p{c}.{i}", f"c{c}")
        for c, size in enumerate(sizes)
        for i in range(size)
    ]


def state_of(assignments: Iterable[Assignment]) -> State:
    return {(a.reviewer, a.submission): a for a in assignments}


def apply(state: State, changes: Changes) -> State:
    """Store `changes` the way the platform would: cancelled rows become abandoned."""
    new = dict(state)
    for assignment in changes.cancel:
        key = (assignment.reviewer, assignment.submission)
        assert new[key] == assignment, "only stored assignments can be cancelled"
        new[key] = replace(assignment, status=Status.ABANDONED)
    for assignment in changes.create:
        key = (assignment.reviewer, assignment.submission)
        assert key not in new, f"{key} asked twice"
        new[key] = assignment
    return new


def coverage(submissions: list[Submission], state: State) -> Counter[str]:
    """Live reviews per submission, zero included."""
    counts = Counter({s.id: 0 for s in submissions})
    counts.update(a.submission for a in state.values() if a.status in COVERING)
    return counts


def loads(submissions: list[Submission], state: State, without: Iterable[str] = ()) -> Counter[str]:
    """Reviews each author is responsible for, zero included, leaving out `without`."""
    skip = set(without)
    counts = Counter({s.author: 0 for s in submissions if s.author not in skip})
    counts.update(
        a.reviewer for a in state.values() if a.status in LOADED and a.reviewer not in skip
    )
    return counts


def owes(state: State, reviewer: str) -> bool:
    return any(a.reviewer == reviewer and a.status in OUTSTANDING for a in state.values())


def reciprocal_pairs(submissions: list[Submission], state: State) -> set[frozenset[str]]:
    """Unordered pairs of authors who each hold a live review of the other."""
    author = {s.id: s.author for s in submissions}
    edges = {(a.reviewer, author[a.submission]) for a in state.values() if a.status in COVERING}
    return {frozenset(edge) for edge in edges if edge[::-1] in edges}


def eligible(
    submissions: list[Submission], state: State, sid: str, unavailable: Iterable[str] = ()
) -> list[str]:
    """Authors who could still be asked to review `sid`."""
    skip = set(unavailable)
    author = next(s.author for s in submissions if s.id == sid)
    return [
        s.author
        for s in submissions
        if s.author != author and s.author not in skip and (s.author, sid) not in state
    ]


def assert_well_formed(submissions: list[Submission], state: State) -> None:
    """Nobody reviews themselves and the cross-cohort flag tells the truth."""
    by_id = {s.id: s for s in submissions}
    cohort_of = {s.author: s.cohort for s in submissions}
    for (reviewer, sid), assignment in state.items():
        assert reviewer != by_id[sid].author, f"{reviewer} reviews their own submission"
        assert assignment.cross_cohort == (cohort_of[reviewer] != by_id[sid].cohort)
