"""Peer-review allocation: who reviews whose submission in a round.

Pure Python with no Django imports, so the rules can be tested and benchmarked on
their own; models and tasks translate to and from these dataclasses.
See docs/peer-review-allocation.md for the guarantees and how they are met.
"""

from .api import allocate, fit_late_submissions, reassign
from .model import Assignment, Changes, Pool, Status, Submission

__all__ = [
    "Assignment",
    "Changes",
    "Pool",
    "Status",
    "Submission",
    "allocate",
    "fit_late_submissions",
    "reassign",
]
