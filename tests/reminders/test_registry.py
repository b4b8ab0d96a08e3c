"""Kinds come from the apps that own them, and event messages go through the same rows."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template.loader import get_template
from django.urls import reverse

from apps.reminders import registry
from apps.reminders.models import Reminder, ReminderSetting, RoundReminderPause
from apps.reminders.services import reminders_schedule, reminders_send_batch
from apps.submissions.models import Feedback, Revision, Submission
from tests.factories import EnrollmentFactory, RoundFactory, SubmissionFactory, UserFactory

NOW = datetime(2027, 3, 16, 12, 0, tzinfo=UTC)


def test_each_app_registers_its_own_kinds_with_their_templates():
    owners = {kind.slug: kind.check.__module__ for kind in registry.kinds()}
    assert (
        owners.items()
        >= {
            "meeting_tomorrow": "apps.cohorts.reminders",
            "attendance_missing": "apps.cohorts.reminders",
            "meeting_changed": "apps.cohorts.reminders",
            "cohort_change": "apps.cohorts.reminders",
            "switch_request": "apps.cohorts.reminders",
            "switch_overdue": "apps.cohorts.reminders",
            "switch_answered": "apps.cohorts.reminders",
            "cohort_placed": "apps.cohorts.reminders",
            "exercise_due": "apps.submissions.reminders",
            "revision_waiting": "apps.submissions.reminders",
            "work_returned": "apps.submissions.reminders",
            "work_accepted": "apps.submissions.reminders",
            "grading_waiting": "apps.grading.reminders",
            "facilitator_digest": "apps.grading.reminders",
            "milestone_checkin": "apps.plans.reminders",
            "reviews_due": "apps.reviews.reminders",
            "review_assigned": "apps.reviews.reminders",
            "reviews_released": "apps.reviews.reminders",
            "certificate_issued": "apps.certificates.reminders",
            "session_feedback": "apps.feedback.reminders",
        }.items()
    )
    # Every kind, including ones added since, lives in its app's reminders.py.
    assert all(module.endswith(".reminders") for module in owners.values())
    for kind in registry.kinds():
        for part in ("subject.txt", "body.txt", "body.html"):
            get_template(kind.template(part))


def test_a_kind_is_registered_once():
    with pytest.raises(ImproperlyConfigured):
        registry.register(registry.get("exercise_due"))


@pytest.mark.django_db
def test_a_newly_registered_kind_is_a_valid_choice_without_a_migration(monkeypatch):
    kind = registry.Kind(
        "a_new_kind", "A new kind", registry.PARTICIPANT, check=lambda reminders, now: {}
    )
    reminder = Reminder(user=UserFactory(), kind=kind.slug, occasion="x", due_at=NOW)
    with pytest.raises(ValidationError):
        reminder.full_clean()

    monkeypatch.setitem(registry._kinds, kind.slug, kind)

    reminder.full_clean()
    assert reminder.get_kind_display() == "A new kind"


# Messages about something that has just happened ----------------------------------------


@pytest.fixture
def returned(db):
    """Work just returned for revision: the occasion for a message sent at once."""
    submission = SubmissionFactory(
        enrollment__user__time_zone="Europe/London",
        status=Submission.Status.RETURNED,
        submitted_at=NOW - timedelta(days=1),
    )
    revision = Revision.objects.create(submission=submission, number=1, answers={})
    return Feedback.objects.create(
        submission=submission, revision=revision, decision=Feedback.Decision.RETURNED
    )


def schedule(feedback, **extra):
    return reminders_schedule(
        user=feedback.submission.enrollment.user,
        kind="revision_waiting",
        occasion=f"returned:{feedback.pk}",
        round=feedback.submission.enrollment.round,
        **extra,
    )


def test_a_scheduled_message_is_queued_once_and_sent_by_the_next_batch(returned):
    with time_machine.travel(NOW, tick=False):
        first = schedule(returned)
        again = schedule(returned)
        result = reminders_send_batch()

    assert first == again and Reminder.objects.count() == 1
    assert first.due_at == NOW
    assert result.sent == 1
    assert mail.outbox[0].subject.startswith("Your revision of")


def test_a_scheduled_message_can_wait_and_still_goes_through_the_kinds_check(returned):
    later = NOW + timedelta(hours=1)
    with time_machine.travel(NOW, tick=False):
        schedule(returned, due_at=later)
        assert reminders_send_batch().sent == 0
    Submission.objects.filter(pk=returned.submission_id).update(status=Submission.Status.SUBMITTED)
    with time_machine.travel(later, tick=False):
        assert reminders_send_batch().skipped == 1


def test_nothing_is_scheduled_for_a_round_that_switched_the_kind_off(returned):
    ReminderSetting.objects.create(
        round=returned.submission.enrollment.round, kind="revision_waiting", is_enabled=False
    )
    assert schedule(returned) is None
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_scheduling_an_unknown_kind_is_refused():
    with pytest.raises(LookupError):
        reminders_schedule(user=UserFactory(), kind="no_such_kind", occasion="x")


# Pausing a round in the admin -------------------------------------------------------------


def test_staff_pause_a_rounds_reminders_in_the_admin_and_deleting_the_pause_resumes(
    staff, staff_client
):
    round_ = RoundFactory()
    enrollment = EnrollmentFactory(round=round_, user__time_zone="Europe/London")
    Reminder.objects.create(
        user=enrollment.user, round=round_, kind="meeting_tomorrow", occasion="meeting:1",
        due_at=NOW,
    )  # fmt: skip

    staff_client.post(reverse("admin:reminders_roundreminderpause_add"), {"round": round_.pk})

    pause = RoundReminderPause.objects.get()
    assert (pause.round, pause.paused_by) == (round_, staff)
    with time_machine.travel(NOW, tick=False):
        assert reminders_send_batch().skipped == 0  # not even claimed
    assert Reminder.objects.get().status == Reminder.Status.PENDING

    staff_client.post(
        reverse("admin:reminders_roundreminderpause_delete", args=[pause.pk]), {"post": "yes"}
    )

    assert not RoundReminderPause.objects.exists()
    with time_machine.travel(NOW, tick=False):
        assert reminders_send_batch().skipped == 1  # claimed again: the meeting is gone


@pytest.mark.django_db
def test_a_closed_account_gets_no_event_message_and_a_waiting_one_is_skipped():
    closed = UserFactory(is_active=False)
    kind = registry.kinds()[0].slug
    assert reminders_schedule(user=closed, kind=kind, occasion="x:1") is None

    waiting = Reminder.objects.create(
        user=closed, kind=kind, occasion="x:2", due_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    reminders_send_batch()

    waiting.refresh_from_db()
    assert (waiting.status, waiting.skip_reason) == ("skipped", "the account is closed")
