"""Properties of the grouping algorithm on random small problems (hypothesis)."""

from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.grouping.solver import (
    Facilitator,
    Participant,
    Problem,
    SoftTier,
    greedy,
    solve,
    upper_bound,
    validate,
)
from apps.grouping.solver.prepare import prepare
from apps.rounds.cyclic_week import MINUTES_PER_WEEK
from apps.rounds.weekgrid import cells_to_intervals, intervals_to_cells, local_to_week_minute

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def intervals(draw, anchors: list[int]) -> tuple[int, int]:
    """An interval near one of a few shared anchor times, so that people overlap often."""
    anchor = draw(st.sampled_from(anchors))
    start = (anchor + draw(st.integers(-4, 4)) * 15) % MINUTES_PER_WEEK
    return (start, start + draw(st.integers(2, 16)) * 15)


@st.composite
def problems(draw) -> Problem:
    """Small problems with sizes, grids and times (including ones that wrap) all varied."""
    anchors = draw(
        st.lists(
            st.one_of(
                st.integers(0, MINUTES_PER_WEEK // 60 - 1).map(lambda h: h * 60),
                st.sampled_from([MINUTES_PER_WEEK - 60, MINUTES_PER_WEEK - 30, 0]),
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


@FAST
@given(problems(), st.integers(1, 3), st.sampled_from([0, 15, 30, 60]), st.booleans())
def test_with_the_soft_tier_results_stay_valid_and_strict_cohorts_keep_their_members(
    problem, members, minutes, priority
):
    # Some people are priority, and the last one gave only a time zone, to exercise those too.
    people = [
        replace(p, priority=priority and i % 2 == 0) for i, p in enumerate(problem.participants)
    ]
    if people:
        people[-1] = replace(people[-1], availability=[], time_zone="Asia/Kolkata")
    strict = replace(problem, participants=people)
    tier = SoftTier(members, minutes, default_window=True, week_of=date(2027, 3, 1))
    softer = replace(strict, soft=tier)
    before = solve(strict)
    after = solve(softer)
    assert validate(softer, after) == []
    kept = {(c.facilitator, c.start): set(c.participants) for c in after.cohorts}
    for cohort in before.cohorts:
        assert set(cohort.participants) <= kept[cohort.facilitator, cohort.start]
    for cohort in after.cohorts:
        assert len(cohort.soft_members) <= members


# The availability page and the grouping solver read the same availability the same way.

zones = st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Tokyo", "UTC"])
cells = st.sets(st.tuples(st.integers(0, 6), st.sampled_from(range(0, 1440, 30))), max_size=40)
WEEK_OF = date(2027, 1, 11)


@given(cells, zones, st.sampled_from([30, 60, 90]))
def test_the_solver_can_start_a_meeting_where_the_page_shows_enough_free_cells_in_a_row(
    chosen, zone, minutes
):
    stored = cells_to_intervals(chosen, zone=zone, week_of=WEEK_OF)
    shown = intervals_to_cells(stored, zone=zone, week_of=WEEK_OF)
    assert shown == chosen
    problem = Problem(
        slot_minutes=30,
        meeting_minutes=minutes,
        min_size=1,
        max_size=1,
        target_size=1,
        time_limit_seconds=1,
        participants=[Participant("p", stored)],
        facilitators=[Facilitator("f", [(0, MINUTES_PER_WEEK)])],
    )
    solver_starts = {k * 30 for k in prepare(problem).participant_starts[0]}
    # A meeting can start at a cell when that cell and the ones after it, into the next day
    # and from Sunday into Monday, are all shown as free.
    page_starts = {
        local_to_week_minute(zone, WEEK_OF, day, minute)
        for day, minute in shown
        if all(
            divmod((day * 1440 + minute + step) % MINUTES_PER_WEEK, 1440) in shown
            for step in range(0, minutes, 30)
        )
    }
    assert solver_starts == page_starts


def test_soft_members_alone_never_make_a_cohort_below_the_minimum():
    """Found by the property above on a fresh machine: two people who can make no meeting
    were put together as a new cohort of two, since each new cohort counted as able to take
    two soft members, with nobody left who could make the whole meeting."""
    free = [(0, 45)]
    people = [
        *(Participant(id=f"p{i}", availability=[]) for i in range(7)),
        *(Participant(id=f"p{i}", availability=free) for i in (7, 8, 9)),
        Participant(id="p10", availability=[], time_zone="Asia/Kolkata"),
    ]
    leads = [Facilitator(id=f"f{i}", availability=free, max_cohorts=1) for i in (0, 1)]
    problem = Problem(
        slot_minutes=15,
        meeting_minutes=45,
        min_size=3,
        max_size=4,
        target_size=3,
        time_limit_seconds=2,
        participants=people,
        facilitators=leads,
        soft=SoftTier(2, 60, default_window=True, week_of=date(2027, 3, 1)),
    )

    result = solve(problem)

    assert validate(problem, result) == []
    assert [sorted(c.participants) for c in result.cohorts] == [["p10", "p7", "p8", "p9"]]
