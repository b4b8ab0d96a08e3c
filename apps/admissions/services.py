"""Writes for admissions: assigning reviewers, scoring, deciding in bulk, and the waiting list
moving by itself when an accepted person leaves before the round starts."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from apps.admissions import assignment
from apps.admissions.models import Decision, Offer, Review, Score, Vacancy
from apps.admissions.selectors import (
    holds_place,
    reviewer_pool,
    rubric_criteria,
    settings_of,
    waiting_list,
)
from apps.cohorts.models import Placement
from apps.cohorts.selectors import cohort_options
from apps.cohorts.services import CohortError, participant_leave, participant_place_late
from apps.reminders.registry import Planned
from apps.reminders.services import reminders_schedule_many
from apps.rounds.models import Enrollment, Round
from apps.rounds.services import enrollments_move


class AdmissionsError(Exception):
    """An admissions step that cannot be done, with a message for people."""


def _tell(kind: str, rows: Iterable[tuple[int, int, str]]) -> None:
    """Queue news (user id, round id, occasion) once the transaction commits."""
    now = timezone.now()
    events = [Planned(user_id, round_id, occasion, now) for user_id, round_id, occasion in rows]
    if events:
        transaction.on_commit(lambda: reminders_schedule_many(kind=kind, events=events))


# Reviewers ------------------------------------------------------------------------------


@transaction.atomic
def reviewers_assign(*, round: Round) -> int:
    """Give every undecided application of the round its reviewers, spread evenly over the
    round's lead facilitators and the staff; returns how many reviews were assigned.

    Running it again only tops up applications that came in since, or whose
    round now asks for more reviewers.
    """
    Round.objects.select_for_update().get(pk=round.pk)  # one assignment of a round at a time
    per = settings_of(round).reviewers_per_application
    pool = reviewer_pool(round=round)
    if not pool:
        raise AdmissionsError("This round has no lead facilitators and the site no staff.")
    applications = Enrollment.objects.filter(
        round=round, status=Enrollment.Status.APPLIED
    ).participants()
    existing: dict[int, set[int]] = {}
    for enrollment_id, reviewer_id in Review.objects.filter(
        enrollment__in=applications
    ).values_list("enrollment_id", "reviewer_id"):
        existing.setdefault(enrollment_id, set()).add(reviewer_id)
    loads = dict.fromkeys(pool, 0)
    for row in (
        Review.objects.filter(enrollment__round=round, reviewer_id__in=pool)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
    ):
        loads[row["reviewer_id"]] = row["n"]
    pairs = assignment.assign(
        [
            assignment.Application(
                id=pk, reviewers=frozenset(existing.get(pk, ())), excluded=frozenset({user_id})
            )
            for pk, user_id in applications.values_list("pk", "user_id")
            if len(existing.get(pk, ())) < per
        ],
        loads,
        per_application=per,
    )
    Review.objects.bulk_create(
        [Review(enrollment_id=app, reviewer_id=reviewer) for app, reviewer in pairs],
        ignore_conflicts=True,
    )
    return len(pairs)


@transaction.atomic
def review_submit(*, review: Review, levels: dict[int, int], comment: str = "") -> Review:
    """Score an application: one level for each criterion of the round's rubric.

    A reviewer may change their scores until the application is decided.
    """
    review = (
        Review.objects.select_for_update().select_related("enrollment__round").get(pk=review.pk)
    )
    if review.enrollment.status != Enrollment.Status.APPLIED:
        raise AdmissionsError("This application is decided, so its scores are final.")
    criteria = rubric_criteria(settings_of(review.enrollment.round).rubric)
    if not criteria:
        raise AdmissionsError("This round has no rubric to score against yet.")
    chosen = []
    for criterion in criteria:
        level = next(
            (lv for lv in criterion.levels.all() if lv.pk == levels.get(criterion.pk)), None
        )
        if level is None:
            raise AdmissionsError(f"Choose a level for “{criterion.title}”.")
        chosen.append(level)
    review.scores.all().delete()
    Score.objects.bulk_create(
        Score(review=review, criterion_id=level.criterion_id, level=level) for level in chosen
    )
    review.points = sum(level.points for level in chosen)
    review.comment = comment.strip()
    review.submitted_at = review.submitted_at or timezone.now()
    review.save(update_fields=["points", "comment", "submitted_at"])
    return review


# Decisions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decided:
    changed: int
    skipped: int


# Which applications each decision may change, and the status it gives them.
DECIDABLE = {
    Decision.Outcome.ACCEPTED: (Enrollment.DECIDABLE, Enrollment.Status.ACCEPTED),
    Decision.Outcome.WAITLISTED: (
        frozenset({Enrollment.Status.APPLIED}),
        Enrollment.Status.WAITLISTED,
    ),
    Decision.Outcome.DECLINED: (Enrollment.DECIDABLE, Enrollment.Status.DECLINED),
}


@transaction.atomic
def decisions_make(*, round: Round, enrollment_ids: list[int], outcome: str, by) -> Decided:
    """Accept, waitlist or decline applications of the round at once; each person is told.

    Only applications still open to that decision change; the rest are counted as
    skipped. The waiting list takes new people after those already on it, in the
    order given (the ranked list's order).
    """
    allowed, status = DECIDABLE[outcome]
    Round.objects.select_for_update().get(pk=round.pk)  # waiting list positions stay unique
    ids = list(
        Enrollment.objects.filter(round=round, pk__in=enrollment_ids)
        .participants()
        .values_list("pk", flat=True)
    )
    moved = set(enrollments_move(enrollment_ids=ids, to=status, from_statuses=allowed))
    order = [pk for pk in dict.fromkeys(enrollment_ids) if pk in moved]
    start = 0
    if outcome == Decision.Outcome.WAITLISTED:
        # Max skips people on the list without a position (NULL), where ordering by
        # position descending would put them first on PostgreSQL.
        last = waiting_list(round=round).exclude(pk__in=moved).aggregate(last=Max("position"))
        start = last["last"] or 0
    decisions = Decision.objects.bulk_create(
        Decision(
            enrollment_id=pk,
            outcome=outcome,
            decided_by=by,
            waitlist_position=start + n if outcome == Decision.Outcome.WAITLISTED else None,
        )
        for n, pk in enumerate(order, start=1)
    )
    users = dict(Enrollment.objects.filter(pk__in=order).values_list("pk", "user_id"))
    _tell(
        f"admission_{outcome}",
        [(users[d.enrollment_id], round.pk, f"decision:{d.pk}") for d in decisions],
    )
    return Decided(changed=len(order), skipped=len(set(enrollment_ids)) - len(order))


# The waiting list -----------------------------------------------------------------------


def vacancies_record(*, now: datetime, round: Round | None = None) -> int:
    """Note each place freed since the last run: someone given a place who has since left,
    declined or been dropped, in a round that has not started. Safe to repeat."""
    freed = (
        Enrollment.objects.filter(status__in=Enrollment.GONE, round__starts_on__gt=now.date())
        .participants()
        .filter(holds_place())
        .exclude(Exists(Vacancy.objects.filter(freed_by=OuterRef("pk"))))
        .values_list("pk", "round_id")
        .distinct()
    )
    if round is not None:
        freed = freed.filter(round=round)
    made = Vacancy.objects.bulk_create(
        [Vacancy(freed_by_id=pk, round_id=round_id) for pk, round_id in freed],
        ignore_conflicts=True,
    )
    return len(made)


def offers_lapse(*, now: datetime) -> int:
    """Offers not confirmed by their deadline pass on: the person loses the offer. So do
    offers to someone who left the round meanwhile, so the place is not held for nobody."""
    with transaction.atomic():
        lapsed = list(
            Offer.objects.select_for_update(skip_locked=True, of=("self",)).filter(
                Q(expires_at__lte=now) | Q(enrollment__status__in=Enrollment.GONE),
                status=Offer.Status.OPEN,
            )
        )
        for offer in lapsed:
            offer.status, offer.answered_at = Offer.Status.LAPSED, now
        Offer.objects.bulk_update(lapsed, ["status", "answered_at"])
        enrollments_move(
            enrollment_ids=[o.enrollment_id for o in lapsed],
            to=Enrollment.Status.DECLINED,
            from_statuses=frozenset({Enrollment.Status.OFFERED}),
        )
    return len(lapsed)


def vacancies_fill(*, now: datetime, round: Round | None = None) -> int:
    """Offer each open place to the next person on its round's waiting list.

    A place is open while it is unfilled, offered to nobody just now, and its round
    has not started. Places are claimed with SKIP LOCKED, so two runs at once never
    offer the same place twice; a place nobody is waiting for stays open for later.
    """
    offered = 0
    with transaction.atomic():
        open_places = (
            Vacancy.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(filled_at__isnull=True, round__starts_on__gt=now.date())
            .exclude(Exists(Offer.objects.filter(vacancy=OuterRef("pk"), status=Offer.Status.OPEN)))
            .select_related("round")
            .order_by("created_at", "pk")
        )
        if round is not None:
            open_places = open_places.filter(round=round)
        taken: set[int] = set()
        for vacancy in open_places:
            hours = settings_of(vacancy.round).offer_hours
            line = waiting_list(round=vacancy.round).exclude(pk__in=taken)
            person = line.select_for_update(skip_locked=True, of=("self",)).first()
            if person is None:
                continue
            if not enrollments_move(
                enrollment_ids=[person.pk],
                to=Enrollment.Status.OFFERED,
                from_statuses=frozenset({Enrollment.Status.WAITLISTED}),
            ):
                continue
            taken.add(person.pk)
            offer = Offer.objects.create(
                vacancy=vacancy,
                enrollment=person,
                offered_at=now,
                expires_at=now + timedelta(hours=hours),
            )
            _tell("place_offered", [(person.user_id, vacancy.round_id, f"offer:{offer.pk}")])
            offered += 1
    return offered


def waitlist_advance(*, now: datetime | None = None, round: Round | None = None) -> dict:
    """Record freed places, lapse overdue offers and offer open places; what the tick runs."""
    now = now or timezone.now()
    return {
        "freed": vacancies_record(now=now, round=round),
        "lapsed": offers_lapse(now=now),
        "offered": vacancies_fill(now=now, round=round),
    }


def _own_offer(offer: Offer) -> Offer:
    # Only the offer's own row is locked: the joined vacancy, person and round stay free
    # for decisions and reviewer assignment on the same round meanwhile.
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("vacancy", "enrollment__round")
        .get(pk=offer.pk)
    )
    if not offer.is_open:
        raise AdmissionsError(f"This offer is already answered: {offer.get_status_display()}.")
    return offer


@transaction.atomic
def offer_confirm(*, offer: Offer, by, now: datetime | None = None) -> Placement | None:
    """Take the offered place. Once cohorts are published, the person is placed late in the
    cohort with room whose meeting fits their times best; returns that placement, or None
    when they wait for grouping (or for an organiser to place them by hand)."""
    now = now or timezone.now()
    offer = _own_offer(offer)
    if offer.expires_at <= now:
        raise AdmissionsError("This offer has expired, so the place has gone to the next person.")
    enrollment = offer.enrollment
    if not enrollments_move(
        enrollment_ids=[enrollment.pk],
        to=Enrollment.Status.ACCEPTED,
        from_statuses=frozenset({Enrollment.Status.OFFERED}),
    ):
        # They left the round (or were moved) while the offer was open; the next tick
        # lapses the offer and passes the place on.
        raise AdmissionsError("You are no longer waiting for this place, so it cannot be taken.")
    offer.status, offer.answered_at = Offer.Status.CONFIRMED, now
    offer.save(update_fields=["status", "answered_at"])
    Vacancy.objects.filter(pk=offer.vacancy_id).update(filled_at=now)
    enrollment.refresh_from_db(fields=["status"])
    options = sorted(
        (option for option in cohort_options(enrollment=enrollment) if option.is_offered),
        key=lambda option: (option.taken, option.cohort.name),
    )
    for option in options:
        try:
            with transaction.atomic():
                return participant_place_late(enrollment=enrollment, cohort=option.cohort, by=by)
        except CohortError:
            continue  # filled up meanwhile; try the next
    return None


@transaction.atomic
def offer_decline(*, offer: Offer, now: datetime | None = None) -> None:
    """Turn the offered place down; it goes to the next person waiting at once."""
    now = now or timezone.now()
    offer = _own_offer(offer)
    offer.status, offer.answered_at = Offer.Status.DECLINED, now
    offer.save(update_fields=["status", "answered_at"])
    enrollments_move(
        enrollment_ids=[offer.enrollment_id],
        to=Enrollment.Status.DECLINED,
        from_statuses=frozenset({Enrollment.Status.OFFERED}),
    )
    vacancies_fill(now=now, round=offer.enrollment.round)


@transaction.atomic
def place_give_up(*, enrollment: Enrollment, by, now: datetime | None = None) -> None:
    """Someone accepted says, before the round starts, that they cannot take part after all;
    their place goes to the first person on the waiting list straight away."""
    now = now or timezone.now()
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=enrollment.pk)
    )
    if now.date() >= enrollment.round.starts_on:
        raise AdmissionsError("The round has started; leave it from the round's page instead.")
    if enrollment.status not in Enrollment.ELIGIBLE:
        raise AdmissionsError(
            f"Your place is “{enrollment.get_status_display()}”, so there is none to give up."
        )
    try:
        participant_leave(enrollment=enrollment, by=by, reason="Gave up their place")
    except CohortError as error:
        raise AdmissionsError(str(error)) from None
    vacancies_record(now=now, round=enrollment.round)
    vacancies_fill(now=now, round=enrollment.round)
