"""Spreading applications over reviewers evenly: pure Python, no Django.

Each application needs `per_application` different reviewers. Those it has
already keep counting; each missing one goes to whichever eligible reviewer
has the fewest reviews in the round so far (ties to the lowest id, so a rerun
with the same input gives the same answer). Filling the applications that
need the most first keeps the loads within one of each other whenever the
pool is large enough.
"""

import heapq
from dataclasses import dataclass


@dataclass(frozen=True)
class Application:
    id: int
    reviewers: frozenset[int]  # already assigned
    excluded: frozenset[int] = frozenset()  # may not review it (it is their own)


def assign(
    applications: list[Application], loads: dict[int, int], *, per_application: int
) -> list[tuple[int, int]]:
    """New (application id, reviewer id) pairs; `loads` is each reviewer's current count."""
    loads = dict(loads)
    heap = [(load, reviewer) for reviewer, load in loads.items()]
    heapq.heapify(heap)
    pairs = []
    needing = sorted(applications, key=lambda a: (len(a.reviewers), a.id))
    for application in needing:
        taken = set(application.reviewers)
        skipped = []
        while len(taken) < per_application and heap:
            load, reviewer = heapq.heappop(heap)
            if reviewer in taken or reviewer in application.excluded:
                skipped.append((load, reviewer))
                continue
            taken.add(reviewer)
            pairs.append((application.id, reviewer))
            loads[reviewer] = load + 1
            heapq.heappush(heap, (load + 1, reviewer))
        for entry in skipped:
            heapq.heappush(heap, entry)
    return pairs
