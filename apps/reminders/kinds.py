"""What each kind of reminder is about: who gets one, when, and whether it still matters.

Each kind has two halves. `plan` finds the occasions coming up (a meeting, a
due date, a milestone) and returns reminder rows to create; creating is
idempotent thanks to the unique (user, kind, occasion) constraint. `check`
runs just before sending, on a whole batch at once: it drops reminders whose
reason has gone (the work was submitted, the meeting cancelled, the person
dropped out) and gathers what the message needs, in a few queries per batch.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef
from django.urls import reverse

from apps.cohorts.models import Attendance, Cohort, Meeting, Placement
from apps.courses.models import Exercise, Resource, ResourceCompletion
from apps.reminders.models import Kind, Preference, Reminder
from apps.reviews.reminders import check_reviews_due, plan_reviews_due
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import Feedback, Milestone, Submission

# Hours before (or after) the event, unless a round says otherwise.
DEFAULT_HOURS = {
    Kind.MEETING_TOMORROW: 24,
    Kind.EXERCISE_DUE: 48,
    Kind.REVISION_WAITING: 72,
    Kind.REVIEWS_DUE: 24,
    Kind.MILESTONE_CHECKIN: 0,
    Kind.GRADING_WAITING: 72,
    Kind.ATTENDANCE_MISSING: 12,
    Kind.FACILITATOR_DIGEST: 0,
}
FACILITATOR_KINDS = (Kind.GRADING_WAITING, Kind.ATTENDANCE_MISSING)
# The longest lead a round may set; events further ahead are planned later.
MAX_LEAD = timedelta(days=7)


@dataclass(frozen=True)
class Planned:
    user_id: int
    round_id: int | None
    occasion: str
    due_at: datetime


@dataclass
class Outcome:
    """What to do with one claimed reminder."""

    skip_reason: str = ""
    reschedule_to: datetime | None = None
    context: dict = field(default_factory=dict)
    url: str = ""


def _participants_of(cohort_ids) -> dict[int, list[Enrollment]]:
    by_cohort = defaultdict(list)
    placements = Placement.objects.filter(cohort_id__in=cohort_ids).filter(
        enrollment__status__in=Enrollment.TAKING_PART
    )
    for placement in placements.select_related("enrollment"):
        by_cohort[placement.cohort_id].append(placement.enrollment)
    return by_cohort


# Meeting tomorrow ----------------------------------------------------------


def plan_meeting_tomorrow(window, hours):
    meetings = Meeting.objects.filter(
        is_cancelled=False,
        cohort__published_at__isnull=False,
        starts_at__gt=window.start,
        starts_at__lte=window.end + MAX_LEAD,
    ).select_related("cohort")
    due = {}
    for meeting in meetings:
        lead = hours(meeting.cohort.round_id)
        if (
            lead is not None
            and window.start < meeting.starts_at - timedelta(hours=lead) <= window.end
        ):
            due[meeting] = meeting.starts_at - timedelta(hours=lead)
    members = _participants_of({m.cohort_id for m in due})
    for meeting, due_at in due.items():
        for enrollment in members[meeting.cohort_id]:
            yield Planned(
                enrollment.user_id, meeting.cohort.round_id, f"meeting:{meeting.pk}", due_at
            )


def check_meeting_tomorrow(reminders, now):
    meeting_ids = [int(r.occasion.split(":")[1]) for r in reminders]
    meetings = Meeting.objects.select_related("cohort", "unit__course").in_bulk(meeting_ids)
    members = {
        (p.cohort_id, p.enrollment.user_id): p.enrollment
        for p in Placement.objects.filter(
            cohort_id__in={m.cohort_id for m in meetings.values()}
        ).select_related("enrollment")
    }
    units = {m.unit_id for m in meetings.values()}
    resources = defaultdict(list)
    for resource in Resource.objects.filter(unit_id__in=units, is_core=True).order_by("position"):
        resources[resource.unit_id].append(resource)
    done = set(
        ResourceCompletion.objects.filter(
            user_id__in={r.user_id for r in reminders}, resource__unit_id__in=units
        ).values_list("user_id", "resource_id")
    )
    exercises = defaultdict(list)
    for exercise in Exercise.objects.filter(unit_id__in=units).order_by("position"):
        exercises[exercise.unit_id].append(exercise)
    # Only this batch's people: the whole round's submissions would make every batch
    # read as many rows as the round has participants.
    statuses = {
        (user_id, exercise_id): Submission.Status(status).label
        for user_id, exercise_id, status in Submission.objects.filter(
            exercise__unit_id__in=units, enrollment__user_id__in={r.user_id for r in reminders}
        ).values_list("enrollment__user_id", "exercise_id", "status")
    }
    outcomes = {}
    for reminder in reminders:
        meeting = meetings.get(int(reminder.occasion.split(":")[1]))
        enrollment = meeting and members.get((meeting.cohort_id, reminder.user_id))
        if meeting is None or meeting.is_cancelled or not meeting.cohort.is_published:
            outcomes[reminder.pk] = Outcome("the meeting was cancelled")
        elif enrollment is None or not enrollment.is_taking_part:
            outcomes[reminder.pk] = Outcome("no longer in this cohort")
        elif meeting.starts_at <= now:
            outcomes[reminder.pk] = Outcome("the meeting has already started")
        elif meeting.starts_at - now > timedelta(hours=36):
            outcomes[reminder.pk] = Outcome(reschedule_to=meeting.starts_at - timedelta(hours=24))
        else:
            outcomes[reminder.pk] = Outcome(
                context={
                    "meeting": meeting,
                    "cohort": meeting.cohort,
                    "unit": meeting.unit,
                    "readings_left": [
                        r
                        for r in resources[meeting.unit_id]
                        if (reminder.user_id, r.pk) not in done
                    ],
                    "exercises": [
                        (e, statuses.get((reminder.user_id, e.pk), "Not started"))
                        for e in exercises[meeting.unit_id]
                    ],
                },
                url=meeting.unit.get_absolute_url(),
            )
    return outcomes


# Exercise due --------------------------------------------------------------


def plan_exercise_due(window, hours):
    schedule = RoundUnit.objects.filter(
        due_at__gt=window.start, due_at__lte=window.end + MAX_LEAD
    ).filter(Exists(Exercise.objects.filter(unit_id=OuterRef("unit_id"))))
    entries = [e for e in schedule if hours(e.round_id) is not None]
    enrollments = defaultdict(list)
    for enrollment in Enrollment.objects.filter(
        round_id__in={e.round_id for e in entries}, role=Enrollment.Role.PARTICIPANT
    ).taking_part():
        enrollments[enrollment.round_id].append(enrollment)
    for entry in entries:
        due = entry.due_at - timedelta(hours=hours(entry.round_id))
        if not window.start < due <= window.end:
            continue
        for enrollment in enrollments[entry.round_id]:
            yield Planned(enrollment.user_id, entry.round_id, f"due:{entry.pk}", due)


def check_exercise_due(reminders, now):
    entries = RoundUnit.objects.select_related("unit__course", "round").in_bulk(
        [int(r.occasion.split(":")[1]) for r in reminders]
    )
    exercises = defaultdict(list)
    for exercise in Exercise.objects.filter(
        unit_id__in={e.unit_id for e in entries.values()}
    ).order_by("position"):
        exercises[exercise.unit_id].append(exercise)
    enrollments = {
        (e.round_id, e.user_id): e
        for e in Enrollment.objects.filter(
            round_id__in={e.round_id for e in entries.values()},
            user_id__in={r.user_id for r in reminders},
        )
    }
    done = set(
        Submission.objects.filter(
            enrollment__in=enrollments.values(), status__in=Submission.HANDED_IN
        ).values_list("enrollment_id", "exercise_id")
    )
    outcomes = {}
    for reminder in reminders:
        entry = entries.get(int(reminder.occasion.split(":")[1]))
        enrollment = entry and enrollments.get((entry.round_id, reminder.user_id))
        if entry is None or enrollment is None or not enrollment.is_taking_part:
            outcomes[reminder.pk] = Outcome("no longer taking part in this round")
            continue
        missing = [e for e in exercises[entry.unit_id] if (enrollment.pk, e.pk) not in done]
        if not missing:
            outcomes[reminder.pk] = Outcome("everything is submitted")
        elif entry.due_at <= now:
            outcomes[reminder.pk] = Outcome("the due date has passed")
        else:
            outcomes[reminder.pk] = Outcome(
                context={"entry": entry, "unit": entry.unit, "missing": missing},
                url=entry.unit.get_absolute_url(),
            )
    return outcomes


# Returned work not resubmitted ----------------------------------------------


def plan_revision_waiting(window, hours):
    feedback = Feedback.objects.filter(
        decision=Feedback.Decision.RETURNED,
        submission__status=Submission.Status.RETURNED,
        created_at__gt=window.start - timedelta(hours=24 * 14),
        created_at__lte=window.end,
    ).select_related("submission__enrollment")
    for item in feedback:
        round_id = item.submission.enrollment.round_id
        lead = hours(round_id)
        if lead is None:
            continue
        due = item.created_at + timedelta(hours=lead)
        if window.start < due <= window.end:
            yield Planned(item.submission.enrollment.user_id, round_id, f"returned:{item.pk}", due)


def check_revision_waiting(reminders, now):
    feedback = Feedback.objects.select_related(
        "submission__enrollment", "submission__exercise__unit"
    ).in_bulk([int(r.occasion.split(":")[1]) for r in reminders])
    latest = {
        f.submission_id: f.pk
        for f in Feedback.objects.filter(
            submission_id__in={f.submission_id for f in feedback.values()}
        ).order_by("created_at")
    }
    outcomes = {}
    for reminder in reminders:
        item = feedback.get(int(reminder.occasion.split(":")[1]))
        if item is None or not item.submission.enrollment.is_taking_part:
            outcomes[reminder.pk] = Outcome("no longer taking part in this round")
        elif (
            item.submission.status != Submission.Status.RETURNED
            or latest[item.submission_id] != item.pk
        ):
            outcomes[reminder.pk] = Outcome("the work was resubmitted")
        else:
            exercise = item.submission.exercise
            outcomes[reminder.pk] = Outcome(
                context={"exercise": exercise, "feedback": item},
                url=reverse(
                    "submissions:answer",
                    args=[item.submission.enrollment.round.slug, exercise.pk],
                ),
            )
    return outcomes


# Milestone check-in ----------------------------------------------------------


def _local_evening(day, zone: str) -> datetime:
    return datetime.combine(day, time(17), tzinfo=ZoneInfo(zone))


def plan_milestone_checkin(window, hours):
    milestones = Milestone.objects.filter(
        target_date__gte=(window.start - timedelta(days=2)).date(),
        target_date__lte=(window.end + timedelta(days=2)).date(),
        submission__status__in=Submission.HANDED_IN,
    ).select_related("submission__enrollment__user")
    for milestone in milestones:
        enrollment = milestone.submission.enrollment
        if not enrollment.is_taking_part or hours(enrollment.round_id) is None:
            continue
        due = _local_evening(milestone.target_date, enrollment.user.time_zone)
        if window.start < due <= window.end:
            yield Planned(enrollment.user_id, enrollment.round_id, f"milestone:{milestone.pk}", due)


def check_milestone_checkin(reminders, now):
    from apps.plans.models import MilestoneCheckin

    milestones = Milestone.objects.select_related(
        "submission__enrollment", "submission__exercise"
    ).in_bulk([int(r.occasion.split(":")[1]) for r in reminders])
    answered = set(
        MilestoneCheckin.objects.filter(milestone_id__in=milestones).values_list(
            "milestone_id", flat=True
        )
    )
    outcomes = {}
    for reminder in reminders:
        milestone = milestones.get(int(reminder.occasion.split(":")[1]))
        if milestone is None:
            outcomes[reminder.pk] = Outcome("the milestone was removed from the plan")
        elif not milestone.submission.enrollment.is_taking_part:
            outcomes[reminder.pk] = Outcome("no longer taking part in this round")
        elif milestone.pk in answered:
            outcomes[reminder.pk] = Outcome("the check-in was already answered")
        else:
            outcomes[reminder.pk] = Outcome(
                context={"milestone": milestone},
                url=reverse("plans:checkin", args=[milestone.pk]),
            )
    return outcomes


# Facilitators: grading waiting, attendance missing ----------------------------


def _lead_facilitators(cohort_ids) -> dict[int, list[Enrollment]]:
    leads = defaultdict(list)
    links = Cohort.facilitators.through.objects.filter(cohort_id__in=cohort_ids).select_related(
        "enrollment"
    )
    for link in links:
        if link.enrollment.is_taking_part:
            leads[link.cohort_id].append(link.enrollment)
    return leads


def plan_grading_waiting(window, hours):
    waiting = Submission.objects.filter(
        status=Submission.Status.SUBMITTED,
        submitted_at__gt=window.start - timedelta(hours=24 * 14),
        submitted_at__lte=window.end,
    ).select_related("enrollment__placement")
    rows = [s for s in waiting if hasattr(s.enrollment, "placement")]
    leads = _lead_facilitators({s.enrollment.placement.cohort_id for s in rows})
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
                f"grading:{submission.pk}:{submission.submitted_at:%Y%m%d%H%M%S}",
                due,
            )


def check_grading_waiting(reminders, now):
    submissions = Submission.objects.select_related(
        "enrollment__user", "exercise__unit", "enrollment__placement"
    ).in_bulk([int(r.occasion.split(":")[1]) for r in reminders])
    outcomes = {}
    for reminder in reminders:
        _, pk, stamp = reminder.occasion.split(":")
        submission = submissions.get(int(pk))
        if (
            submission is None
            or submission.status != Submission.Status.SUBMITTED
            or f"{submission.submitted_at:%Y%m%d%H%M%S}" != stamp
        ):
            outcomes[reminder.pk] = Outcome("the submission has been graded")
        else:
            outcomes[reminder.pk] = Outcome(
                context={"submission": submission},
                url=reverse("grading:grade", args=[submission.pk]),
            )
    return outcomes


def plan_attendance_missing(window, hours):
    meetings = Meeting.objects.filter(
        is_cancelled=False,
        cohort__published_at__isnull=False,
        ends_at__gt=window.start - timedelta(hours=48),
        ends_at__lte=window.end,
    ).select_related("cohort")
    leads = _lead_facilitators({m.cohort_id for m in meetings})
    for meeting in meetings:
        lead = hours(meeting.cohort.round_id)
        if lead is None:
            continue
        due = meeting.ends_at + timedelta(hours=lead)
        if not window.start < due <= window.end:
            continue
        for facilitator in leads[meeting.cohort_id]:
            yield Planned(
                facilitator.user_id, meeting.cohort.round_id, f"attendance:{meeting.pk}", due
            )


def check_attendance_missing(reminders, now):
    meetings = Meeting.objects.select_related("cohort", "unit").in_bulk(
        [int(r.occasion.split(":")[1]) for r in reminders]
    )
    recorded = set(
        Attendance.objects.filter(meeting_id__in=meetings).values_list("meeting_id", flat=True)
    )
    outcomes = {}
    for reminder in reminders:
        meeting = meetings.get(int(reminder.occasion.split(":")[1]))
        if meeting is None or meeting.is_cancelled:
            outcomes[reminder.pk] = Outcome("the meeting was cancelled")
        elif meeting.pk in recorded:
            outcomes[reminder.pk] = Outcome("attendance has been recorded")
        else:
            outcomes[reminder.pk] = Outcome(
                context={"meeting": meeting},
                url=reverse("cohorts:attendance", args=[meeting.cohort_id, meeting.pk]),
            )
    return outcomes


# Weekly digest for facilitators -----------------------------------------------


def digest_subscribers(user_ids=None) -> set[int]:
    prefs = Preference.objects.filter(kind=Kind.FACILITATOR_DIGEST, email=True)
    if user_ids is not None:
        prefs = prefs.filter(user_id__in=user_ids)
    return set(prefs.values_list("user_id", flat=True))


def plan_facilitator_digest(window, hours):
    subscribers = digest_subscribers()
    facilitators = (
        Enrollment.objects.filter(
            role=Enrollment.Role.FACILITATOR,
            user_id__in=subscribers,
            facilitated_cohorts__isnull=False,
        )
        .taking_part()
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
    users = {r.user_id for r in reminders}
    subscribers = digest_subscribers(users)
    cohorts = defaultdict(list)
    for link in Cohort.facilitators.through.objects.filter(
        enrollment__user_id__in=users
    ).select_related("cohort", "enrollment"):
        cohorts[link.enrollment.user_id].append(link.cohort)
    all_cohorts = [c for cs in cohorts.values() for c in cs]
    waiting = defaultdict(int)
    for placement_cohort in Submission.objects.filter(
        status=Submission.Status.SUBMITTED, enrollment__placement__cohort__in=all_cohorts
    ).values_list("enrollment__placement__cohort_id", flat=True):
        waiting[placement_cohort] += 1
    missing = defaultdict(int)
    for cohort_id in Meeting.objects.filter(
        cohort__in=all_cohorts, ends_at__lt=now, is_cancelled=False, attendance__isnull=True
    ).values_list("cohort_id", flat=True):
        missing[cohort_id] += 1
    outcomes = {}
    for reminder in reminders:
        if reminder.user_id not in subscribers:
            outcomes[reminder.pk] = Outcome("the weekly digest was switched off")
            continue
        rows = [(c, waiting[c.pk], missing[c.pk]) for c in cohorts[reminder.user_id]]
        if not any(w or m for _, w, m in rows):
            outcomes[reminder.pk] = Outcome("nothing is waiting this week")
            continue
        outcomes[reminder.pk] = Outcome(
            context={"rows": rows},
            url=reverse("grading:home"),
        )
    return outcomes


PLANNERS = {
    Kind.MEETING_TOMORROW: plan_meeting_tomorrow,
    Kind.REVIEWS_DUE: plan_reviews_due,
    Kind.EXERCISE_DUE: plan_exercise_due,
    Kind.REVISION_WAITING: plan_revision_waiting,
    Kind.MILESTONE_CHECKIN: plan_milestone_checkin,
    Kind.GRADING_WAITING: plan_grading_waiting,
    Kind.ATTENDANCE_MISSING: plan_attendance_missing,
    Kind.FACILITATOR_DIGEST: plan_facilitator_digest,
}
CHECKS = {
    Kind.MEETING_TOMORROW: check_meeting_tomorrow,
    Kind.EXERCISE_DUE: check_exercise_due,
    Kind.REVISION_WAITING: check_revision_waiting,
    Kind.REVIEWS_DUE: check_reviews_due,
    Kind.MILESTONE_CHECKIN: check_milestone_checkin,
    Kind.GRADING_WAITING: check_grading_waiting,
    Kind.ATTENDANCE_MISSING: check_attendance_missing,
    Kind.FACILITATOR_DIGEST: check_facilitator_digest,
}


def check(kind: str, reminders: list[Reminder], now: datetime) -> dict[int, Outcome]:
    return CHECKS[kind](reminders, now)
