"""The milestone check-in: asked for at 17:00 on the target date, in the author's own zone."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail

from apps.plans.models import MilestoneCheckin
from apps.reminders.models import Reminder
from apps.reminders.services import reminders_plan, reminders_send_batch
from apps.rounds.models import Enrollment
from apps.submissions.models import Milestone, Submission
from tests.factories import EnrollmentFactory, PromptFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def at(moment):
    return time_machine.travel(moment, tick=False)


def plan_with_milestones(enrollment, *targets, status=Submission.Status.SUBMITTED):
    submission = SubmissionFactory(
        enrollment=enrollment,
        status=status,
        submitted_at=None
        if status == Submission.Status.DRAFT
        else datetime(2027, 3, 1, tzinfo=UTC),
    )
    prompt = PromptFactory(exercise=submission.exercise)
    return [
        Milestone.objects.create(
            submission=submission, prompt=prompt, position=n, title=title, target_date=target
        )
        for n, (title, target) in enumerate(targets, start=1)
    ]


def test_authors_are_asked_at_five_in_the_afternoon_their_time_across_the_clock_change():
    # Lord Howe Island puts its clocks back half an hour at 02:00 on Sunday 4 April 2027.
    author = EnrollmentFactory(user__time_zone="Australia/Lord_Howe")
    saturday, sunday = plan_with_milestones(
        author, ('Ship "v1" & <the rest>', date(2027, 4, 3)), ("Write up", date(2027, 4, 4))
    )
    plan_with_milestones(EnrollmentFactory(), ("A draft's", date(2027, 4, 3)),
                         status=Submission.Status.DRAFT)  # fmt: skip
    plan_with_milestones(
        EnrollmentFactory(status=Enrollment.Status.DROPPED), ("Gone", date(2027, 4, 3))
    )

    with at(datetime(2027, 4, 2, 20, 0, tzinfo=UTC)):
        assert reminders_plan() == 2
    due = dict(Reminder.objects.values_list("occasion", "due_at"))
    assert due == {
        f"milestone:{saturday.pk}": datetime(2027, 4, 3, 6, 0, tzinfo=UTC),  # 17:00 at UTC+11
        f"milestone:{sunday.pk}": datetime(2027, 4, 4, 6, 30, tzinfo=UTC),  # 17:00 at UTC+10:30
    }

    with at(datetime(2027, 4, 3, 6, 0, tzinfo=UTC)):
        assert reminders_send_batch().sent == 1
    [email] = mail.outbox
    assert email.subject == 'How did “Ship "v1" & <the rest>” go?'
    assert f"/plans/milestones/{saturday.pk}/check-in/" in email.body


@pytest.mark.parametrize("change", ["answered", "removed"])
def test_no_check_in_reminder_once_answered_or_taken_out_of_the_plan(change):
    author = EnrollmentFactory(user__time_zone="Europe/London")
    [milestone] = plan_with_milestones(author, ("Ship it", date(2027, 3, 16)))
    with at(datetime(2027, 3, 16, 12, 0, tzinfo=UTC)):
        reminders_plan()
    if change == "answered":
        MilestoneCheckin.objects.create(
            milestone=milestone, outcome=MilestoneCheckin.Outcome.DONE, author=author.user
        )
    else:
        milestone.delete()

    with at(datetime(2027, 3, 16, 17, 0, tzinfo=UTC)):
        assert reminders_send_batch().skipped == 1

    reason = Reminder.objects.get().skip_reason
    assert (
        reason
        == {
            "answered": "the check-in was already answered",
            "removed": "the milestone was removed from the plan",
        }[change]
    )
