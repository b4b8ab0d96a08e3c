"""Counting a round's weeks: "Week N of M" from the schedule and the person's date."""

from datetime import date

import pytest

from apps.home.selectors.schedule import round_week
from apps.rounds.models import RoundUnit

# Three sessions on the Mondays of 1, 8 and 22 March: the week of the 15th is a break.
MONDAYS = [date(2027, 3, 1), date(2027, 3, 8), date(2027, 3, 22)]
SCHEDULE = [RoundUnit(unit_id=n, week_starts_on=monday) for n, monday in enumerate(MONDAYS, 1)]


def week(today: date, schedule=SCHEDULE):
    return round_week(schedule, today=today, starts_on=date(2027, 3, 1))


@pytest.mark.parametrize(
    "today, number, unit",
    [
        (date(2027, 3, 1), 1, 1),
        (date(2027, 3, 7), 1, 1),
        (date(2027, 3, 8), 2, 2),
        (date(2027, 3, 17), 2, 2),  # the break keeps the week before
        (date(2027, 3, 28), 3, 3),
    ],
)
def test_the_week_number_counts_the_weeks_with_sessions(today, number, unit):
    current = week(today)
    assert current.is_running
    assert (current.number, current.total) == (number, 3)
    assert [entry.unit_id for entry in current.sessions] == [unit]


def test_before_the_first_week_the_round_has_not_started():
    current = week(date(2027, 2, 28))
    assert current.is_before and not current.is_running
    assert current.starts_on == date(2027, 3, 1)
    assert current.sessions == []


def test_after_the_last_weeks_sunday_the_round_is_over():
    assert week(date(2027, 3, 28)).is_running
    current = week(date(2027, 3, 29))
    assert current.is_over and not current.is_running
    assert current.ends_on == date(2027, 3, 28)
    assert current.sessions == []


def test_two_sessions_in_one_week_are_both_this_weeks():
    schedule = [*SCHEDULE, RoundUnit(unit_id=4, week_starts_on=date(2027, 3, 22))]
    current = week(date(2027, 3, 23), schedule)
    assert (current.number, current.total) == (3, 3)
    assert [entry.unit_id for entry in current.sessions] == [3, 4]


def test_a_round_without_a_schedule_goes_by_its_start_date():
    assert week(date(2027, 2, 1), []).is_before
    current = week(date(2027, 3, 2), [])
    assert not current.is_scheduled and not current.is_before and not current.is_over
