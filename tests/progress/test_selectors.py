import pytest

from apps.progress.selectors.cohort_grid import cohort_grid
from apps.progress.selectors.round_export import round_grids
from apps.progress.selectors.round_overview import round_overview
from apps.progress.selectors.schedule import round_schedule
from tests.factories import CohortFactory
from tests.progress.conftest import populate

pytestmark = pytest.mark.django_db


def grid_of(small):
    sessions = round_schedule(round=small.course.round)
    return cohort_grid(cohort=small.cohort, sessions=sessions)


def row_named(rows, name):
    (row,) = [row for row in rows if row.name == name]
    return row


def test_the_schedule_lists_sessions_in_order_with_their_readings_and_exercises(small):
    sessions = round_schedule(round=small.course.round)

    assert [s.display_title for s in sessions] == [
        "Session 1: Topic 1",
        "Session 2: Topic 2",
        "Session 3: Topic 3",
    ]
    assert [s.resources_total for s in sessions] == [3, 2, 1]
    assert [[e.slug for e in s.exercises] for s in sessions] == [
        ["s1-ex0", "s1-ex1"],
        ["s2-ex0"],
        [],
    ]


def test_cells_show_readings_done_exercise_statuses_and_attendance(small):
    grid = grid_of(small)
    ada = row_named(grid.rows, "Ada")
    first, second, third = ada.cells

    assert (first.resources_done, second.resources_done, third.resources_done) == (3, 1, 0)
    assert [m.code for m in first.exercises] == ["submitted", "submitted_late"]
    assert [m.code for m in second.exercises] == ["accepted"]
    assert third.exercises == ()
    assert [c.attendance.code for c in ada.cells] == ["present", "excused", "upcoming"]


def test_a_participant_who_is_behind_shows_returned_draft_and_not_started_work(small):
    ben = row_named(grid_of(small).rows, "Ben")
    first, second, _ = ben.cells

    assert first.resources_done == 1
    assert [m.code for m in first.exercises] == ["returned", "draft"]
    assert [m.code for m in second.exercises] == ["not_started"]
    assert [c.attendance.code for c in ben.cells] == ["absent", "not_recorded", "upcoming"]


def test_meetings_still_to_come_are_blank(small):
    third = row_named(grid_of(small).rows, "Ada").cells[2]

    assert third.attendance.is_blank
    assert not third.meeting_held


def test_row_totals_count_readings_handed_in_work_and_meetings_attended(small):
    grid = grid_of(small)
    ada, ben = row_named(grid.rows, "Ada"), row_named(grid.rows, "Ben")

    assert (ada.resources_done, ada.resources_total, ada.resources_percent) == (4, 6, 67)
    assert (ada.exercises_handed_in, ada.exercises_total) == (3, 3)
    assert (ada.meetings_attended, ada.meetings_held, ada.meetings_excused) == (1, 2, 1)
    assert (ben.resources_percent, ben.exercises_handed_in, ben.meetings_attended) == (17, 0, 0)


def test_people_who_left_are_listed_apart_and_left_out_of_the_totals(small):
    grid = grid_of(small)

    assert [row.name for row in grid.rows] == ["Ada", "Ben"]
    assert [row.name for row in grid.former] == ["Cy"]
    assert grid.former[0].status == "dropped"
    first = grid.totals[0]
    # Cy did every reading of session 1 and came to its meeting; none of it counts.
    assert (first.participants, first.readings, first.attended) == (2, 1, 1)


def test_column_totals_count_who_did_the_readings_submitted_and_attended(small):
    first, second, third = grid_of(small).totals

    assert (first.readings, first.submitted, first.attended) == (1, 1, 1)
    assert (second.readings, second.submitted, second.attended) == (0, 1, 0)
    assert second.attended_base == 2  # the excused absence is not attendance
    assert (third.readings, third.readings_base) == (0, 2)
    assert third.submitted_share is None  # no exercises in session 3
    assert third.attended_share is None  # its meeting is still to come
    assert (first.readings_percent, first.submitted_percent, first.attended_percent) == (50, 50, 50)


def test_cohort_wide_totals_add_up_the_rows(small):
    grid = grid_of(small)

    assert grid.resources_percent == 42  # 5 of 12 readings across Ada and Ben
    assert (grid.exercises_handed_in, grid.exercises_total) == (3, 6)
    assert (grid.meetings_attended, grid.meetings_held) == (1, 4)


def test_a_cancelled_meeting_is_not_held_and_says_so(small):
    small.meetings[1].is_cancelled = True
    small.meetings[1].save()

    grid = grid_of(small)

    assert row_named(grid.rows, "Ben").cells[1].attendance.code == "cancelled"
    assert grid.totals[1].attended_base == 0


def test_someone_who_moved_keeps_attendance_recorded_in_their_old_cohort(small):
    from apps.cohorts.models import Placement
    from tests.progress.conftest import meeting

    new_home = CohortFactory(round=small.course.round, name="Thursday Larks")
    meeting(new_home, small.course.units[0], small.meetings[0].starts_at.date())
    Placement.objects.filter(enrollment=small.ada).update(cohort=new_home)
    sessions = round_schedule(round=small.course.round)

    grid = cohort_grid(cohort=new_home, sessions=sessions)

    first, second, _ = row_named(grid.rows, "Ada").cells
    assert first.attendance.code == "present"
    assert first.attended  # Thursday Larks held session 1 too
    assert second.attendance.code == "excused"
    assert not second.meeting_held  # but has no meeting for session 2
    assert grid.totals[0].attended == 1


def test_the_round_overview_agrees_with_each_cohorts_grid(small):
    other = CohortFactory(round=small.course.round, name="Wednesday Wrens")
    populate(other, small.course, size=7)
    sessions = round_schedule(round=small.course.round)

    overview = round_overview(round=small.course.round, sessions=sessions)
    grids = {g.cohort.pk: g for g in round_grids(round=small.course.round, sessions=sessions)}

    assert [s.cohort.name for s in overview.cohorts] == ["Tuesday Owls", "Wednesday Wrens"]
    assert overview.participants == 9
    for summary in overview.cohorts:
        assert summary.per_session == grids[summary.cohort.pk].totals
    assert overview.totals == [
        a + b for a, b in zip(*(s.per_session for s in overview.cohorts), strict=True)
    ]


def test_round_grids_read_cohorts_in_batches(small, django_assert_num_queries):
    for name in ["A", "B", "C"]:
        populate(CohortFactory(round=small.course.round, name=name), small.course, size=2)
    sessions = round_schedule(round=small.course.round)

    # One query for the cohorts, then five per batch of two cohorts: two batches.
    with django_assert_num_queries(1 + 5 * 2):
        grids = list(round_grids(round=small.course.round, sessions=sessions, batch_size=2))

    assert [len(g.rows) for g in grids] == [2, 2, 2, 2]
