"""Forming cohorts: who meets with whom, led by which facilitator, at what time each week.

This package is plain Python (with OR-Tools) and never imports Django, so it can be tested
and benchmarked on its own. The main entry points:

* ``solve(problem, progress=None)``: the full algorithm (greedy and LP starts, CP-SAT),
  with the proven bound and gap in the result's ``stats``;
* ``greedy(problem)``: the greedy start alone, as a fast baseline;
* ``validate(problem, result)``: every rule a result breaks, as sentences;
* ``upper_bound(problem)``: no grouping can place more participants than this (and
  ``plain_bound``, the weaker bound of the plain LP relaxation, for comparison);
* ``load_problem`` / ``dump_result``: the JSON file format, with ``ProblemError`` naming the
  field at fault in a malformed problem.

See docs/grouping.md for the model and the benchmark.
"""

from .bound import plain_bound, upper_bound
from .greedy import greedy
from .io import (
    ProblemError,
    check_problem,
    dump_result,
    load_problem,
    parse_problem,
    problem_to_dict,
    result_to_dict,
)
from .problem import (
    Cohort,
    Facilitator,
    Participant,
    Problem,
    Progress,
    Result,
    SoftMember,
    SoftTier,
    Unplaced,
)
from .solver import solve
from .validate import validate

__all__ = [
    "Cohort",
    "Facilitator",
    "Participant",
    "Problem",
    "ProblemError",
    "Progress",
    "Result",
    "SoftMember",
    "SoftTier",
    "Unplaced",
    "check_problem",
    "dump_result",
    "greedy",
    "load_problem",
    "parse_problem",
    "plain_bound",
    "problem_to_dict",
    "result_to_dict",
    "solve",
    "upper_bound",
    "validate",
]
