"""The cyclic week: availability and meetings that run from Sunday into Monday.

The properties compare each function with the plainest possible model of the week: the set
of its minutes that an interval list holds.
"""

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from apps.rounds.cyclic_week import (
    MINUTES_PER_WEEK,
    covers,
    meeting_starts,
    normalise,
    overlap,
    split_at_week_end,
    subtract,
)

SUNDAY_23 = MINUTES_PER_WEEK - 60
SUNDAY_2330 = MINUTES_PER_WEEK - 30


def minutes_in(intervals) -> set[int]:
    return {m % MINUTES_PER_WEEK for start, end in intervals for m in range(start, end)}


# A handful of intervals, often near Sunday midnight, some wrapping, some given past the week.
near_midnight = st.sampled_from([SUNDAY_23, SUNDAY_2330, 0, 30, 60, MINUTES_PER_WEEK])
starts = st.one_of(near_midnight, st.integers(-MINUTES_PER_WEEK, 2 * MINUTES_PER_WEEK))
lengths = st.one_of(st.sampled_from([0, 30, 60, 90]), st.integers(-30, MINUTES_PER_WEEK + 30))
intervals = st.lists(st.tuples(starts, lengths).map(lambda x: (x[0], x[0] + x[1])), max_size=4)
meeting_lengths = st.one_of(st.sampled_from([30, 60, 90]), st.integers(1, MINUTES_PER_WEEK))
week_minutes = st.one_of(near_midnight, st.integers(0, MINUTES_PER_WEEK - 1))


def test_free_on_sunday_evening_and_monday_morning_means_free_across_midnight():
    sunday_evening, monday_morning = (SUNDAY_23, MINUTES_PER_WEEK), (0, 60)
    assert covers([sunday_evening, monday_morning], SUNDAY_2330, 60)
    assert covers([monday_morning, sunday_evening], SUNDAY_2330, 90)
    assert not covers([sunday_evening, monday_morning], SUNDAY_2330, 120)
    assert not covers([sunday_evening], SUNDAY_2330, 60)


def test_time_either_side_of_midnight_is_one_interval_that_runs_into_monday():
    joined = (SUNDAY_23, MINUTES_PER_WEEK + 60)
    assert normalise([(0, 60), (SUNDAY_23, MINUTES_PER_WEEK)]) == [joined]
    assert normalise([(60, 120), (120, 180), (SUNDAY_2330, MINUTES_PER_WEEK + 30)]) == [
        (60, 180),
        (SUNDAY_2330, MINUTES_PER_WEEK + 30),
    ]
    assert normalise([(0, 5000), (5000, MINUTES_PER_WEEK)]) == [(0, MINUTES_PER_WEEK)]


def test_for_storage_the_interval_across_midnight_is_cut_in_two():
    assert split_at_week_end([(SUNDAY_2330, MINUTES_PER_WEEK + 60), (120, 180)]) == [
        (0, 60),
        (120, 180),
        (SUNDAY_2330, MINUTES_PER_WEEK),
    ]


def test_meeting_starts_lie_on_the_slot_grid_including_those_that_cross_midnight():
    # 17:50 to 20:00: a 90-minute meeting fits from 18:00 or 18:30 on a 30-minute grid.
    assert meeting_starts([(1070, 1200)], 30, 90) == [36, 37]
    assert meeting_starts([(1070, 1150)], 30, 90) == []
    assert meeting_starts([(0, 60), (SUNDAY_23, MINUTES_PER_WEEK)], 30, 90) == [334, 335]
    assert meeting_starts([(0, MINUTES_PER_WEEK)], 60, 90) == list(range(168))


def test_meetings_either_side_of_midnight_on_sunday_overlap():
    assert overlap(SUNDAY_2330, 30, 90)
    assert not overlap(MINUTES_PER_WEEK - 90, 0, 90)


def test_taking_out_a_meeting_across_midnight_shortens_both_sides():
    free = [(SUNDAY_23 - 60, MINUTES_PER_WEEK), (0, 120)]
    assert subtract(free, SUNDAY_2330, 90) == [(60, 120), (SUNDAY_23 - 60, SUNDAY_2330)]
    assert subtract([(0, 600)], 120, 90) == [(0, 120), (210, 600)]
    assert subtract([(300, 400)], 0, 90) == [(300, 400)]


@given(intervals)
def test_normalising_keeps_the_same_minutes_in_the_one_canonical_form(given_intervals):
    result = normalise(given_intervals)
    assert minutes_in(result) == minutes_in(given_intervals)
    assert result == sorted(result)
    assert all(0 <= start < MINUTES_PER_WEEK and start < end for start, end in result)
    # Disjoint and never touching, also round Sunday midnight.
    for (_, end), (next_start, _) in pairwise(result):
        assert end < next_start
    if len(result) > 1:
        assert result[-1][1] < result[0][0] + MINUTES_PER_WEEK
    assert all(end <= MINUTES_PER_WEEK for _, end in result[:-1])
    assert normalise(result) == result


@given(intervals)
def test_stored_pieces_hold_the_same_minutes_and_never_wrap(given_intervals):
    stored = split_at_week_end(given_intervals)
    assert minutes_in(stored) == minutes_in(given_intervals)
    assert all(0 <= start < end <= MINUTES_PER_WEEK for start, end in stored)
    assert normalise(stored) == normalise(given_intervals)


@given(intervals, week_minutes, meeting_lengths)
def test_covers_means_every_minute_of_the_meeting_is_free(given_intervals, start, minutes):
    meeting = minutes_in([(start, start + minutes)])
    expected = meeting <= minutes_in(given_intervals)
    assert covers(given_intervals, start, minutes) == expected
    # The stored form and the joined form give the same answer.
    assert covers(split_at_week_end(given_intervals), start, minutes) == expected


@given(intervals, st.sampled_from([15, 30, 60, 90]), meeting_lengths)
def test_meeting_starts_are_exactly_the_slots_that_covers_allows(given_intervals, slot, minutes):
    expected = [
        k for k in range(MINUTES_PER_WEEK // slot) if covers(given_intervals, k * slot, minutes)
    ]
    assert meeting_starts(given_intervals, slot, minutes) == expected
    assert meeting_starts(split_at_week_end(given_intervals), slot, minutes) == expected


@given(week_minutes, week_minutes, meeting_lengths)
def test_overlap_means_two_meetings_share_a_minute(first, second, minutes):
    shared = minutes_in([(first, first + minutes)]) & minutes_in([(second, second + minutes)])
    assert overlap(first, second, minutes) == bool(shared)


@given(intervals, week_minutes, meeting_lengths)
def test_subtracting_a_meeting_removes_exactly_its_minutes(given_intervals, start, minutes):
    left = subtract(given_intervals, start, minutes)
    meeting = minutes_in([(start, start + minutes)])
    assert minutes_in(left) == minutes_in(given_intervals) - meeting
    assert normalise(left) == left
