"""Properties of the grouping algorithm on random small problems (hypothesis)."""

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.grouping.solver import (
    WEEK_MINUTES,
    Facilitator,
    Participant,
    Problem,
    greedy,
    solve,
    upper_bound,
    validate,
)

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def intervals(draw, anchors: list[int]) -> tuple[int, int]:
    """An interval near one of a few shared anchor times, so that people overlap often."""
    anchor = draw(st.sampled_from(anchors))
    start = (anchor + draw(st.integers(-4, 4)) * 15) % WEEK_MINUTES
    return (start, start + draw(st.integers(2, 16)) * 15)


@st.composite
def problems(draw) -> Problem:
    """Small problems with sizes, grids and times (including ones that wrap) all varied."""
    anchors = draw(
        st.lists(
            st.one_of(
                st.integers(0, WEEK_MINUTES // 60 - 1).map(lambda h: h * 60),
                st.sampled_from([WEEK_MINUTES - 60, WEEK_MINUTES - 30, 0]),
            ),
            min_size=1,
            max_size=3,
        )
    )
    min_size = draw(st.integers(1, 3))
    max_size = draw(st.integers(min_size, min_size + 3))
    availability = st.lists(intervals(anchors), max_size=3)
    participants = [
        Participant(f"p{i}", draw(availability), draw(st.none() | st.integers(0, 3)))
        for i in range(draw(st.integers(0, 14)))
    ]
    facilitators = [
        Facilitator(f"f{i}", draw(availability), draw(st.integers(1, 2)))
        for i in range(draw(st.integers(1, 4)))
    ]
    return Problem(
        slot_minutes=draw(st.sampled_from([15, 30, 60])),
        meeting_minutes=draw(st.sampled_from([45, 60, 90, 120])),
        min_size=min_size,
        max_size=max_size,
        target_size=draw(st.integers(min_size, max_size)),
        time_limit_seconds=2,
        participants=participants,
        facilitators=facilitators,
    )


@FAST
@given(problems())
def test_results_are_valid_and_the_solver_sits_between_the_greedy_and_the_bound(problem):
    baseline = greedy(problem)
    result = solve(problem)
    assert validate(problem, baseline) == []
    assert validate(problem, result) == []
    assert baseline.stats["placed"] <= result.stats["placed"] <= upper_bound(problem)


@FAST
@given(problems(), st.data())
def test_re_running_with_kept_cohorts_keeps_them_and_stays_valid(problem, data):
    first = solve(problem)
    chosen = data.draw(
        st.sets(st.sampled_from(range(len(first.cohorts)))) if first.cohorts else st.just(set())
    )
    kept = [first.cohorts[i] for i in sorted(chosen)]
    again = replace(problem, fixed_cohorts=kept)
    result = solve(again)
    assert validate(again, result) == []
    for old, new in zip(kept, result.cohorts, strict=False):
        assert (new.facilitator, new.start) == (old.facilitator, old.start)
        assert set(old.participants) <= set(new.participants)
    assert result.stats["placed"] <= upper_bound(again)
