"""What staff see at home: the rounds in progress, their counts and what each needs next."""

from datetime import date, timedelta

import pytest

from apps.grouping.models import GroupingRun
from apps.reminders.models import Reminder
from apps.rounds.models import Enrollment
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    RoundFactory,
    UserFactory,
)
from tests.home.conftest import NOW, build_course, page, part, text

pytestmark = pytest.mark.django_db


def card(client, round) -> str:
    return part(page(client), f"admin-round-{round.pk}")


def test_a_round_shows_its_counts(staff_client, world):
    for status in ("applied", "applied", "offered"):
        EnrollmentFactory(round=world.round, status=status)
    EnrollmentFactory(round=world.round, status=Enrollment.Status.DROPPED)
    for _ in range(4):
        PlacementFactory(cohort__round=world.round)
    FacilitatorEnrollmentFactory(round=world.round)

    counts = text(card(staff_client, world.round))

    assert "Applications to decide 3" in counts
    assert "Participants 4" in counts
    assert "Facilitators 1" in counts
    assert "Cohorts 4 published" in counts


def test_applications_waiting_link_to_the_filtered_enrollments(staff_client, world):
    EnrollmentFactory(round=world.round, status="applied")
    waitlisted = EnrollmentFactory(round=world.round, status="waitlisted")
    EnrollmentFactory(status="applied")  # another round

    html = card(staff_client, world.round)
    link = html.split('<ul class="home-steps">')[1].split('href="')[1].split('"')[0]
    assert "Decide 2 applications" in text(html)

    listing = staff_client.get(link.replace("&amp;", "&"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 2
    assert waitlisted in listing.context["cl"].result_list


def test_a_round_with_participants_and_no_cohorts_asks_to_run_the_grouping(staff_client, db):
    upcoming = RoundFactory(starts_on=date(2027, 4, 5))
    EnrollmentFactory(round=upcoming)

    html = card(staff_client, upcoming)

    assert "Run the grouping" in text(html)
    assert f'href="/grouping/rounds/{upcoming.slug}/"' in html


def test_a_finished_run_with_drafts_asks_to_publish_them(staff_client, db):
    upcoming = RoundFactory(starts_on=date(2027, 4, 5))
    GroupingRun.objects.create(round=upcoming, status=GroupingRun.Status.DONE)
    PlacementFactory(cohort=CohortFactory(round=upcoming, published_at=None))
    CohortFactory(round=upcoming, published_at=None)  # empty: publishing leaves it behind

    steps = text(card(staff_client, upcoming))

    assert "Review and publish 1 draft cohort" in steps
    assert "Run the grouping" not in steps


def test_once_published_grouping_asks_for_nothing(staff_client, world):
    GroupingRun.objects.create(round=world.round, status=GroupingRun.Status.DONE)
    PlacementFactory(cohort__round=world.round)

    assert "Nothing to do here now." in text(card(staff_client, world.round))


def test_failed_reminders_link_to_them(staff_client, world):
    for n in range(2):
        Reminder.objects.create(
            user=UserFactory(),
            round=world.round,
            kind="exercise_due",
            occasion=f"unit:{n}",
            due_at=NOW,
            status=Reminder.Status.FAILED,
        )

    html = card(staff_client, world.round)

    assert "2 reminders could not be sent" in text(html)
    link = html.split("could not be sent")[0].rsplit('href="', 1)[1].split('"')[0]
    listing = staff_client.get(link.replace("&amp;", "&"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 2


def test_rounds_that_are_over_are_not_listed(staff_client, world):
    over = build_course(first_monday=date(2026, 9, 7))
    unscheduled_over = RoundFactory(starts_on=NOW.date() - timedelta(days=8))
    unscheduled_this_week = RoundFactory(starts_on=NOW.date() - timedelta(days=5))

    html = page(staff_client)

    assert f'id="admin-round-{world.round.pk}"' in html
    assert f'id="admin-round-{over.round.pk}"' not in html
    assert f'id="admin-round-{unscheduled_over.pk}"' not in html
    assert f'id="admin-round-{unscheduled_this_week.pk}"' in html
