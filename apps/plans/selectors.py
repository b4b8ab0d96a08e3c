"""The career and project plans a cohort shares with each other.

A plan is shown as it was last submitted (its latest revision), never as an
unsubmitted draft: people share what they chose to hand in.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from apps.cohorts.models import Cohort, Placement
from apps.courses.models import Exercise, Prompt
from apps.rounds.models import Enrollment
from apps.submissions.models import Milestone, Revision, Submission

PLAN_KINDS = (Exercise.Kind.CAREER_PLAN, Exercise.Kind.PROJECT_PLAN)


def cohorts_sharing_plans_with(user) -> QuerySet[Cohort]:
    """Cohorts whose plans this person may read.

    Staff read any cohort; facilitators the cohorts they lead; participants
    their own published cohort, when the course shares plans.
    """
    cohorts = Cohort.objects.select_related("round__course")
    if user.is_staff:
        return cohorts
    member = Placement.objects.current().filter(cohort=OuterRef("pk"), enrollment__user=user)
    return cohorts.filter(
        Q(pk__in=Cohort.objects.led_by(user))
        | Q(Exists(member), published_at__isnull=False, round__course__share_plans=True)
    )


def cohort_for_plans(*, user, pk: int) -> Cohort:
    try:
        return cohorts_sharing_plans_with(user).get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.") from None


@dataclass(frozen=True)
class SharedPlan:
    submission: Submission
    revision: Revision
    prompts: list[Prompt]

    @property
    def answers(self) -> dict:
        return self.revision.answers


def shared_plans(*, cohort: Cohort, submission_pk: int | None = None) -> list[SharedPlan]:
    """Each member's submitted plans, with the prompts to show them under, in a few queries."""
    latest_revisions = Revision.objects.order_by("-number")
    submissions = (
        Submission.objects.filter(
            enrollment__placement__cohort=cohort,
            exercise__kind__in=PLAN_KINDS,
            first_submitted_at__isnull=False,
        )
        .exclude(enrollment__status__in=Enrollment.GONE)
        .select_related("enrollment__user", "exercise__unit")
        .prefetch_related(
            Prefetch("revisions", queryset=latest_revisions, to_attr="newest_first"),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.select_related("checkin").order_by("target_date"),
                to_attr="milestone_rows",
            ),
            Prefetch(
                "exercise__prompts",
                queryset=Prompt.objects.order_by("position"),
                to_attr="ordered_prompts",
            ),
        )
        .order_by("exercise__kind", "enrollment__user__display_name", "enrollment__user__email")
    )
    if submission_pk is not None:
        submissions = submissions.filter(pk=submission_pk)
    return [
        SharedPlan(s, s.newest_first[0], s.exercise.ordered_prompts)
        for s in submissions
        if s.newest_first
    ]
