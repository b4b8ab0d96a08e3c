"""Reads for the round pages, shaped so each page costs a fixed number of queries."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from apps.rounds import weekgrid
from apps.rounds.models import Enrollment, Round, RoundUnit


def facilitator_places(*, user) -> QuerySet[Enrollment]:
    """The person's current facilitator places, in any round, with or without cohorts yet."""
    return Enrollment.objects.filter(user=user).facilitators().current()


def facilitator_counts(*, user) -> dict:
    """How many current facilitator places the person has (`places`), and how many lead."""
    return Enrollment.objects.filter(user=user).facilitator_counts()


def lead_places(*, user) -> QuerySet[Enrollment]:
    """The person's current places as a round's lead facilitator."""
    return Enrollment.objects.filter(user=user).leads()


def is_facilitating(user) -> bool:
    return facilitator_places(user=user).exists()


def rounds_led_by(user) -> QuerySet[Round]:
    """The rounds this person may lead: every round for staff, else those they are lead of.

    The one rule for the powers a round's lead facilitators share with staff (grouping,
    switches, late applicants, analytics): every view and service asks here.
    """
    if user.is_staff:
        return Round.objects.all()
    return Round.objects.filter(pk__in=lead_places(user=user).values("round"))


def can_lead(user, round: Round) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or rounds_led_by(user).filter(pk=round.pk).exists()


def leads_with(user, enrollment: Enrollment | None) -> bool:
    """`can_lead`, from the person's enrollment in the round when it is already read:
    the same rule as `rounds_led_by`, without a query."""
    if not user.is_authenticated:
        return False
    return user.is_staff or (
        enrollment is not None
        and enrollment.is_lead
        and enrollment.is_facilitator
        and not enrollment.is_gone
    )


def rounds_visible_to(user) -> QuerySet[Round]:
    """Rounds of published courses, plus any round the person is enrolled in; staff see all."""
    rounds = Round.objects.select_related("course")
    if user.is_staff:
        return rounds
    enrolled = Enrollment.objects.filter(round=OuterRef("pk"), user=user)
    return rounds.filter(Q(course__is_published=True) | Exists(enrolled))


def rounds_open_for_applications(*, user, now: datetime) -> QuerySet[Round]:
    return (
        rounds_visible_to(user)
        .filter(applications_open_at__lte=now, applications_close_at__gt=now)
        .order_by("applications_close_at", "starts_on")
    )


def enrollments_of(*, user) -> list[Enrollment]:
    """The person's own places in rounds, most recent round first, with hours available."""
    enrollments = _with_hours(
        Enrollment.objects.filter(user=user).select_related("round__course")
    ).order_by("-round__starts_on")
    return [_hours(enrollment) for enrollment in enrollments]


def round_for_user(*, user, slug: str) -> Round:
    try:
        return rounds_visible_to(user).get(slug=slug)
    except Round.DoesNotExist:
        raise Http404("No such round.") from None


def round_schedule(*, round: Round) -> list[RoundUnit]:
    return list(round.schedule.select_related("unit").order_by("week_starts_on", "unit__number"))


def _with_hours(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    return enrollments.annotate(
        available_minutes=Sum(F("availability__end") - F("availability__start"))
    )


def _hours(enrollment: Enrollment | None) -> Enrollment | None:
    if enrollment is not None:
        enrollment.available_hours = (enrollment.available_minutes or 0) / 60
    return enrollment


def enrollment_in(*, user, round: Round) -> Enrollment | None:
    """The person's own enrollment in a round, if any, with the minutes a week they gave."""
    return _hours(_with_hours(Enrollment.objects.filter(user=user, round=round)).first())


def enrollment_for_availability(*, user, slug: str) -> Enrollment:
    """The person's own enrollment in the round; anyone else's, or none, is a 404.

    Staff are no exception: availability is entered by the person it belongs to.
    """
    try:
        return Enrollment.objects.select_related("round__course", "user").get(
            user=user, round__slug=slug
        )
    except Enrollment.DoesNotExist:
        raise Http404("You have no place in this round.") from None


def availability_cells(*, enrollment: Enrollment, zone: str) -> set[weekgrid.Cell]:
    """The stored availability as the cells of a weekly grid in the given zone.

    The zone is the person's current one, not the one they entered it in, so
    someone who has moved (or whose zone changed its rules) sees what the
    stored UTC times now mean for them.
    """
    intervals = enrollment.availability.values_list("start", "end")
    return weekgrid.intervals_to_cells(
        list(intervals), zone=zone, week_of=enrollment.round.starts_on
    )


def round_is_over(round: Round, *, today=None) -> bool:
    """Whether the last session's week has ended (a round with no schedule never is)."""
    last = round.schedule.order_by("-week_starts_on").values_list("week_starts_on", flat=True)
    last = last.first()
    return last is not None and (today or timezone.now().date()) >= last + timedelta(days=7)


# Leaving keeps no trace of the status left from, so whether someone had a place to come
# back to is known only to the apps that hand places out (admissions). They add a check
# here from their AppConfig.ready(): given the enrollment, it returns why that person may
# not come back, or "" when it has no objection.
_RETURN_CHECKS: list[Callable[[Enrollment], str]] = []


def return_check_register(check: Callable[[Enrollment], str]) -> None:
    if check not in _RETURN_CHECKS:
        _RETURN_CHECKS.append(check)


def return_refusal(enrollment: Enrollment) -> str:
    """Why a person who left may not come back now, or "" when they may."""
    if round_is_over(enrollment.round):
        return "This round is over, so there is no coming back to it."
    for check in _RETURN_CHECKS:
        if refusal := check(enrollment):
            return refusal
    return ""


def next_round_of(round: Round) -> Round | None:
    """The round of the same course that starts next after this one."""
    return (
        Round.objects.filter(course_id=round.course_id, starts_on__gt=round.starts_on)
        .order_by("starts_on", "pk")
        .first()
    )


def application_questions(*, round: Round) -> list:
    """The round's own application questions, in the order applicants see them."""
    return list(round.questions.order_by("position", "pk"))


def application_answers(*, enrollment: Enrollment) -> dict[int, str]:
    """What the applicant answered, by question id."""
    return dict(enrollment.answers.values_list("question_id", "text"))
