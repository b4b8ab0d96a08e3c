"""Messages about a participant's own work: due soon; returned or accepted, told at once; and
returned but not yet resubmitted."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse

from apps.courses.models import Exercise
from apps.reminders.registry import MAX_LEAD, PARTICIPANT, Kind, Outcome, Planned, register
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import Feedback, Submission


def _object_id(reminder) -> int:
    return int(reminder.occasion.split(":")[1])


# Exercise due -----------------------------------------------------------------------


def plan_exercise_due(window, hours):
    """Every participant taking part, `hours` before a session with exercises is due."""
    schedule = RoundUnit.objects.filter(
        due_at__gt=window.start, due_at__lte=window.end + MAX_LEAD
    ).filter(Exists(Exercise.objects.filter(unit_id=OuterRef("unit_id"))))
    entries = [e for e in schedule if hours(e.round_id) is not None]
    enrollments = defaultdict(list)
    for enrollment in (
        Enrollment.objects.filter(round_id__in={e.round_id for e in entries})
        .participants()
        .taking_part()
    ):
        enrollments[enrollment.round_id].append(enrollment)
    for entry in entries:
        due = entry.due_at - timedelta(hours=hours(entry.round_id))
        if not window.start < due <= window.end:
            continue
        for enrollment in enrollments[entry.round_id]:
            yield Planned(enrollment.user_id, entry.round_id, f"due:{entry.pk}", due)


def check_exercise_due(reminders, now):
    """Skipped once every exercise of the session is handed in; lists the ones that are not."""
    entries = RoundUnit.objects.select_related("unit__course", "round").in_bulk(
        [_object_id(r) for r in reminders]
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
        Submission.objects.handed_in()
        .filter(enrollment__in=enrollments.values())
        .values_list("enrollment_id", "exercise_id")
    )
    outcomes = {}
    for reminder in reminders:
        entry = entries.get(_object_id(reminder))
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


# Returned work not resubmitted ---------------------------------------------------------


def plan_revision_waiting(window, hours):
    """The author of work returned for revision, `hours` after it was returned."""
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


def _feedback_and_latest(reminders) -> tuple[dict[int, Feedback], dict[int, int]]:
    """The feedback each reminder is about, and each submission's latest feedback's pk."""
    feedback = Feedback.objects.select_related(
        "submission__enrollment__round", "submission__exercise__unit"
    ).in_bulk([_object_id(r) for r in reminders])
    latest = {
        f.submission_id: f.pk
        for f in Feedback.objects.filter(
            submission_id__in={f.submission_id for f in feedback.values()}
        ).order_by("created_at", "pk")
    }
    return feedback, latest


def _back_to_the_work(item: Feedback) -> Outcome:
    """The message about `item`, linking to the exercise's form."""
    exercise = item.submission.exercise
    return Outcome(
        context={"exercise": exercise, "feedback": item},
        url=reverse(
            "submissions:answer", args=[item.submission.enrollment.round.slug, exercise.pk]
        ),
    )


def check_revision_waiting(reminders, now):
    """Skipped once the work was resubmitted (or returned again, which has its own reminder)."""
    feedback, latest = _feedback_and_latest(reminders)
    outcomes = {}
    for reminder in reminders:
        item = feedback.get(_object_id(reminder))
        if item is None or not item.submission.enrollment.is_taking_part:
            outcomes[reminder.pk] = Outcome("no longer taking part in this round")
        elif (
            item.submission.status != Submission.Status.RETURNED
            or latest[item.submission_id] != item.pk
        ):
            outcomes[reminder.pk] = Outcome("the work was resubmitted")
        else:
            outcomes[reminder.pk] = _back_to_the_work(item)
    return outcomes


# Returned or accepted, told at once ------------------------------------------------------

# What the submission's status is while a decision still stands.
_STANDING = {
    Feedback.Decision.RETURNED: Submission.Status.RETURNED,
    Feedback.Decision.ACCEPTED: Submission.Status.ACCEPTED,
}


def check_feedback_given(reminders, now):
    """Skipped once the decision no longer stands: the work resubmitted, or graded again."""
    feedback, latest = _feedback_and_latest(reminders)
    outcomes = {}
    for reminder in reminders:
        item = feedback.get(_object_id(reminder))
        if item is None or not item.submission.enrollment.is_taking_part:
            outcomes[reminder.pk] = Outcome("no longer taking part in this round")
        elif latest[item.submission_id] != item.pk:
            outcomes[reminder.pk] = Outcome("the work was graded again since")
        elif item.submission.status != _STANDING[item.decision]:
            outcomes[reminder.pk] = Outcome("the work was resubmitted")
        else:
            outcomes[reminder.pk] = _back_to_the_work(item)
    return outcomes


register(
    Kind(
        slug="exercise_due",
        label="Exercise due soon",
        audience=PARTICIPANT,
        default_hours=48,
        plan=plan_exercise_due,
        check=check_exercise_due,
    )
)
register(
    Kind(
        slug="work_returned",
        label="Work returned for revision",
        audience=PARTICIPANT,
        check=check_feedback_given,
        in_app_at_once=True,
    )
)
register(
    Kind(
        slug="work_accepted",
        label="Work accepted",
        audience=PARTICIPANT,
        check=check_feedback_given,
        in_app_at_once=True,
    )
)
register(
    Kind(
        slug="revision_waiting",
        label="Returned work not yet resubmitted",
        audience=PARTICIPANT,
        default_hours=72,
        plan=plan_revision_waiting,
        check=check_revision_waiting,
    )
)
