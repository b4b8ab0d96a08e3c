"""The peer review tasks and reminders, called directly as a worker would run them."""

from datetime import timedelta

import pytest
import time_machine

from apps.reminders.models import Reminder
from apps.reminders.services import Window
from apps.reviews import tasks
from apps.reviews.models import PeerReviewSettings, ReviewAssignment
from apps.reviews.reminders import check_reviews_due, plan_reviews_due
from apps.reviews.selectors.pools import SETTLE_FOR
from apps.reviews.services import reviews_allocate, reviews_reassign
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import Submission
from tests.grading import place
from tests.reviews.test_services import (
    DUE,
    GRACE_HOURS,
    REVIEWS_DUE,
    build_world,
    covering,
    live,
    load,
    write,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reviews.urls")]
Status = ReviewAssignment.Status


def tick_at(moment):
    with time_machine.travel(moment, tick=False):
        return tasks.tick()


# reviews.tick -----------------------------------------------------------------------


def test_tick_assigns_nothing_before_the_deadline():
    build_world(4)

    assert tick_at(DUE - timedelta(minutes=1))["pools"] == 0
    assert not ReviewAssignment.objects.exists()


def test_tick_allocates_once_the_deadline_has_passed_and_then_changes_nothing():
    world = build_world(4, 5)

    first = tick_at(DUE + timedelta(minutes=5))
    second = tick_at(DUE + timedelta(minutes=10))

    assert first == {"pools": 1, "fitted": 0, "assigned": 18, "reassigned": 0, "failed": 0}
    assert second == {"pools": 1, "fitted": 0, "assigned": 0, "reassigned": 0, "failed": 0}
    for person in world.everyone:
        assert covering(world.submission(person)) == 2 and load(person) == 2


def test_tick_hands_over_overdue_reviews_after_the_grace_and_replaces_dropped_reviewers():
    world = build_world(6)
    tick_at(DUE + timedelta(minutes=5))
    idle, leaver = world.members[0][:2]
    for assignment in ReviewAssignment.objects.exclude(reviewer__in=[idle, leaver]):
        write(assignment, world)
    Enrollment.objects.filter(pk=leaver.pk).update(status=Enrollment.Status.DROPPED)

    before_grace = tick_at(REVIEWS_DUE + timedelta(hours=GRACE_HOURS - 1))
    after_grace = tick_at(REVIEWS_DUE + timedelta(hours=GRACE_HOURS, minutes=5))

    assert before_grace["reassigned"] == 2  # the leaver's, at once
    assert after_grace["reassigned"] == 2  # the idle reviewer's, once the grace is over
    assert not live(reviewer__in=[idle, leaver], status__in=[Status.NOT_STARTED]).exists()
    for person in world.everyone:
        if person != leaver:
            assert covering(world.submission(person)) == 2


def test_tick_leaves_alone_exercises_with_peer_review_off_and_rounds_without_submissions():
    world = build_world(4)
    PeerReviewSettings.objects.filter(pk=world.settings.pk).update(is_enabled=False)
    other = build_world(4)
    Submission.objects.filter(exercise=other.exercise).update(first_submitted_at=None)

    assert tick_at(DUE + timedelta(minutes=5))["pools"] == 0
    assert not ReviewAssignment.objects.exists()


def test_tick_stops_looking_after_a_pool_long_after_its_reviews_were_due():
    build_world(4)
    settled_until = REVIEWS_DUE + timedelta(hours=GRACE_HOURS) + SETTLE_FOR

    assert tick_at(settled_until - timedelta(minutes=1))["pools"] == 1
    assert tick_at(settled_until + timedelta(minutes=1))["pools"] == 0


def test_one_failing_pool_does_not_stop_the_others(monkeypatch):
    broken, fine = build_world(4), build_world(4)
    real = tasks.reviews_allocate

    def allocate(*, round, exercise):
        if exercise == broken.exercise:
            raise RuntimeError("boom")
        return real(round=round, exercise=exercise)

    monkeypatch.setattr(tasks, "reviews_allocate", allocate)

    result = tick_at(DUE + timedelta(minutes=5))

    assert result["failed"] == 1 and result["pools"] == 2
    assert not ReviewAssignment.objects.filter(submission__exercise=broken.exercise).exists()
    assert ReviewAssignment.objects.filter(submission__exercise=fine.exercise).count() == 8


def test_tick_uses_the_due_date_of_this_round_not_another_ones():
    world = build_world(4)
    RoundUnit.objects.filter(round=world.round).update(due_at=DUE + timedelta(days=7))

    assert tick_at(DUE + timedelta(minutes=5))["pools"] == 0


# Late work -------------------------------------------------------------------------------


def test_the_next_tick_fits_in_a_submission_made_after_allocation():
    world = build_world(5)
    tick_at(DUE + timedelta(minutes=5))
    late = world.join(0, at=DUE + timedelta(hours=2))

    result = tick_at(DUE + timedelta(hours=2, minutes=5))

    assert result["fitted"] == 4 and result["failed"] == 0
    assert covering(world.submission(late)) == 2 and load(late) == 2
    for person in world.everyone:
        assert covering(world.submission(person)) == 2 and load(person) == 2
    assert tick_at(DUE + timedelta(hours=2, minutes=10))["fitted"] == 0


def test_work_handed_in_after_an_early_allocation_is_fitted_before_the_deadline():
    world = build_world(5)
    with time_machine.travel(DUE - timedelta(days=1), tick=False):
        reviews_allocate(round=world.round, exercise=world.exercise)  # an admin's "allocate now"
    late = world.join(0, at=DUE - timedelta(hours=12))

    result = tick_at(DUE - timedelta(hours=11))

    assert result["fitted"] == 4 and result["assigned"] == 0
    assert covering(world.submission(late)) == 2 and load(late) == 2


def test_a_late_author_whose_work_got_reviewers_first_still_gets_reviews_to_write():
    world = build_world(5)
    tick_at(DUE + timedelta(minutes=5))
    late = world.join(0, at=DUE + timedelta(hours=2))
    with time_machine.travel(DUE + timedelta(hours=2, minutes=1), tick=False):
        # What hiding a review does: every short submission is topped up, this one too.
        reviews_reassign(round=world.round, exercise=world.exercise)
    assert covering(world.submission(late)) == 2 and load(late) == 0

    tick_at(DUE + timedelta(hours=2, minutes=5))

    assert covering(world.submission(late)) == 2 and load(late) == 2


def test_the_tick_fits_in_no_draft_and_nobody_who_left():
    world = build_world(4)
    tick_at(DUE + timedelta(minutes=5))
    draft = Submission.objects.create(enrollment=place(world.course), exercise=world.exercise)
    leaver = world.join(0, at=DUE + timedelta(hours=1))
    Enrollment.objects.filter(pk=leaver.pk).update(status=Enrollment.Status.DROPPED)

    assert tick_at(DUE + timedelta(hours=1, minutes=5))["fitted"] == 0
    assert not ReviewAssignment.objects.filter(submission__in=[draft, world.submission(leaver)])
    assert not ReviewAssignment.objects.filter(reviewer__in=[draft.enrollment, leaver])


def test_late_work_is_fitted_even_after_the_tick_stopped_settling_its_pool():
    world = build_world(5)
    tick_at(DUE + timedelta(minutes=5))
    handed_in = REVIEWS_DUE + timedelta(hours=GRACE_HOURS) + SETTLE_FOR + timedelta(days=1)
    late = world.join(0, at=handed_in)

    result = tick_at(handed_in + timedelta(minutes=5))

    assert (result["pools"], result["fitted"], result["assigned"]) == (1, 4, 0)
    assert covering(world.submission(late)) == 2 and load(late) == 2


def test_the_tick_gives_up_on_late_work_handed_in_longer_ago_than_it_settles_pools():
    world = build_world(5)
    tick_at(DUE + timedelta(minutes=5))
    handed_in = REVIEWS_DUE + timedelta(hours=GRACE_HOURS, minutes=1)
    late = world.join(0, at=handed_in)

    assert tick_at(handed_in + SETTLE_FOR + timedelta(minutes=1))["pools"] == 0
    assert covering(world.submission(late)) == 0


# Reminders ---------------------------------------------------------------------------


def _window(now):
    return Window(now - timedelta(hours=6), now + timedelta(hours=48))


def test_reviewers_with_reviews_left_are_reminded_a_day_before_they_are_due():
    world = build_world(4)
    tick_at(DUE + timedelta(minutes=5))
    now = REVIEWS_DUE - timedelta(hours=30)

    planned = list(plan_reviews_due(_window(now), lambda round_id: 24))

    assert {p.user_id for p in planned} == {person.user_id for person in world.everyone}
    assert {p.due_at for p in planned} == {REVIEWS_DUE - timedelta(hours=24)}
    assert len(planned) == 4  # one per reviewer, however many reviews they have


def test_a_round_that_switched_the_reminder_off_plans_none():
    build_world(4)
    tick_at(DUE + timedelta(minutes=5))

    assert list(plan_reviews_due(_window(REVIEWS_DUE - timedelta(hours=30)), lambda r: None)) == []


def test_the_reminder_is_skipped_once_the_reviews_are_written():
    world = build_world(4)
    tick_at(DUE + timedelta(minutes=5))
    now = REVIEWS_DUE - timedelta(hours=24)
    planned = list(plan_reviews_due(_window(now), lambda round_id: 24))
    reminders = [
        Reminder.objects.create(
            user_id=p.user_id, round_id=p.round_id, kind="reviews_due", occasion=p.occasion,
            due_at=p.due_at,
        )
        for p in planned
    ]  # fmt: skip
    busy, finished = world.everyone[:2]
    for assignment in ReviewAssignment.objects.filter(reviewer=finished):
        write(assignment, world)

    outcomes = check_reviews_due(reminders, now)

    by_user = {r.user_id: outcomes[r.pk] for r in reminders}
    assert by_user[finished.user_id].skip_reason == "the reviews are submitted or were handed over"
    assert by_user[busy.user_id].skip_reason == ""
    assert by_user[busy.user_id].context["count"] == 2
    assert by_user[busy.user_id].url == "/reviews/"
    late = check_reviews_due(reminders, REVIEWS_DUE + timedelta(minutes=1))
    assert {o.skip_reason for o in late.values()} >= {"the reviews' due date has passed"}
