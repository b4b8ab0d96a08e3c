"""The grading home page and a cohort's queue: order, filters and counts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.submissions.models import Submission
from tests.factories import CohortFactory, ExerciseFactory, UnitFactory
from tests.grading import SUBMITTED_AT, build_course, login, place, submitted

pytestmark = pytest.mark.django_db


def queue_url(course, query=""):
    url = reverse("grading:queue", args=[course.cohort.pk])
    return f"{url}?{query}" if query else url


def rows(response) -> list[str]:
    """The participant names of the queue's rows, in order."""
    return re.findall(r'<th scope="row">([^<]+)</th>', response.content.decode())


@pytest.fixture
def course():
    return build_course()


@pytest.fixture
def facilitator_client(client, course):
    return login(client, course.facilitator.user)


def test_queue_lists_waiting_work_oldest_submission_first(facilitator_client, course):
    submitted(place(course, display_name="Bea"), course.exercise, at=SUBMITTED_AT)
    submitted(place(course, display_name="Abe"), course.exercise, at=SUBMITTED_AT + timedelta(1))
    submitted(place(course, display_name="Cy"), course.exercise, at=SUBMITTED_AT - timedelta(1))

    response = facilitator_client.get(queue_url(course))

    assert rows(response) == ["Cy", "Bea", "Abe"]


def test_queue_shows_only_waiting_work_by_default(facilitator_client, course):
    submitted(place(course, display_name="Waiting"), course.exercise)
    submitted(place(course, display_name="Returned"), course.exercise, status="returned")
    submitted(place(course, display_name="Accepted"), course.exercise, status="accepted")
    Submission.objects.create(enrollment=place(course, display_name="Drafting"),
                              exercise=course.exercise)  # fmt: skip

    assert rows(facilitator_client.get(queue_url(course))) == ["Waiting"]


def test_queue_filters_by_status_and_never_shows_drafts(facilitator_client, course):
    submitted(place(course, display_name="Waiting"), course.exercise)
    submitted(place(course, display_name="Returned"), course.exercise, status="returned")
    submitted(place(course, display_name="Accepted"), course.exercise, status="accepted")
    Submission.objects.create(enrollment=place(course, display_name="Drafting"),
                              exercise=course.exercise)  # fmt: skip

    assert rows(facilitator_client.get(queue_url(course, "status=returned"))) == ["Returned"]
    assert rows(facilitator_client.get(queue_url(course, "status=accepted"))) == ["Accepted"]
    assert sorted(rows(facilitator_client.get(queue_url(course, "status=all")))) == [
        "Accepted",
        "Returned",
        "Waiting",
    ]


def test_queue_filters_by_session_and_by_exercise(facilitator_client, course):
    later_unit = UnitFactory(course=course.round.course, number=2, title="Governance")
    essay = ExerciseFactory(unit=later_unit, title="Write an essay")
    reading = ExerciseFactory(unit=later_unit, title="Summarise a reading")
    submitted(place(course, display_name="First"), course.exercise)
    submitted(place(course, display_name="Essayist"), essay)
    submitted(place(course, display_name="Reader"), reading)

    by_unit = facilitator_client.get(queue_url(course, f"unit={later_unit.pk}"))
    by_exercise = facilitator_client.get(queue_url(course, f"exercise={essay.pk}"))

    assert sorted(rows(by_unit)) == ["Essayist", "Reader"]
    assert rows(by_exercise) == ["Essayist"]


def test_queue_counts_waiting_work_in_the_heading_and_in_each_filter(facilitator_client, course):
    later_unit = UnitFactory(course=course.round.course, number=2, title="Governance")
    essay = ExerciseFactory(unit=later_unit, title="Write an essay")
    for _ in range(2):
        submitted(place(course), course.exercise)
    submitted(place(course), essay)
    submitted(place(course), essay, status="accepted")
    submitted(place(course), essay, status="returned")

    html = facilitator_client.get(queue_url(course)).content.decode()

    assert "3 waiting for grading" in html
    assert "All sessions (3 waiting)" in html
    assert "Session 1: Alignment (2 waiting)" in html
    assert "Session 2: Governance (1 waiting)" in html
    assert "Plan your career (2 waiting)" in html
    assert "Write an essay (1 waiting)" in html
    assert "Waiting for grading (3)" in html
    assert "Returned for revision (1)" in html
    assert "Accepted (1)" in html
    assert "Any status (5)" in html


def test_queue_leaves_out_other_cohorts_and_people_who_dropped_out(facilitator_client, course):
    submitted(place(course, display_name="Mine"), course.exercise)
    other = CohortFactory(round=course.round)
    submitted(place(course, cohort=other, display_name="Theirs"), course.exercise)
    gone = place(course, display_name="Gone")
    submitted(gone, course.exercise)
    gone.status = "dropped"
    gone.save()

    response = facilitator_client.get(queue_url(course))

    assert rows(response) == ["Mine"]
    assert "1 waiting for grading" in response.content.decode()


def test_queue_row_shows_exercise_session_time_late_badge_revision_and_status(
    facilitator_client, course
):
    participant = place(course, display_name="Lena")
    submitted(participant, course.exercise, late=True, revisions=3)
    facilitator = course.facilitator.user
    facilitator.time_zone = "America/New_York"
    facilitator.save()

    html = facilitator_client.get(queue_url(course)).content.decode()
    row = html[html.index("Lena") : html.index("</tr>", html.index("Lena"))]

    assert "Plan your career" in row and "Session 1: Alignment" in row
    assert "Mon 8 Mar 2027, 13:00" in row  # 18:00 UTC, in New York's winter time
    assert '<span class="badge late">Late</span>' in row
    assert "<td>3</td>" in row
    assert "Submitted" in row


def test_queue_links_to_grading_with_the_filters_kept(facilitator_client, course):
    submission = submitted(place(course), course.exercise, status="returned")

    html = facilitator_client.get(queue_url(course, "status=returned")).content.decode()

    grade_url = reverse("grading:grade", args=[submission.pk])
    assert f'href="{grade_url}?status=returned"' in html


def test_queue_offers_the_oldest_waiting_item_first(facilitator_client, course):
    submitted(place(course), course.exercise, at=SUBMITTED_AT + timedelta(hours=1))
    oldest = submitted(place(course), course.exercise, at=SUBMITTED_AT)

    html = facilitator_client.get(queue_url(course)).content.decode()

    assert f'href="{reverse("grading:grade", args=[oldest.pk])}">Grade the oldest waiting' in html


def test_an_unknown_filter_value_is_reported_and_ignored(facilitator_client, course):
    submitted(place(course, display_name="Still listed"), course.exercise)

    response = facilitator_client.get(queue_url(course, "unit=99999&status=nonsense"))

    html = response.content.decode()
    assert response.status_code == 200
    assert rows(response) == ["Still listed"]
    assert "That session is not in this course; showing all." in html
    assert "There is no such status; showing waiting work." in html


def test_an_empty_queue_says_so(facilitator_client, course):
    html = facilitator_client.get(queue_url(course)).content.decode()
    assert "Nothing is waiting for grading here." in html
    assert "0 waiting for grading" in html


def test_filters_work_in_place_with_htmx(facilitator_client, course):
    submitted(place(course, display_name="Back again"), course.exercise, status="returned")

    response = facilitator_client.get(queue_url(course, "status=returned"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert rows(response) == ["Back again"]
    assert "<html" not in html and "<form" not in html
    assert 'id="queue-summary" hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(facilitator_client, course):
    response = facilitator_client.get(
        queue_url(course), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_long_queues_are_split_into_pages_that_keep_the_filters(facilitator_client, course):
    for minute in range(51):
        submitted(place(course), course.exercise, at=SUBMITTED_AT + timedelta(minutes=minute))

    first = facilitator_client.get(queue_url(course, "status=submitted"))
    second = facilitator_client.get(queue_url(course, "page=2"))

    assert len(rows(first)) == 50 and len(rows(second)) == 1
    assert "Showing 1–50 of 51 submissions." in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()


# The grading home page -------------------------------------------------------------


def test_home_lists_the_facilitators_cohorts_with_waiting_counts(facilitator_client, course):
    for _ in range(2):
        submitted(place(course), course.exercise)
    submitted(place(course), course.exercise, status="accepted")

    html = facilitator_client.get(reverse("grading:home")).content.decode()

    assert f'href="{queue_url(course)}">{course.cohort.name}</a>' in html
    assert "2 waiting" in html
    assert "Mon 8 Mar 2027, 18:00" in html  # the oldest waiting, in London's winter time


def test_home_shows_staff_every_cohort_grouped_by_round(staff_client, course):
    elsewhere = build_course(participants=1)
    CohortFactory(round=course.round, name="Zeta")

    html = staff_client.get(reverse("grading:home")).content.decode()

    sections = {
        section.split("</h2>")[0]: section
        for section in html.split('<section class="grading-round"')[1:]
    }
    assert len(sections) == 2
    this_round, other_round = (
        next(s for h, s in sections.items() if f"{c.round.course.title}: {c.round.name}" in h)
        for c in (course, elsewhere)
    )
    assert course.cohort.name in this_round and "Zeta" in this_round
    assert elsewhere.cohort.name in other_round and "1 waiting" in other_round
    assert elsewhere.cohort.name not in this_round


def test_home_for_a_facilitator_without_cohorts_explains_why_it_is_empty(client, course):
    course.cohort.facilitators.clear()
    login(client, course.facilitator.user)

    response = client.get(reverse("grading:home"))

    assert response.status_code == 200
    assert "You do not facilitate any cohorts yet." in response.content.decode()


def test_queue_offers_the_oldest_waiting_item_while_showing_other_work(facilitator_client, course):
    submitted(place(course), course.exercise, at=SUBMITTED_AT + timedelta(hours=1))
    oldest = submitted(place(course), course.exercise, at=SUBMITTED_AT)
    submitted(
        place(course), course.exercise, at=SUBMITTED_AT - timedelta(hours=1), status="returned"
    )

    html = facilitator_client.get(queue_url(course, "status=returned")).content.decode()

    grade_oldest = reverse("grading:grade", args=[oldest.pk])
    assert f'href="{grade_oldest}?status=returned">Grade the oldest waiting' in html


def test_queue_offers_no_oldest_waiting_item_when_nothing_waits(facilitator_client, course):
    submitted(place(course), course.exercise, status="accepted")

    html = facilitator_client.get(queue_url(course, "status=all")).content.decode()

    assert "Grade the oldest waiting" not in html
    assert "Showing 1–1 of 1 submission." in html
