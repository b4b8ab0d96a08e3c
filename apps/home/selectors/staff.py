"""The staff part of the home page: rounds in progress, their counts and the next steps.

One query however many rounds, people, cohorts and reminders there are: each
count is a subquery on the round, so none multiplies another.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from apps.cohorts.models import Cohort, Placement
from apps.grouping.models import GroupingRun
from apps.reminders.models import Reminder
from apps.rounds.models import Enrollment, Round, RoundUnit


@dataclass(frozen=True)
class Step:
    """Something to do in a round, and where to do it."""

    text: str
    url: str


@dataclass(frozen=True)
class RoundInProgress:
    """A round annotated with `applications`, `participants`, `facilitators`,
    `published_cohorts`, `draft_cohorts`, `failed_reminders` and `grouping` (the
    status of its latest grouping run, if any), and the steps it needs next."""

    round: Round
    steps: list[Step]


def _count(rows: QuerySet) -> Coalesce:
    """How many of `rows` (already tied to the outer round) there are, as a subquery."""
    counted = rows.order_by().values("round").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def rounds_in_progress(*, today: date) -> list[RoundInProgress]:
    """Rounds not over yet, soonest start first, each with what to do next.

    A round is over after the week of its last session; one with no schedule
    yet counts as over a week after its start date.
    """
    enrollments = Enrollment.objects.filter(round=OuterRef("pk"))
    cohorts = Cohort.objects.filter(round=OuterRef("pk"))
    last_week = (
        RoundUnit.objects.filter(round=OuterRef("pk"))
        .order_by("-week_starts_on")
        .values("week_starts_on")[:1]
    )
    last_run = GroupingRun.objects.filter(round=OuterRef("pk")).order_by("-created_at", "-pk")
    rounds = (
        Round.objects.select_related("course")
        .alias(last_week=Coalesce(Subquery(last_week), "starts_on"))
        .filter(last_week__gt=today - timedelta(days=7))
        .annotate(
            applications=_count(enrollments.filter(status__in=Enrollment.AWAITING_DECISION)),
            participants=_count(enrollments.participants().taking_part()),
            facilitators=_count(enrollments.facilitators().taking_part()),
            published_cohorts=_count(cohorts.published()),
            # Publishing leaves empty drafts behind; only drafts with people wait for it.
            draft_cohorts=_count(
                cohorts.filter(
                    published_at__isnull=True,
                    pk__in=Placement.objects.current().values("cohort_id"),
                )
            ),
            failed_reminders=_count(
                Reminder.objects.filter(round=OuterRef("pk"), status=Reminder.Status.FAILED)
            ),
            grouping=Subquery(last_run.values("status")[:1]),
        )
        .order_by("starts_on", "pk")
    )
    return [RoundInProgress(round=r, steps=_steps(r)) for r in rounds]


def _admin_list(model: str, **filters) -> str:
    return f"{reverse(f'admin:{model}_changelist')}?{urlencode(filters)}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _steps(round: Round) -> list[Step]:
    steps = []
    if round.applications:
        steps.append(
            Step(
                f"Decide {_plural(round.applications, 'application')}",
                _admin_list(
                    "rounds_enrollment",
                    round__id__exact=round.pk,
                    status__in=",".join(sorted(Enrollment.AWAITING_DECISION)),
                ),
            )
        )
    grouping = reverse("grouping:round", args=[round.slug])
    Status = GroupingRun.Status
    if round.grouping in (Status.QUEUED, Status.RUNNING):
        steps.append(Step("Watch the grouping run in progress", grouping))
    elif round.grouping == Status.DONE and round.draft_cohorts:
        steps.append(
            Step(f"Review and publish {_plural(round.draft_cohorts, 'draft cohort')}", grouping)
        )
    elif not round.published_cohorts and round.participants:
        if round.grouping == Status.FAILED:
            steps.append(Step("The last grouping run failed: run it again", grouping))
        elif round.grouping is None:
            steps.append(Step("Run the grouping", grouping))
    if round.failed_reminders:
        steps.append(
            Step(
                f"{_plural(round.failed_reminders, 'reminder')} could not be sent",
                _admin_list(
                    "reminders_reminder",
                    round__id__exact=round.pk,
                    status__exact=Reminder.Status.FAILED,
                ),
            )
        )
    return steps
