"""Who sees what at home: each section holds only the person's own things."""

import pytest
from django.urls import reverse

from apps.reminders.models import Notification
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission
from tests.factories import PASSWORD, EnrollmentFactory, FacilitatorEnrollmentFactory, UserFactory
from tests.home.conftest import (
    build_cohort,
    build_course,
    log_in,
    page,
    part,
    review,
    submit,
    text,
    utc,
)

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_get_a_welcome_with_sign_in_and_sign_up(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("account_signup")}"' in html
    assert "Hello" not in html


def test_signing_in_lands_on_home(client):
    user = UserFactory()

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"


def test_someone_with_no_round_is_pointed_at_rounds_taking_applications(client, world):
    log_in(client, UserFactory())

    start = text(part(page(client), "start-heading"))

    assert "These rounds are taking applications: AI Alignment: Spring 2027" in start


def test_a_participant_never_sees_another_participants_work(client, world, participant_in_cohort):
    pat, cohort, lead, members, meetings = participant_in_cohort
    other = members[0]
    submit(other, world.exercises[4], Submission.Status.RETURNED)
    review(other, submit(members[1], world.exercises[4]), due_at=utc(2027, 3, 29, 22))
    Notification.objects.create(user=other.user, title="For someone else", body="")
    log_in(client, pat.user)

    html = page(client)

    assert "Returned for revision" not in html
    assert "Reviews to do" not in html
    assert "For someone else" not in html
    assert f'id="round-{other.pk}"' not in html


def test_participants_see_no_facilitator_or_staff_sections(client, participant_in_cohort):
    log_in(client, participant_in_cohort[0].user)

    html = page(client)

    assert "Cohorts you facilitate" not in html
    assert "Rounds in progress" not in html
    assert "Falling behind" not in html


def test_a_facilitator_sees_no_staff_section(client, participant_in_cohort):
    log_in(client, participant_in_cohort[2].user)

    html = page(client)

    assert "Cohorts you facilitate" in html
    assert "Rounds in progress" not in html


def test_staff_see_rounds_but_only_the_cohorts_they_lead(
    staff_client, world, participant_in_cohort
):
    cohort = participant_in_cohort[1]

    html = page(staff_client)

    assert "Rounds in progress" in html
    assert f'id="cohort-{cohort.pk}"' not in html
    assert "Cohorts you facilitate" not in html


def test_a_facilitator_who_left_the_round_no_longer_sees_the_cohort(client, participant_in_cohort):
    lead = participant_in_cohort[2]
    Enrollment.objects.filter(pk=lead.pk).update(status=Enrollment.Status.DROPPED)
    log_in(client, lead.user)

    assert "Cohorts you facilitate" not in page(client)


def test_a_participant_in_one_round_and_facilitator_in_another_sees_both(client, world):
    person = UserFactory(display_name="Dual")
    taking = EnrollmentFactory(round=world.round, user=person, status=Enrollment.Status.ACTIVE)
    other = build_course()
    cohort, lead, members, meetings = build_cohort(other, size=2)
    lead.user = person
    lead.save()
    log_in(client, person)

    html = page(client)

    assert "Week 4 of 5" in text(part(html, f"round-{taking.pk}"))
    assert "Exercise 4" in part(html, f"round-{taking.pk}")
    facilitating = text(part(html, f"cohort-{cohort.pk}"))
    assert "Tuesday 30 March, 19:00 BST" in facilitating


def test_a_facilitator_enrollment_is_not_shown_as_a_participants_round(client, world):
    lead = FacilitatorEnrollmentFactory(round=world.round)
    log_in(client, lead.user)

    assert f'id="round-{lead.pk}"' not in page(client)


def test_a_course_that_is_not_published_is_not_shown_to_participants(client, db):
    hidden = build_course()
    hidden.course.is_published = False
    hidden.course.save()
    enrollment = EnrollmentFactory(round=hidden.round)
    log_in(client, enrollment.user)

    assert f'id="round-{enrollment.pk}"' not in page(client)


def test_the_page_takes_only_get_and_head(client, participant_in_cohort):
    log_in(client, participant_in_cohort[0].user)

    assert client.post("/").status_code == 405
