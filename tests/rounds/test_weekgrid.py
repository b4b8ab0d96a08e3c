from datetime import date, time

from hypothesis import given
from hypothesis import strategies as st

from apps.rounds.weekgrid import (
    MINUTES_PER_WEEK,
    cells_to_intervals,
    intervals_to_cells,
    occurrence,
    slot_in_zone,
)

WINTER = date(2027, 1, 11)  # a Monday, London on GMT, New York on EST
SUMMER = date(2027, 7, 12)  # a Monday, London on BST, New York on EDT


def test_monday_evening_in_london_is_stored_in_utc_for_the_rounds_season():
    cells = [(0, 18 * 60), (0, 18 * 60 + 30)]
    assert cells_to_intervals(cells, zone="Europe/London", week_of=WINTER) == [(1080, 1140)]
    assert cells_to_intervals(cells, zone="Europe/London", week_of=SUMMER) == [(1020, 1080)]


def test_availability_entered_for_a_summer_round_reads_back_the_same_in_summer():
    cells = {(0, 18 * 60), (2, 19 * 60 + 30), (6, 23 * 60 + 30)}
    stored = cells_to_intervals(cells, zone="Europe/London", week_of=SUMMER)
    assert intervals_to_cells(stored, zone="Europe/London", week_of=SUMMER) == cells


def test_sunday_late_evening_east_of_utc_wraps_to_the_start_of_the_week():
    # Monday 00:30 in Tokyo is Sunday 15:30 UTC; Monday 08:00 Tokyo is Sunday 23:00 UTC.
    stored = cells_to_intervals(
        [(0, 8 * 60), (0, 8 * 60 + 30), (0, 9 * 60)], zone="Asia/Tokyo", week_of=WINTER
    )
    assert stored == [(0, 30), (MINUTES_PER_WEEK - 60, MINUTES_PER_WEEK)]


def test_everything_or_nothing_selected_behaves():
    every = [(day, minute) for day in range(7) for minute in range(0, 1440, 30)]
    assert cells_to_intervals(every, zone="America/New_York", week_of=SUMMER) == [
        (0, MINUTES_PER_WEEK)
    ]
    assert cells_to_intervals([], zone="America/New_York", week_of=SUMMER) == []
    assert intervals_to_cells([], zone="America/New_York", week_of=SUMMER) == set()


def test_a_cohorts_local_time_stays_fixed_across_dst():
    before = occurrence(
        zone="Europe/London", weekday=1, local_time=time(19), week_of=date(2027, 3, 22)
    )
    after = occurrence(
        zone="Europe/London", weekday=1, local_time=time(19), week_of=date(2027, 3, 29)
    )
    assert (before.hour, after.hour) == (19, 18)  # in UTC


def test_slot_in_zone_reads_a_utc_slot_as_local_weekday_and_time():
    assert slot_in_zone(1080, zone="America/New_York", week_of=SUMMER) == (0, time(14))
    assert slot_in_zone(60, zone="America/Los_Angeles", week_of=SUMMER) == (6, time(18))


zones = st.sampled_from(
    [
        "Europe/London",
        "America/New_York",
        "Asia/Kolkata",
        "Australia/Adelaide",
        "Pacific/Auckland",
        "UTC",
    ]
)
cells = st.sets(st.tuples(st.integers(0, 6), st.sampled_from(range(0, 1440, 30))), max_size=60)
weeks = st.sampled_from([WINTER, SUMMER, date(2027, 3, 29), date(2027, 10, 4)])


@given(cells=cells, zone=zones, week_of=weeks)
def test_cells_survive_a_round_trip_through_utc(cells, zone, week_of):
    stored = cells_to_intervals(cells, zone=zone, week_of=week_of)
    assert intervals_to_cells(stored, zone=zone, week_of=week_of) == cells


def test_a_reference_week_with_a_clock_change_still_reads_back_the_same_cells():
    # New Zealand leaves summer time on Sunday 4 April 2027, inside this week.
    week = date(2027, 3, 29)
    cells = {(6, 23 * 60 + 30), (0, 0)}
    stored = cells_to_intervals(cells, zone="Pacific/Auckland", week_of=week)
    assert intervals_to_cells(stored, zone="Pacific/Auckland", week_of=week) == cells
