"""Reads for admissions: who may review, the ranked list, a reviewer's queue and an
applicant's own offer; each page costs a fixed number of queries however many apply."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast
from django.http import Http404

from apps.admissions.models import (
    AdmissionSettings,
    Decision,
    Offer,
    Review,
    Score,
    Vacancy,
    open_reviews,
)
from apps.cohorts.models import Placement
from apps.courses.models import Criterion, Level
from apps.rounds.models import ApplicationAnswer, Enrollment, Round
from apps.rounds.selectors import rounds_led_by


def rounds_to_admit(*, user) -> QuerySet[Round]:
    """The rounds whose applications this person reviews, newest first, with the number
    of applications waiting for a decision and of their own reviews still to do."""
    return (
        rounds_led_by(user)
        .select_related("course")
        .annotate(
            waiting=Count(
                "enrollments",
                filter=Q(
                    enrollments__status=Enrollment.Status.APPLIED,
                    enrollments__role=Enrollment.Role.PARTICIPANT,
                ),
                distinct=True,
            ),
            to_score=Count(
                "enrollments__admission_reviews",
                filter=Q(enrollments__admission_reviews__reviewer=user)
                & open_reviews("enrollments__admission_reviews__"),
                distinct=True,
            ),
        )
        .order_by("-starts_on", "pk")
    )


def settings_of(round: Round) -> AdmissionSettings:
    """The round's admission settings, or the defaults (unsaved) when none are set."""
    found = AdmissionSettings.objects.select_related("rubric").filter(round=round).first()
    return found or AdmissionSettings(round=round)


def reviewer_pool(*, round: Round) -> list[int]:
    """Who reviews the round's applications: its lead facilitators and the staff."""
    leads = Enrollment.objects.filter(round=round).leads().values("user_id")
    users = (
        get_user_model().objects.filter(is_active=True).filter(Q(is_staff=True) | Q(pk__in=leads))
    )
    return list(users.order_by("pk").values_list("pk", flat=True))


def _waitlist_position():
    latest = Decision.objects.filter(
        enrollment=OuterRef("pk"), outcome=Decision.Outcome.WAITLISTED
    ).order_by("-decided_at", "-pk")
    return Subquery(latest.values("waitlist_position")[:1])


def waiting_list(*, round: Round) -> QuerySet[Enrollment]:
    """The round's waiting list, first in line first."""
    return (
        Enrollment.objects.filter(round=round, status=Enrollment.Status.WAITLISTED)
        .participants()
        .annotate(position=_waitlist_position())
        .order_by(F("position").asc(nulls_last=True), "applied_at", "pk")
    )


@dataclass
class RankedRow:
    enrollment: Enrollment
    assigned: int
    done: int
    mean: float | None
    spread: int | None
    position: int | None
    hidden: bool  # the viewer has yet to give their own score
    flagged: bool


def ranked_applications(*, round: Round, viewer, status: str = "") -> list[RankedRow]:
    """The round's applications, best mean score first (unscored last), with each one's
    spread of scores flagged above the round's threshold.

    Scores of an application the viewer is assigned to and has not scored are hidden
    from them, mean and spread alike. One query, however many applications.
    """
    threshold = settings_of(round).disagreement_threshold
    submitted = Q(admission_reviews__submitted_at__isnull=False)
    mine_open = Review.objects.filter(open_reviews(), enrollment=OuterRef("pk"), reviewer=viewer)
    people = (
        Enrollment.objects.filter(round=round)
        .participants()
        .select_related("user")
        .annotate(
            assigned=Count("admission_reviews"),
            done=Count("admission_reviews", filter=submitted),
            mean=Avg(Cast("admission_reviews__points", FloatField()), filter=submitted),
            spread=Max("admission_reviews__points", filter=submitted)
            - Min("admission_reviews__points", filter=submitted),
            position=_waitlist_position(),
            hidden=Exists(mine_open),
        )
        .order_by(F("mean").desc(nulls_last=True), "applied_at", "pk")
    )
    if status:
        people = people.filter(status=status)
    rows = []
    for person in people:
        hidden = person.hidden
        spread = None if hidden else person.spread
        rows.append(
            RankedRow(
                enrollment=person,
                assigned=person.assigned,
                done=person.done,
                mean=None if hidden else person.mean,
                spread=spread,
                position=person.position if person.status == Enrollment.Status.WAITLISTED else None,
                hidden=hidden,
                flagged=spread is not None and spread > threshold,
            )
        )
    return rows


def reviews_of(*, user, round: Round) -> QuerySet[Review]:
    """The reviews assigned to this person in the round, those still to do first."""
    return (
        Review.objects.filter(reviewer=user, enrollment__round=round)
        .select_related("enrollment__user")
        .order_by(F("submitted_at").asc(nulls_first=True), "assigned_at", "pk")
    )


def application_in(*, round: Round, pk: int) -> Enrollment:
    try:
        return (
            Enrollment.objects.participants()
            .select_related("user", "round__course")
            .prefetch_related(
                Prefetch(
                    "answers",
                    queryset=ApplicationAnswer.objects.select_related("question").order_by(
                        "question__position", "question__pk"
                    ),
                )
            )
            .get(round=round, pk=pk)
        )
    except Enrollment.DoesNotExist:
        raise Http404("No such application in this round.") from None


def rubric_criteria(rubric) -> list[Criterion]:
    """The rubric's criteria with their levels, lowest level first."""
    if rubric is None:
        return []
    return list(
        rubric.criteria.order_by("position").prefetch_related(
            Prefetch("levels", queryset=Level.objects.order_by("position"))
        )
    )


@dataclass
class ApplicationView:
    mine: Review | None
    others: list[Review]  # empty while the viewer has yet to score it themselves
    others_hidden: bool
    chosen: dict[int, int]  # the viewer's own levels, by criterion id


def application_reviews(*, enrollment: Enrollment, viewer) -> ApplicationView:
    """The viewer's own review of the application and, once they have given theirs (or
    when it is not theirs to score), everyone else's."""
    reviews = list(
        enrollment.admission_reviews.select_related("reviewer").prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("criterion", "level"))
        )
    )
    mine = next((r for r in reviews if r.reviewer_id == viewer.pk), None)
    hidden = mine is not None and mine.is_open
    others = [r for r in reviews if r is not mine and r.is_submitted]
    chosen = {s.criterion_id: s.level_id for s in mine.scores.all()} if mine else {}
    return ApplicationView(mine, [] if hidden else others, hidden, chosen)


def decisions_of(*, enrollment: Enrollment) -> list[Decision]:
    return list(enrollment.decisions.select_related("decided_by"))


def own_place(*, user, slug: str) -> Enrollment:
    """The person's own application to the round, with its open offer if any; else 404."""
    try:
        return (
            Enrollment.objects.participants()
            .select_related("round__course")
            .prefetch_related(
                Prefetch(
                    "offers",
                    queryset=Offer.objects.order_by("-offered_at", "-pk"),
                    to_attr="offer_list",
                ),
                Prefetch(
                    "decisions",
                    queryset=Decision.objects.order_by("-decided_at", "-pk"),
                    to_attr="decision_list",
                ),
            )
            .get(user=user, round__slug=slug)
        )
    except Enrollment.DoesNotExist:
        raise Http404("You have not applied to this round.") from None


def holds_place() -> Q:
    """Enrollments that were given a place: accepted by a decision, or by confirming an offer."""
    return Q(decisions__outcome=Decision.Outcome.ACCEPTED) | Q(
        offers__status=Offer.Status.CONFIRMED
    )


def return_refusal(enrollment: Enrollment) -> str:
    """Why a participant who left may not come back, or "" when they may: nobody returns
    to a place they were never given, nor to one freed for the waiting list. Someone
    placed in a cohort had a place even when it was given outside admissions."""
    if enrollment.is_facilitator:
        return ""
    if Vacancy.objects.filter(freed_by=enrollment).exists():
        return "Your place has been passed on to the waiting list, so it cannot be taken back."
    held = (
        Enrollment.objects.filter(pk=enrollment.pk)
        .filter(holds_place() | Q(Exists(Placement.objects.filter(enrollment=OuterRef("pk")))))
        .exists()
    )
    if not held:
        return "You were never given a place in this round, so there is none to come back to."
    return ""
