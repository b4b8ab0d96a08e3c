"""The cohort grouping algorithm (apps.grouping.solver), without Django."""

import time

import pytest

from apps.grouping.solver import (
    Cohort,
    Facilitator,
    Participant,
    Problem,
    ProblemError,
    Result,
    Unplaced,
    greedy,
    solve,
    upper_bound,
    validate,
)
from apps.grouping.solver.arrange import ALL_FULL
from apps.grouping.solver.prepare import (
    NO_AVAILABILITY,
    NO_FACILITATOR,
    TOO_FEW_PEOPLE,
    too_short_reason,
)
from apps.rounds.cyclic_week import MINUTES_PER_WEEK
from bench.grouping.instances import make_problem

MONDAY_18 = 18 * 60
TUESDAY_18 = 1440 + 18 * 60
EVENING = (MONDAY_18, MONDAY_18 + 240)


def problem(participants, facilitators, **settings) -> Problem:
    """A problem with small, round defaults that tests override as they need."""
    values = {
        "slot_minutes": 30,
        "meeting_minutes": 90,
        "min_size": 2,
        "max_size": 4,
        "target_size": 3,
        "time_limit_seconds": 5,
    }
    values.update(settings)
    return Problem(participants=participants, facilitators=facilitators, **values)


def people(prefix: str, count: int, *intervals, experience=None) -> list[Participant]:
    return [Participant(f"{prefix}{i}", list(intervals), experience) for i in range(1, count + 1)]


def reasons(result: Result) -> dict[str, str]:
    return {u.id: u.reason for u in result.unplaced}


def sizes(result: Result) -> list[int]:
    return sorted(len(c.participants) for c in result.cohorts)


def solved(p: Problem) -> Result:
    """Solve and insist the answer is valid, as every test expects."""
    result = solve(p)
    assert validate(p, result) == []
    return result


# The cyclic week


def test_it_forms_a_cohort_that_runs_from_sunday_into_monday():
    late_sunday = (MINUTES_PER_WEEK - 60, MINUTES_PER_WEEK + 60)
    p = problem(
        people("p", 3, late_sunday),
        [Facilitator("f", [(MINUTES_PER_WEEK - 30, MINUTES_PER_WEEK + 120)])],
    )
    result = solved(p)
    assert [c.start for c in result.cohorts] == [MINUTES_PER_WEEK - 30]
    assert result.unplaced == []


def test_availability_stored_in_two_pieces_either_side_of_midnight_holds_a_meeting_across_it():
    # How the availability page stores Sunday 23:00 to Monday 01:00: two rows that never wrap.
    stored = [(0, 60), (MINUTES_PER_WEEK - 60, MINUTES_PER_WEEK)]
    p = problem(people("p", 3, *stored), [Facilitator("f", stored)], meeting_minutes=120)
    result = solved(p)
    assert [c.start for c in result.cohorts] == [MINUTES_PER_WEEK - 60]
    assert result.unplaced == []


# Sizes


def test_it_never_forms_a_cohort_below_min_size():
    p = problem(
        people("p", 3, EVENING),
        [Facilitator("f", [EVENING])],
        min_size=4,
        max_size=6,
        target_size=5,
    )
    result = solved(p)
    assert result.cohorts == []
    assert set(reasons(result).values()) == {TOO_FEW_PEOPLE}


def test_it_never_fills_a_cohort_beyond_max_size():
    p = problem(people("p", 6, EVENING), [Facilitator("f", [EVENING])])
    result = solved(p)
    assert sizes(result) == [4]
    assert list(reasons(result).values()) == [ALL_FULL, ALL_FULL]


def test_it_splits_a_crowd_into_cohorts_near_the_target_size():
    facilitators = [Facilitator(f"f{i}", [EVENING]) for i in range(4)]
    p = problem(people("p", 12, EVENING), facilitators, min_size=3, max_size=8, target_size=6)
    assert sizes(solved(p)) == [6, 6]


def test_it_mixes_experience_levels_within_cohorts_at_the_same_time():
    crowd = people("new", 6, EVENING, experience=0) + people("old", 6, EVENING, experience=3)
    facilitators = [Facilitator("f1", [EVENING]), Facilitator("f2", [EVENING])]
    p = problem(crowd, facilitators, min_size=3, max_size=8, target_size=6)
    experience = {person.id: person.experience for person in crowd}
    for cohort in solved(p).cohorts:
        assert sorted(experience[m] for m in cohort.participants) == [0, 0, 0, 3, 3, 3]


def test_it_spreads_cohorts_over_the_days_when_it_costs_nothing():
    both = [EVENING, (TUESDAY_18, TUESDAY_18 + 90)]
    facilitators = [Facilitator("f1", both), Facilitator("f2", both)]
    p = problem(people("p", 8, *both), facilitators, min_size=4, max_size=4, target_size=4)
    days = sorted(c.start // 1440 for c in solved(p).cohorts)
    assert days == [0, 1]


# Facilitators


def test_a_facilitator_never_leads_two_cohorts_at_overlapping_times():
    first = people("a", 2, (MONDAY_18, MONDAY_18 + 90))
    second = people("b", 2, (MONDAY_18 + 30, MONDAY_18 + 120))
    p = problem(first + second, [Facilitator("f", [EVENING], max_cohorts=2)])
    result = solved(p)
    assert len(result.cohorts) == 1
    assert len(result.unplaced) == 2


def test_a_facilitator_leads_no_more_than_max_cohorts():
    monday = people("a", 2, EVENING)
    tuesday = people("b", 2, (TUESDAY_18, TUESDAY_18 + 90))
    facilitator = [Facilitator("f", [EVENING, (TUESDAY_18, TUESDAY_18 + 90)], max_cohorts=1)]
    result = solved(problem(monday + tuesday, facilitator))
    assert len(result.cohorts) == 1
    assert set(reasons(result).values()) == {ALL_FULL}


def test_a_facilitator_may_lead_back_to_back_cohorts():
    early = people("a", 2, (MONDAY_18, MONDAY_18 + 90))
    late = people("b", 2, (MONDAY_18 + 90, MONDAY_18 + 180))
    p = problem(early + late, [Facilitator("f", [EVENING], max_cohorts=2)])
    assert sorted(c.start for c in solved(p).cohorts) == [MONDAY_18, MONDAY_18 + 90]


# Placing as many people as possible


def scarce_facilitator_problem() -> Problem:
    """Worked by hand: 7 people can be placed, but only if f1 takes the Tuesday cohort.

    Four people are free only on Monday, three only on Tuesday. f2 can only do Monday and
    f1 either day, each leading one cohort. Sending f1 to Monday (where more people are)
    strands the Tuesday three; the optimum gives Monday to f2 and Tuesday to f1.
    """
    tuesday = (TUESDAY_18, TUESDAY_18 + 90)
    return problem(
        people("mon", 4, EVENING) + people("tue", 3, tuesday),
        [Facilitator("f1", [EVENING, tuesday]), Facilitator("f2", [EVENING])],
        min_size=3,
    )


def test_it_places_the_most_people_possible_on_a_problem_worked_by_hand():
    result = solved(scarce_facilitator_problem())
    assert result.stats["placed"] == 7
    assert {(c.facilitator, c.start) for c in result.cohorts} == {
        ("f2", MONDAY_18),
        ("f1", TUESDAY_18),
    }


def test_the_upper_bound_matches_the_optimum_worked_by_hand():
    assert upper_bound(scarce_facilitator_problem()) == 7


def test_it_moves_flexible_people_to_make_room_for_those_with_one_option():
    # Two cohorts of at most 3: the flexible person must take Tuesday so that all three
    # Monday-only people fit on Monday.
    tuesday = (TUESDAY_18, TUESDAY_18 + 90)
    flexible = Participant("flex", [EVENING, tuesday])
    p = problem(
        [flexible, *people("mon", 3, EVENING), *people("tue", 1, tuesday)],
        [Facilitator("f1", [EVENING]), Facilitator("f2", [tuesday])],
        max_size=3,
    )
    result = solved(p)
    assert result.stats["placed"] == 5


# Reasons


def test_each_person_left_out_gets_the_reason_that_applies_to_them():
    f = Facilitator("f", [EVENING])
    p = problem(
        [
            Participant("silent", []),
            Participant("brief", [(MONDAY_18, MONDAY_18 + 60)]),
            Participant("elsewhere", [(TUESDAY_18, TUESDAY_18 + 240)]),
            Participant("alone", [(MONDAY_18 - 120, MONDAY_18 + 90)]),
            *people("p", 4, (MONDAY_18 + 120, MONDAY_18 + 240)),
        ],
        [f],
        min_size=2,
        max_size=3,
    )
    got = reasons(solved(p))
    assert got["silent"] == NO_AVAILABILITY
    assert got["brief"] == too_short_reason(90)
    assert got["elsewhere"] == NO_FACILITATOR
    assert got["alone"] == TOO_FEW_PEOPLE
    assert [got[f"p{i}"] for i in range(1, 5) if f"p{i}" in got] == [ALL_FULL]


# Kept cohorts (re-running for the people left out)


def test_kept_cohorts_stay_as_they_are_and_take_newcomers_with_room():
    kept = Cohort("f1", MONDAY_18, ["a1", "a2"])
    p = problem(
        people("a", 2, EVENING) + people("new", 1, EVENING),
        [Facilitator("f1", [EVENING]), Facilitator("f2", [EVENING])],
        fixed_cohorts=[kept],
    )
    result = solved(p)
    assert result.cohorts == [Cohort("f1", MONDAY_18, ["a1", "a2", "new1"])]


def test_kept_cohorts_use_up_their_facilitators_time():
    kept = Cohort("f", MONDAY_18, ["a1", "a2", "a3", "a4"])
    p = problem(
        people("a", 4, EVENING) + people("new", 2, (MONDAY_18 + 30, MONDAY_18 + 120)),
        [Facilitator("f", [EVENING], max_cohorts=2)],
        fixed_cohorts=[kept],
    )
    result = solved(p)
    assert result.cohorts == [kept]
    assert sorted(reasons(result)) == ["new1", "new2"]


def test_kept_cohorts_take_no_newcomers_when_filling_is_off():
    kept = Cohort("f1", MONDAY_18, ["a1", "a2"])
    p = problem(
        people("a", 2, EVENING) + people("new", 1, EVENING),
        [Facilitator("f1", [EVENING])],
        fixed_cohorts=[kept],
        fill_fixed_cohorts=False,
    )
    result = solved(p)
    assert result.cohorts == [kept]
    assert list(reasons(result)) == ["new1"]


# validate


def test_validate_names_every_rule_a_result_breaks():
    p = problem(
        people("p", 5, EVENING),
        [Facilitator("f", [EVENING], max_cohorts=1)],
    )
    bad = Result(
        cohorts=[
            Cohort("f", MONDAY_18, ["p1", "p2", "p1"]),
            Cohort("f", MONDAY_18 + 30, ["p3"]),
            Cohort("f", TUESDAY_18, ["p4", "ghost"]),
        ],
        unplaced=[Unplaced("p4", "because")],
    )
    errors = "\n".join(validate(p, bad))
    assert "'p1' is placed twice" in errors
    assert "cohorts[1]: has 1 participants" in errors
    assert "leads 3 cohorts, more than max_cohorts 1" in errors
    assert "overlapping cohorts cohorts[0] (at 1080) and cohorts[1] (at 1110)" in errors
    assert "cohorts[2]: facilitator 'f' is not available" in errors
    assert "cohorts[2]: participant 'p4' is not available" in errors
    assert "unknown participant 'ghost'" in errors
    assert "'p4' is also placed" in errors
    assert "'p5' is neither placed nor listed as unplaced" in errors


def test_validate_accepts_a_valid_result():
    p = problem(people("p", 2, EVENING), [Facilitator("f", [EVENING])])
    good = Result(cohorts=[Cohort("f", MONDAY_18, ["p1", "p2"])], unplaced=[])
    assert validate(p, good) == []


# The API around solve


def test_solve_rejects_a_malformed_problem_naming_the_field():
    p = problem(people("p", 2, EVENING), [Facilitator("f", [EVENING])], min_size=5, max_size=4)
    with pytest.raises(ProblemError, match="^min_size: "):
        solve(p)


def test_solve_reports_progress_with_the_count_placed_and_the_bound_until_done():
    calls = []
    p = problem(people("p", 4, EVENING), [Facilitator("f", [EVENING])])
    solve(p, progress=calls.append)
    shares = [call.share for call in calls]
    assert shares == sorted(shares)
    assert calls[-1].share == 1.0
    assert (calls[-1].placed, calls[-1].bound) == (4, 4)


def test_greedy_alone_gives_a_valid_result():
    p = scarce_facilitator_problem()
    result = greedy(p)
    assert validate(p, result) == []
    assert result.stats["placed"] <= solve(p).stats["placed"]


def test_solve_finishes_within_its_time_limit():
    # A realistic round too large to prove optimal in a second.
    p = make_problem(150, time_limit_seconds=1.5)
    started = time.monotonic()
    result = solve(p)
    assert time.monotonic() - started < 1.5 * 1.1
    assert validate(p, result) == []
