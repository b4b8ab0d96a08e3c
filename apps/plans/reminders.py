"""The milestone check-in: on the evening a project milestone was due, ask how it went."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from apps.plans.models import MilestoneCheckin
from apps.reminders.registry import PARTICIPANT, Kind, Outcome, Planned, register
from apps.submissions.models import Milestone, Submission

# 17:00 on the target date, in the person's own zone.
EVENING = time(17)


def _milestone_id(reminder) -> int:
    return int(reminder.occasion.split(":")[1])


def plan_milestone_checkin(window, hours):
    """The plan's author, at 17:00 their time on each milestone's target date."""
    milestones = Milestone.objects.filter(
        # Two days either side: wide enough for the evening of that date in any zone.
        target_date__gte=(window.start - timedelta(days=2)).date(),
        target_date__lte=(window.end + timedelta(days=2)).date(),
        submission__status__in=Submission.HANDED_IN,
    ).select_related("submission__enrollment__user")
    for milestone in milestones:
        enrollment = milestone.submission.enrollment
        if not enrollment.is_taking_part or hours(enrollment.round_id) is None:
            continue
        due = datetime.combine(
            milestone.target_date, EVENING, tzinfo=ZoneInfo(enrollment.user.time_zone)
        )
        if window.start < due <= window.end:
            yield Planned(enrollment.user_id, enrollment.round_id, f"milestone:{milestone.pk}", due)


def check_milestone_checkin(reminders, now):
    """Skipped once the check-in is answered, or the milestone is no longer in the plan."""
    milestones = Milestone.objects.select_related(
        "submission__enrollment", "submission__exercise"
    ).in_bulk([_milestone_id(r) for r in reminders])
    answered = set(
        MilestoneCheckin.objects.filter(milestone_id__in=milestones).values_list(
            "milestone_id", flat=True
        )
    )
    outcomes = {}
    for reminder in reminders:
        milestone = milestones.get(_milestone_id(reminder))
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


register(
    Kind(
        slug="milestone_checkin",
        label="Project milestone check-in",
        audience=PARTICIPANT,
        plan=plan_milestone_checkin,
        check=check_milestone_checkin,
    )
)
