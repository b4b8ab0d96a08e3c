"""Reminders for facilitators about their grading queue: one per waiting submission, or a digest."""

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from apps.cohorts.models import Cohort, Meeting
from apps.cohorts.reminders import lead_facilitators
from apps.reminders.registry import FACILITATOR, Kind, Outcome, Planned, register
from apps.reminders.selectors import subscribers
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission

DIGEST = "facilitator_digest"
# The submission's hand-in time is part of the occasion: handed in again after a
# revision, it is a new occasion with a reminder of its own.
_STAMP = "%Y%m%d%H%M%S"


# Grading waiting ----------------------------------------------------------------------


def plan_grading_waiting(window, hours):
    """The cohort's facilitators, `hours` after a submission was handed in and not graded."""
    waiting = Submission.objects.filter(
        status=Submission.Status.SUBMITTED,
        submitted_at__gt=window.start - timedelta(hours=24 * 14),
        submitted_at__lte=window.end,
    ).select_related("enrollment__placement")
    rows = [s for s in waiting if hasattr(s.enrollment, "placement")]
    leads = lead_facilitators({s.enrollment.placement.cohort_id for s in rows})
    for submission in rows:
        lead = hours(submission.enrollment.round_id)
        if lead is None:
            continue
        due = submission.submitted_at + timedelta(hours=lead)
        if not window.start < due <= window.end:
            continue
        for facilitator in leads[submission.enrollment.placement.cohort_id]:
            yield Planned(
                facilitator.user_id,
                submission.enrollment.round_id,
                f"grading:{submission.pk}:{submission.submitted_at:{_STAMP}}",
                due,
            )


def check_grading_waiting(reminders, now):
    """Skipped once the submission was graded, or handed in again (a new occasion)."""
    submissions = Submission.objects.select_related("enrollment__user", "exercise__unit").in_bulk(
        [int(r.occasion.split(":")[1]) for r in reminders]
    )
    outcomes = {}
    for reminder in reminders:
        _, pk, stamp = reminder.occasion.split(":")
        submission = submissions.get(int(pk))
        if (
            submission is None
            or submission.status != Submission.Status.SUBMITTED
            or f"{submission.submitted_at:{_STAMP}}" != stamp
        ):
            outcomes[reminder.pk] = Outcome("the submission has been graded")
        else:
            outcomes[reminder.pk] = Outcome(
                context={"submission": submission},
                url=reverse("grading:grade", args=[submission.pk]),
            )
    return outcomes


# Weekly digest ------------------------------------------------------------------------


def plan_facilitator_digest(window, hours):
    """Subscribers who lead a cohort, at 08:00 on Monday in their own zone."""
    facilitators = (
        Enrollment.objects.filter(user_id__in=subscribers(kind=DIGEST))
        .facilitators()
        .taking_part()
        .filter(facilitated_cohorts__isnull=False)
        .select_related("user")
        .distinct()
    )
    for enrollment in facilitators:
        zone = ZoneInfo(enrollment.user.time_zone)
        local_now = window.end.astimezone(zone)
        monday = (local_now - timedelta(days=local_now.weekday())).date()
        due = datetime.combine(monday, time(8), tzinfo=zone)
        year, week, _ = monday.isocalendar()
        if window.start < due <= window.end and hours(enrollment.round_id) is not None:
            yield Planned(
                enrollment.user_id, enrollment.round_id, f"digest:{year}-W{week:02d}", due
            )


def check_facilitator_digest(reminders, now):
    """What waits in each of the person's cohorts; skipped when nothing does."""
    users = {r.user_id for r in reminders}
    still_subscribed = subscribers(kind=DIGEST, user_ids=users)
    cohorts = defaultdict(list)
    for link in Cohort.facilitators.through.objects.filter(
        enrollment__user_id__in=users
    ).select_related("cohort", "enrollment"):
        cohorts[link.enrollment.user_id].append(link.cohort)
    all_cohorts = [c for cs in cohorts.values() for c in cs]
    waiting = defaultdict(int)
    for cohort_id in Submission.objects.filter(
        status=Submission.Status.SUBMITTED, enrollment__placement__cohort__in=all_cohorts
    ).values_list("enrollment__placement__cohort_id", flat=True):
        waiting[cohort_id] += 1
    missing = defaultdict(int)
    for cohort_id in Meeting.objects.filter(
        cohort__in=all_cohorts, ends_at__lt=now, is_cancelled=False, attendance__isnull=True
    ).values_list("cohort_id", flat=True):
        missing[cohort_id] += 1
    outcomes = {}
    for reminder in reminders:
        if reminder.user_id not in still_subscribed:
            outcomes[reminder.pk] = Outcome("the weekly digest was switched off")
            continue
        rows = [(c, waiting[c.pk], missing[c.pk]) for c in cohorts[reminder.user_id]]
        if not any(w or m for _, w, m in rows):
            outcomes[reminder.pk] = Outcome("nothing is waiting this week")
            continue
        outcomes[reminder.pk] = Outcome(context={"rows": rows}, url=reverse("grading:home"))
    return outcomes


register(
    Kind(
        slug="grading_waiting",
        label="Submissions waiting for grading",
        audience=FACILITATOR,
        default_hours=72,
        plan=plan_grading_waiting,
        check=check_grading_waiting,
    )
)
register(
    Kind(
        slug=DIGEST,
        label="Weekly facilitator digest",
        audience=FACILITATOR,
        is_digest=True,
        hint="One email on Monday mornings instead of the single emails above.",
        plan=plan_facilitator_digest,
        check=check_facilitator_digest,
    )
)
