"""Reads for the feedback pages, each at a fixed number of queries.

Who sees what is decided here, by the querysets the views fetch through:

- a participant rates with their own place in a round (taking part, as a
  participant), and only sessions and resources of that round's course;
- what participants wrote about sessions and resources, and facilitators'
  meeting notes, are seen by the facilitators of the participant's cohort,
  the round's lead facilitators and staff (`feedback_cohorts`);
- the facilitator guide of a session is seen by facilitators of any round of
  its course and by staff (`sees_guides`).

Anything outside those querysets is a 404, whether it exists or not.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Avg, Count, FloatField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from apps.cohorts.models import Cohort, Meeting
from apps.cohorts.selectors import cohorts_visible_to
from apps.courses.models import Resource, Unit
from apps.feedback.models import MeetingNote, ResourceRating, SessionRating
from apps.rounds.models import Enrollment, Round, RoundUnit
from apps.rounds.selectors import rounds_led_by

# When a session opens for rating ------------------------------------------------------


def rating_opens_at(enrollment: Enrollment) -> datetime | None:
    """When the person may rate the session `enrollment` was loaded for (see places_in_course).

    Once their cohort's meeting of it has begun, cancelled or not: the week has
    happened. Someone with no meeting of it (not in a cohort, say) may rate it
    once its work was due. None: neither has a date yet.
    """
    return enrollment.meeting_starts_at or enrollment.session_due_at


def is_open_for_rating(enrollment: Enrollment, now: datetime) -> bool:
    opens_at = rating_opens_at(enrollment)
    return opens_at is not None and opens_at <= now


def places_in_course(*, user, unit: Unit) -> list[Enrollment]:
    """The person's current places in rounds of the unit's course, newest round first.

    Each carries what the session page and the rating form need about this
    unit in its round: `meeting_starts_at` (their cohort's meeting of it),
    `session_due_at` (from the round's schedule), and their own rating of it
    (`rated`, `rated_comment`, both None when not rated). One query.
    """
    # Each subquery finds one row at most, so none needs the models' default ordering
    # (the schedule's would join the rounds table). The rating comes from subqueries rather
    # than a filtered join: the same answer, and this query is built for every session
    # page, where building the join took longer than running the whole query.
    meetings = Meeting.objects.filter(
        cohort_id=OuterRef("placement__cohort_id"), unit_id=unit.pk
    ).order_by()
    schedule = RoundUnit.objects.filter(round_id=OuterRef("round_id"), unit_id=unit.pk).order_by()
    mine = SessionRating.objects.filter(enrollment_id=OuterRef("pk"), unit_id=unit.pk)
    return list(
        Enrollment.objects.filter(user=user, round__course_id=unit.course_id)
        .current()
        .select_related("round")
        .annotate(
            meeting_starts_at=Subquery(meetings.values("starts_at")[:1]),
            session_due_at=Subquery(schedule.values("due_at")[:1]),
            rated=Subquery(mine.values("rating")[:1]),
            rated_comment=Subquery(mine.values("comment")[:1]),
        )
        .order_by("-round__starts_on", "-round__pk")
    )


def rating_place(places: list[Enrollment]) -> Enrollment | None:
    """Of places_in_course, the one the person rates the session with: their newest round
    as a participant who is taking part."""
    return next(
        (p for p in places if not p.is_facilitator and p.is_taking_part),
        None,
    )


def place_for_rating(*, user, slug: str, unit_pk: int) -> tuple[Enrollment, Unit]:
    """The person's participant place in the round, and a unit of its course, or a 404.

    The place comes annotated as places_in_course makes it, for this unit.
    """
    unit = Unit.objects.filter(pk=unit_pk, course__rounds__slug=slug).first()
    place = None
    if unit is not None:
        place = next(
            (p for p in places_in_course(user=user, unit=unit) if p.round.slug == slug), None
        )
    if place is None or place.is_facilitator or not place.is_taking_part:
        raise Http404("You have no place in this round to rate its sessions from.")
    return place, unit


def resource_for_rating(*, user, slug: str, resource_pk: int) -> tuple[Enrollment, Resource]:
    """The person's participant place in the round, and a resource of its course, or a 404."""
    try:
        place = (
            Enrollment.objects.participants()
            .taking_part()
            .select_related("round")
            .get(user=user, round__slug=slug)
        )
        resource = Resource.objects.select_related("unit__course").get(
            pk=resource_pk, unit__course_id=place.round.course_id
        )
    except (Enrollment.DoesNotExist, Resource.DoesNotExist):
        raise Http404("You have no place in this round to rate its resources from.") from None
    return place, resource


def own_resource_ratings(*, enrollment: Enrollment, unit_id: int) -> dict[int, ResourceRating]:
    """The person's ratings of the unit's resources, by resource id."""
    return {
        rating.resource_id: rating
        for rating in ResourceRating.objects.filter(
            enrollment=enrollment, resource__unit_id=unit_id
        )
    }


# The session page ---------------------------------------------------------------------


def sees_guides(user, places: list[Enrollment]) -> bool:
    """Whether the person may read the course's facilitator guides: staff, and anyone with a
    current facilitator place in one of its rounds (places from places_in_course)."""
    return user.is_staff or any(place.is_facilitator for place in places)


def facilitated_meetings(places: list[Enrollment], *, unit: Unit) -> list[Meeting]:
    """The meetings of this unit in the cohorts the person facilitates (places from
    places_in_course), soonest first."""
    leads = [place.pk for place in places if place.is_facilitator]
    if not leads:
        return []
    return list(
        Meeting.objects.filter(unit_id=unit.pk, cohort__facilitators__in=leads)
        .select_related("cohort")
        .distinct()
        .order_by("starts_at", "cohort__name")
    )


# Facilitators, leads and staff ------------------------------------------------------------


def feedback_cohorts(user) -> QuerySet[Cohort]:
    """The cohorts whose participants' feedback and meeting notes the person may read: those
    they facilitate, every cohort of the rounds they lead, and every cohort for staff."""
    if user.is_staff:
        return Cohort.objects.all()
    return Cohort.objects.filter(
        Q(pk__in=cohorts_visible_to(user).values("pk")) | Q(round__in=rounds_led_by(user))
    )


def runs_cohort(*, user, cohort: Cohort) -> bool:
    """Whether the person has the cohort's own pages (its facilitators, and staff)."""
    return cohorts_visible_to(user).filter(pk=cohort.pk).exists()


def cohort_for_feedback(*, user, pk: int) -> Cohort:
    try:
        return feedback_cohorts(user).select_related("round__course").get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.") from None


def meeting_for_feedback(*, user, cohort_pk: int, pk: int) -> Meeting:
    try:
        return Meeting.objects.select_related("cohort__round__course", "unit").get(
            pk=pk, cohort_id=cohort_pk, cohort__in=feedback_cohorts(user)
        )
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None


def note_author(*, user, cohort: Cohort) -> Enrollment | None:
    """The person's current facilitator place in the cohort: who may write meeting notes.

    Lead facilitators and staff who do not run the cohort read the notes but
    do not write them.
    """
    return (
        Enrollment.objects.filter(user=user, facilitated_cohorts=cohort)
        .facilitators()
        .current()
        .first()
    )


@dataclass(frozen=True)
class RatingSummary:
    """Session ratings counted: how many, their average and how many gave each score."""

    count: int
    average: float | None
    by_score: dict[int, int]

    @classmethod
    def of(cls, scores: list[int]) -> "RatingSummary":
        counts = Counter(scores)
        return cls(
            count=len(scores),
            average=sum(scores) / len(scores) if scores else None,
            by_score={score: counts[score] for score in range(5, 0, -1)},
        )


@dataclass
class ResourceFeedback:
    """What people said about one resource: how many found it worth their time, and notes."""

    resource: Resource
    worth_it: int = 0
    not_worth_it: int = 0
    ratings: list[ResourceRating] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.worth_it + self.not_worth_it

    def add(self, rating: ResourceRating) -> None:
        self.ratings.append(rating)
        if rating.worth_it:
            self.worth_it += 1
        else:
            self.not_worth_it += 1

    @property
    def notes(self) -> list[ResourceRating]:
        return [rating for rating in self.ratings if rating.note]


def _resources_with_feedback(resources, ratings) -> list[ResourceFeedback]:
    """Each resource, core ones first, with the ratings of it among `ratings`: two queries."""
    by_resource = {
        resource.pk: ResourceFeedback(resource)
        for resource in resources.order_by("-is_core", "position")
    }
    for rating in ratings.select_related("enrollment__user").order_by("-updated_at"):
        by_resource[rating.resource_id].add(rating)
    return list(by_resource.values())


@dataclass
class MeetingFeedback:
    meeting: Meeting
    notes: list[MeetingNote]
    ratings: list[SessionRating]
    summary: RatingSummary
    members: int
    resources: list[ResourceFeedback]


def meeting_feedback(*, meeting: Meeting) -> MeetingFeedback:
    """Everything on a meeting's feedback page: five queries.

    The ratings are those of the cohort's members, gone ones included (what
    they said still stands), of the meeting's session in the cohort's round.
    """
    cohort = meeting.cohort
    members = Enrollment.objects.filter(placement__cohort=cohort, round_id=cohort.round_id)
    ratings = list(
        SessionRating.objects.filter(unit_id=meeting.unit_id, enrollment__in=members)
        .select_related("enrollment__user")
        .order_by("-updated_at")
    )
    resource_ratings = ResourceRating.objects.filter(
        resource__unit_id=meeting.unit_id, enrollment__in=members
    )
    return MeetingFeedback(
        meeting=meeting,
        notes=list(meeting.notes.select_related("author__user").order_by("created_at")),
        ratings=ratings,
        summary=RatingSummary.of([r.rating for r in ratings]),
        members=members.exclude(status__in=Enrollment.GONE).count(),
        resources=_resources_with_feedback(
            Resource.objects.filter(unit_id=meeting.unit_id), resource_ratings
        ),
    )


def cohort_meetings_with_feedback(*, cohort: Cohort) -> list[Meeting]:
    """The cohort's meetings, soonest first, each with `rating_count`, `rating_average` and
    `note_count` from the cohort's members and facilitators. One query."""
    ratings = (
        SessionRating.objects.filter(
            unit_id=OuterRef("unit_id"),
            enrollment__placement__cohort_id=OuterRef("cohort_id"),
            enrollment__round_id=cohort.round_id,
        )
        .order_by()
        .values("unit_id")
    )
    return list(
        cohort.meetings.select_related("unit")
        .annotate(
            rating_count=Subquery(ratings.annotate(n=Count("pk")).values("n")),
            rating_average=Subquery(
                ratings.annotate(a=Avg("rating", output_field=FloatField())).values("a")
            ),
            note_count=Count("notes"),
        )
        .order_by("starts_at")
    )


# A round's figures, per session and per resource -------------------------------------------


@dataclass
class UnitRatings:
    unit: Unit
    summary: RatingSummary
    comments: list[SessionRating]


def unit_rating_summaries(*, round: Round) -> list[UnitRatings]:
    """Each session of the round's course with its participants' ratings: two queries.

    Every rating given by a participant of the round counts, whether or not
    they are still in it.
    """
    scores = defaultdict(list)
    comments = defaultdict(list)
    for rating in (
        SessionRating.objects.filter(enrollment__round=round)
        .select_related("enrollment__user")
        .order_by("-updated_at")
    ):
        scores[rating.unit_id].append(rating.rating)
        if rating.comment:
            comments[rating.unit_id].append(rating)
    return [
        UnitRatings(unit, RatingSummary.of(scores[unit.pk]), comments[unit.pk])
        for unit in Unit.objects.filter(course_id=round.course_id).order_by("number")
    ]


@dataclass
class UnitResources:
    unit: Unit
    resources: list[ResourceFeedback]


def resource_rating_summaries(*, round: Round) -> list[UnitResources]:
    """Each resource of the round's course, by session, with what the round's participants
    said of it: three queries."""
    by_unit = defaultdict(list)
    for item in _resources_with_feedback(
        Resource.objects.filter(unit__course_id=round.course_id),
        ResourceRating.objects.filter(enrollment__round=round),
    ):
        by_unit[item.resource.unit_id].append(item)
    return [
        UnitResources(unit, by_unit[unit.pk])
        for unit in Unit.objects.filter(course_id=round.course_id).order_by("number")
    ]


def round_for_lead(*, user, slug: str) -> Round:
    try:
        return rounds_led_by(user).select_related("course").get(slug=slug)
    except Round.DoesNotExist:
        raise Http404("No such round.") from None
