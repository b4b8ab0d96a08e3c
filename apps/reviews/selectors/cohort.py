"""The facilitator's overview of a cohort: dates, who reviews how much, all reviews of its work."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, Q
from django.http import Http404

from apps.cohorts.models import Cohort, Placement
from apps.cohorts.selectors import cohorts_visible_to
from apps.reviews.models import PeerReviewSettings, ReviewAssignment
from apps.rounds.models import Enrollment, RoundUnit


def cohort_for_facilitator(*, user, pk: int) -> Cohort:
    try:
        return cohorts_visible_to(user).select_related("round__course").get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.") from None


def cohort_assignments(*, cohort: Cohort, now: datetime) -> list[ReviewAssignment]:
    """Every review of the cohort's work in this round, with names, in one query."""
    assignments = (
        ReviewAssignment.objects.filter(
            submission__enrollment__placement__cohort=cohort,
            submission__enrollment__round_id=cohort.round_id,
        )
        .select_related(
            "review",
            "reviewer__user",
            "reviewer__placement__cohort",
            "submission__enrollment__user",
            "submission__exercise__unit",
            "submission__exercise__peer_review",
        )
        .order_by(
            "submission__exercise__unit__number",
            "submission__exercise__position",
            "submission__enrollment__user__display_name",
            "submission__enrollment__user__email",
            "created_at",
            "pk",
        )
    )
    assignments = list(assignments)
    for assignment in assignments:
        assignment.is_overdue = assignment.is_outstanding and assignment.due_at < now
    return assignments


@dataclass
class MemberDuties:
    enrollment: Enrollment
    to_do: int
    overdue: int
    finished: int
    handed_over: int
    helpfulness: float | None


def cohort_members_duties(*, cohort: Cohort, now: datetime) -> list[MemberDuties]:
    """Each participant of the cohort with how their own reviews stand: two queries."""
    placements = (
        Placement.objects.filter(cohort=cohort)
        .exclude(enrollment__role=Enrollment.Role.FACILITATOR)
        .select_related("enrollment__user")
        .order_by("enrollment__user__display_name", "enrollment__user__email")
    )
    outstanding = Q(status__in=ReviewAssignment.OUTSTANDING)
    counts = {
        row["reviewer_id"]: row
        for row in ReviewAssignment.objects.filter(reviewer__placement__cohort=cohort)
        .values("reviewer_id")
        .annotate(
            to_do=Count("pk", filter=outstanding),
            overdue=Count("pk", filter=outstanding & Q(due_at__lt=now)),
            finished=Count("pk", filter=Q(status__in=ReviewAssignment.FINISHED)),
            handed_over=Count("pk", filter=Q(status=ReviewAssignment.Status.ABANDONED)),
            helpfulness=Avg("review__helpfulness"),
        )
        .order_by()
    }
    members = []
    for placement in placements:
        row = counts.get(placement.enrollment_id, {})
        members.append(
            MemberDuties(
                enrollment=placement.enrollment,
                to_do=row.get("to_do", 0),
                overdue=row.get("overdue", 0),
                finished=row.get("finished", 0),
                handed_over=row.get("handed_over", 0),
                helpfulness=row.get("helpfulness"),
            )
        )
    return members


@dataclass(frozen=True)
class PoolDates:
    settings: PeerReviewSettings
    deadline: datetime | None
    reviews_due_at: datetime | None


def cohort_review_dates(*, cohort: Cohort) -> list[PoolDates]:
    """The course's peer-reviewed exercises with when reviews are assigned and due this round."""
    all_settings = list(
        PeerReviewSettings.objects.filter(
            exercise__unit__course_id=cohort.round.course_id, is_enabled=True
        )
        .select_related("exercise__unit")
        .order_by("exercise__unit__number", "exercise__position")
    )
    deadlines = dict(
        RoundUnit.objects.filter(
            round_id=cohort.round_id, unit_id__in={s.exercise.unit_id for s in all_settings}
        ).values_list("unit_id", "due_at")
    )
    rows = []
    for settings in all_settings:
        deadline = deadlines.get(settings.exercise.unit_id)
        due = settings.reviews_due_after(deadline) if deadline else None
        rows.append(PoolDates(settings, deadline, due))
    return rows
