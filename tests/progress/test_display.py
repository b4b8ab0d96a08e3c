"""What the grid prints for each code the selectors hand over: symbols and words."""

import re

import pytest
from django.urls import reverse

from apps.cohorts.models import Attendance
from apps.progress.selectors.cohort_grid import AttendanceMark, ExerciseMark
from apps.progress.selectors.schedule import ExerciseColumn
from apps.progress.templatetags.progress import attendance_label, mark_symbol, mark_title
from apps.submissions.models import Submission
from tests.progress.conftest import log_in

ESSAY = ExerciseColumn(pk=1, slug="essay", title="Essay")


@pytest.mark.parametrize("status", [ExerciseMark.NOT_STARTED, *Submission.Status])
def test_every_exercise_status_has_a_symbol_and_words(status):
    mark = ExerciseMark(ESSAY, status)

    assert mark_symbol(mark.status)
    assert mark_title(mark).startswith("Essay: ")


def test_late_work_says_so_but_a_late_draft_does_not():
    assert mark_title(ExerciseMark(ESSAY, Submission.Status.SUBMITTED, is_late=True)) == (
        "Essay: Submitted, late"
    )
    assert mark_title(ExerciseMark(ESSAY, Submission.Status.DRAFT, is_late=True)) == "Essay: Draft"


@pytest.mark.parametrize(
    "code",
    [
        *Attendance.Status,
        AttendanceMark.NOT_RECORDED,
        AttendanceMark.UPCOMING,
        AttendanceMark.CANCELLED,
        AttendanceMark.NO_MEETING,
    ],
)
def test_every_attendance_state_has_words(code):
    assert attendance_label(code)


@pytest.mark.django_db
def test_each_mark_in_the_grid_shows_the_symbol_the_legend_explains(client, small):
    html = log_in(client, small.facilitator.user).get(
        reverse("progress:cohort", args=[small.cohort.pk])
    )
    html = html.content.decode()
    legend = html[
        html.index('class="progress-legend"') : html.index('<table class="progress-grid">')
    ]
    grid = html[html.index('<table class="progress-grid">') :]

    # Ada: accepted in session 2; Ben: returned, then a draft; Ada's second task late.
    shown = dict(re.findall(r'class="mark mark-(\w+)"[^>]*>\s*<span aria-hidden="true">(.)', grid))
    explained = dict(re.findall(r'class="mark mark-(\w+)" aria-hidden="true">(.)', legend))
    assert shown["accepted"] == explained["accepted"] == "★"
    assert shown["returned"] == explained["returned"] == "↩"
    assert shown["draft"] == explained["draft"] == "✎"
    assert shown["not_started"] == explained["not_started"] == "○"
    assert shown["submitted_late"] == explained["submitted_late"] == "✓"
    assert '✓<span class="late">late</span></span>' in grid
