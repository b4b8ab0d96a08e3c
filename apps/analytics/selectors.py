"""Reads for a round's analytics: the funnel, each session, reading, cohort and facilitator.

Who reads them is decided by the views, through apps.feedback.selectors.round_for_lead:
staff and the round's lead facilitators, a 404 for anyone else. What participants wrote
about sessions and readings is for their cohort's facilitators, the round's lead
facilitators and staff; this page's readers are always among them.

Every figure is counted by the database: each function below is one or a few grouped
aggregates (aggregate() or values().annotate() with filtered Counts), so the page costs
the same number of queries for a round of ten people or ten thousand, and only a row per
session, resource or cohort comes back. What the figures mean:

- *people* are the round's participants; facilitators are counted apart;
- *applied*: every participant place in the round, whatever its status now;
- *accepted*: taking part now (accepted, active or completed), dropped out (which happens
  only from a cohort), or placed in a cohort at some point. Someone who left or deferred
  after being accepted but before being placed is not seen: statuses keep no history;
- *placed*: has a place in a cohort, including people who left it since;
- *attended week 1*: recorded present at a held meeting of the first session;
- *active* in a session's week (Monday to Sunday, UTC): recorded present at that session's
  meeting, or marked a reading done, started or saved an exercise (its first and last
  saves are kept) or handed one in, in that week;
- *completed*: the status a certificate sets; *certified*: holds a certificate not revoked;
- a meeting is *held* once it has started and was not cancelled.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet
from django.utils import timezone

from apps.cohorts.models import Attendance, Cohort, Meeting
from apps.courses.models import Resource, ResourceCompletion
from apps.feedback.models import ResourceRating, SessionRating
from apps.progress.selectors.schedule import Session, round_schedule
from apps.progress.selectors.tally import percent, share
from apps.rounds.models import Enrollment, Round
from apps.submissions.models import Revision, Submission

# Dropping out is recorded from a cohort, so a dropped participant had been accepted.
ONCE_ACCEPTED = Enrollment.TAKING_PART | {Enrollment.Status.DROPPED}

# A resource is flagged as often skipped once its session is due and fewer than this share
# of the participants have marked it done; as rated low when at least MIN_RATINGS people
# answered and fewer than this share found it worth their time.
SKIPPED_BELOW = 0.5
RATED_LOW_BELOW = 0.5
MIN_RATINGS = 3


def _participants(round: Round) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(round=round).participants()


def _week(session: Session) -> tuple[datetime, datetime]:
    start = datetime.combine(session.week_starts_on, time.min, tzinfo=UTC)
    return start, start + timedelta(days=7)


def _held(now) -> Q:
    return Q(starts_at__lte=now, is_cancelled=False)


def _present(round: Round, now) -> QuerySet[Attendance]:
    """Present at a held meeting of the round."""
    return Attendance.objects.filter(
        status=Attendance.Status.PRESENT,
        meeting__cohort__round=round,
        meeting__starts_at__lte=now,
        meeting__is_cancelled=False,
    )


def people_taking_part(*, round: Round) -> int:
    """The participants taking part: the base of every per-session and per-resource share."""
    return _participants(round).taking_part().count()


# The funnel --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    key: str  # the CSV's name for it
    label: str
    short: str  # under the chart's axis
    people: int | None  # None: a week still to come
    applied: int

    @property
    def share(self) -> float | None:
        return None if self.people is None else share(self.people, self.applied)

    @property
    def percent(self) -> int | None:
        return percent(self.share)


def funnel(*, round: Round, sessions: list[Session], now=None) -> list[Stage]:
    """From applying to a certificate, with who was active each week between: one query.

    Each week's activity is a filtered count over subqueries the database runs once
    each and looks people up in, rather than once per person.
    """
    now = now or timezone.now()
    present = _present(round, now)
    counts = {
        "applied": Count("pk"),
        "accepted": Count("pk", filter=Q(status__in=ONCE_ACCEPTED) | Q(placement__isnull=False)),
        "placed": Count("placement"),
        "completed": Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
        "certified": Count("certificate", filter=Q(certificate__revoked_at__isnull=True)),
    }
    if sessions:
        first = present.filter(meeting__unit_id=sessions[0].unit_id)
        counts["attended_week_1"] = Count("pk", filter=Q(pk__in=first.values("enrollment_id")))
    started = [session for session in sessions if _week(session)[0] <= now]
    for session in started:
        counts[f"active_{session.unit_id}"] = Count(
            "pk", filter=_active_in(round, session, present)
        )
    figures = _participants(round).aggregate(**counts)
    applied = figures["applied"]

    def stage(key, label, short, people):
        return Stage(key=key, label=label, short=short, people=people, applied=applied)

    stages = [
        stage("applied", "Applied", "Appl.", applied),
        stage("accepted", "Accepted", "Acc.", figures["accepted"]),
        stage("placed", "Placed in a cohort", "Placed", figures["placed"]),
    ]
    if sessions:
        stages.append(
            stage("attended_week_1", "Attended week 1", "Met 1", figures["attended_week_1"])
        )
    for week, session in enumerate(sessions, start=1):
        stages.append(
            stage(
                f"active_week_{week}",
                f"Active in week {week} ({session.display_title})",
                f"Wk {week}",
                figures.get(f"active_{session.unit_id}"),
            )
        )
    stages += [
        stage("completed", "Completed", "Done", figures["completed"]),
        stage("certified", "Certified", "Cert.", figures["certified"]),
    ]
    return stages


def _active_in(round: Round, session: Session, present: QuerySet[Attendance]) -> Q:
    """Participants who did something for the course in the session's week."""
    start, end = _week(session)
    read = ResourceCompletion.objects.filter(
        resource__unit__course_id=round.course_id, completed_at__gte=start, completed_at__lt=end
    )
    saved = Submission.objects.filter(enrollment__round=round).filter(
        Q(created_at__gte=start, created_at__lt=end) | Q(updated_at__gte=start, updated_at__lt=end)
    )
    handed_in = Revision.objects.filter(
        submission__enrollment__round=round, created_at__gte=start, created_at__lt=end
    )
    return (
        Q(pk__in=present.filter(meeting__unit_id=session.unit_id).values("enrollment_id"))
        | Q(user_id__in=read.values("user_id"))
        | Q(pk__in=saved.values("enrollment_id"))
        | Q(pk__in=handed_in.values("submission__enrollment_id"))
    )


# Resources ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceFigures:
    resource: Resource
    session: Session
    people: int  # participants taking part
    done: int
    worth_it: int
    not_worth_it: int
    notes: int
    is_due: bool  # the session's work was due: skipping it now means something

    @property
    def done_share(self) -> float | None:
        return share(self.done, self.people)

    @property
    def done_percent(self) -> int | None:
        return percent(self.done_share)

    @property
    def ratings(self) -> int:
        return self.worth_it + self.not_worth_it

    @property
    def worth_share(self) -> float | None:
        return share(self.worth_it, self.ratings)

    @property
    def worth_percent(self) -> int | None:
        return percent(self.worth_share)

    @property
    def often_skipped(self) -> bool:
        return self.is_due and self.done_share is not None and self.done_share < SKIPPED_BELOW

    @property
    def rated_low(self) -> bool:
        return self.ratings >= MIN_RATINGS and self.worth_share < RATED_LOW_BELOW


def resource_figures(
    *, round: Round, sessions: list[Session], people: int, now=None
) -> list[ResourceFigures]:
    """Each resource of the round's sessions, in course order: how many of the participants
    taking part marked it done, and what the round's participants said of it. Three queries."""
    now = now or timezone.now()
    by_unit = {session.unit_id: session for session in sessions}
    taking_part = _participants(round).taking_part()
    done = dict(
        ResourceCompletion.objects.filter(
            user_id__in=taking_part.values("user_id"), resource__unit_id__in=list(by_unit)
        )
        .order_by()
        .values("resource_id")
        .annotate(n=Count("pk"))
        .values_list("resource_id", "n")
    )
    said = {
        row["resource_id"]: row
        for row in ResourceRating.objects.filter(
            enrollment__round=round, resource__unit_id__in=list(by_unit)
        )
        .order_by()
        .values("resource_id")
        .annotate(
            # Named apart from the model's fields, which the filters refer to.
            said_yes=Count("pk", filter=Q(worth_it=True)),
            said_no=Count("pk", filter=Q(worth_it=False)),
            with_note=Count("pk", filter=~Q(note="")),
        )
    }
    order = {session.unit_id: index for index, session in enumerate(sessions)}
    resources = sorted(
        Resource.objects.filter(unit_id__in=list(by_unit)).only(
            "unit_id", "title", "is_core", "position"
        ),
        key=lambda r: (order[r.unit_id], not r.is_core, r.position, r.pk),
    )
    nothing = {"said_yes": 0, "said_no": 0, "with_note": 0}
    return [
        ResourceFigures(
            resource=resource,
            session=by_unit[resource.unit_id],
            people=people,
            done=done.get(resource.pk, 0),
            worth_it=said.get(resource.pk, nothing)["said_yes"],
            not_worth_it=said.get(resource.pk, nothing)["said_no"],
            notes=said.get(resource.pk, nothing)["with_note"],
            is_due=by_unit[resource.unit_id].due_at <= now,
        )
        for resource in resources
    ]


# Sessions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionFigures:
    session: Session
    people: int  # participants taking part: the base for readings and exercises
    due: int  # current members of cohorts whose meeting of it was held: the base for attendance
    attended: int
    readings_done: int  # resources marked done, summed over people
    handed_in: int  # exercises handed in, summed over people
    ratings: int
    rating_average: float | None
    comments: int

    @property
    def attended_share(self) -> float | None:
        return share(self.attended, self.due)

    @property
    def readings_share(self) -> float | None:
        return share(self.readings_done, self.people * self.session.resources_total)

    @property
    def handed_in_share(self) -> float | None:
        return share(self.handed_in, self.people * len(self.session.exercises))

    @property
    def attended_percent(self) -> int | None:
        return percent(self.attended_share)

    @property
    def readings_percent(self) -> int | None:
        return percent(self.readings_share)

    @property
    def handed_in_percent(self) -> int | None:
        return percent(self.handed_in_share)


def session_figures(
    *,
    round: Round,
    sessions: list[Session],
    resources: list[ResourceFigures],
    people: int,
    now=None,
) -> list[SessionFigures]:
    """Per session: attendance, readings done, exercises handed in and ratings. Four queries;
    readings come from `resources` (resource_figures)."""
    now = now or timezone.now()
    unit_ids = [session.unit_id for session in sessions]
    current = ~Q(cohort__placements__enrollment__status__in=Enrollment.GONE)
    due = dict(
        Meeting.objects.filter(_held(now), cohort__round=round, unit_id__in=unit_ids)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("cohort__placements", filter=current))
        .values_list("unit_id", "n")
    )
    attended = dict(
        _present(round, now)
        .filter(meeting__unit_id__in=unit_ids)
        .exclude(enrollment__status__in=Enrollment.GONE)
        .order_by()
        .values("meeting__unit_id")
        .annotate(n=Count("enrollment_id", distinct=True))
        .values_list("meeting__unit_id", "n")
    )
    handed_in = dict(
        Submission.objects.handed_in()
        .filter(enrollment__in=_participants(round).taking_part(), exercise__unit_id__in=unit_ids)
        .order_by()
        .values("exercise__unit_id")
        .annotate(n=Count("pk"))
        .values_list("exercise__unit_id", "n")
    )
    rated = {
        row["unit_id"]: row
        for row in SessionRating.objects.filter(enrollment__round=round, unit_id__in=unit_ids)
        .order_by()
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            average=Avg("rating", output_field=FloatField()),
            comments=Count("pk", filter=~Q(comment="")),
        )
    }
    readings = defaultdict(int)
    for item in resources:
        readings[item.session.unit_id] += item.done
    nobody = {"n": 0, "average": None, "comments": 0}
    return [
        SessionFigures(
            session=session,
            people=people,
            due=due.get(session.unit_id, 0),
            attended=attended.get(session.unit_id, 0),
            readings_done=readings[session.unit_id],
            handed_in=handed_in.get(session.unit_id, 0),
            ratings=rated.get(session.unit_id, nobody)["n"],
            rating_average=rated.get(session.unit_id, nobody)["average"],
            comments=rated.get(session.unit_id, nobody)["comments"],
        )
        for session in sessions
    ]


# Cohorts and facilitators ------------------------------------------------------------------


@dataclass
class Load:
    """What a cohort holds, or a facilitator carries across their cohorts; these add up."""

    placed: int = 0  # ever placed there, people who left since included
    staying: int = 0  # placed and still in the round
    meetings_held: int = 0
    present: int = 0  # members' presences at their own cohort's held meetings
    # Seats at those meetings: each held meeting times the cohort's members now. Summed per
    # cohort, since across cohorts the meetings held times the people staying would count
    # every member at every cohort's meetings.
    places: int = 0
    waiting: int = 0  # work handed in and not graded yet

    def add(self, other: "Load") -> None:
        for name in ("placed", "staying", "meetings_held", "present", "places", "waiting"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def retention(self) -> float | None:
        return share(self.staying, self.placed)

    @property
    def retention_percent(self) -> int | None:
        return percent(self.retention)

    @property
    def attendance(self) -> float | None:
        """Presences over the places there were."""
        return share(self.present, self.places)

    @property
    def attendance_percent(self) -> int | None:
        return percent(self.attendance)


@dataclass(frozen=True)
class CohortFigures:
    cohort: Cohort
    facilitators: list[Enrollment]
    load: Load


@dataclass(frozen=True)
class FacilitatorFigures:
    enrollment: Enrollment
    cohorts: list[Cohort]
    load: Load


@dataclass(frozen=True)
class Teams:
    cohorts: list[CohortFigures]
    facilitators: list[FacilitatorFigures]


def teams(*, round: Round, now=None) -> Teams:
    """Retention, attendance and work waiting per cohort, and the same carried by each
    facilitator across their cohorts: six queries.

    Attendance counts members at their own cohort's meetings, so a visitor from another
    cohort counts for neither.
    """
    now = now or timezone.now()
    gone = Q(placements__enrollment__status__in=Enrollment.GONE)
    cohorts = list(
        Cohort.objects.filter(round=round)
        .annotate(placed=Count("placements"), staying=Count("placements", filter=~gone))
        .only("name", "round_id")
        .order_by("name", "pk")
    )
    held = _per_cohort(
        Meeting.objects.filter(_held(now), cohort__round=round), "cohort_id", Count("pk")
    )
    present = _per_cohort(
        _present(round, now)
        .exclude(enrollment__status__in=Enrollment.GONE)
        .filter(enrollment__placement__cohort_id=F("meeting__cohort_id")),
        "meeting__cohort_id",
        Count("pk"),
    )
    waiting = _per_cohort(
        Submission.objects.filter(
            status=Submission.Status.SUBMITTED, enrollment__placement__cohort__round=round
        ).exclude(enrollment__status__in=Enrollment.GONE),
        "enrollment__placement__cohort_id",
        Count("pk"),
    )
    linked = Cohort.facilitators.through.objects.filter(cohort__round=round)
    links = list(linked.values_list("cohort_id", "enrollment_id"))
    # The round's current facilitators, with or without a cohort, and anyone still linked to
    # one of its cohorts.
    facilitators = {
        enrollment.pk: enrollment
        for enrollment in Enrollment.objects.filter(
            Q(pk__in=Enrollment.objects.filter(round=round).facilitators().current().values("pk"))
            | Q(pk__in=linked.values("enrollment_id"))
        )
        .select_related("user")
        .only("is_lead", "status", "user__display_name", "user__email", "user__deleted_at")
    }
    cohort_rows = []
    by_pk = {}
    for cohort in cohorts:
        load = Load(
            placed=cohort.placed,
            staying=cohort.staying,
            meetings_held=held.get(cohort.pk, 0),
            present=present.get(cohort.pk, 0),
            places=held.get(cohort.pk, 0) * cohort.staying,
            waiting=waiting.get(cohort.pk, 0),
        )
        by_pk[cohort.pk] = CohortFigures(cohort=cohort, facilitators=[], load=load)
        cohort_rows.append(by_pk[cohort.pk])
    carried = {
        pk: FacilitatorFigures(enrollment=e, cohorts=[], load=Load())
        for pk, e in facilitators.items()
    }
    for cohort_pk, enrollment_pk in links:
        row = by_pk[cohort_pk]
        row.facilitators.append(facilitators[enrollment_pk])
        carried[enrollment_pk].cohorts.append(row.cohort)
        carried[enrollment_pk].load.add(row.load)
    for row in cohort_rows:
        row.facilitators.sort(key=lambda e: e.user.name.casefold())
    for row in carried.values():
        row.cohorts.sort(key=lambda c: c.name)
    return Teams(
        cohorts=cohort_rows,
        facilitators=sorted(
            carried.values(),
            key=lambda row: (row.enrollment.user.name.casefold(), row.enrollment.pk),
        ),
    )


def _per_cohort(queryset: QuerySet, key: str, count: Count) -> dict[int, int]:
    return dict(queryset.order_by().values(key).annotate(n=count).values_list(key, "n"))


# What participants wrote -------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    session_number: int
    resource: str  # empty for a comment on the session itself
    cohort: str
    participant: str
    rating: str  # "4 of 5", "worth it", "not worth it"
    text: str
    updated_at: datetime


# Rows fetched per round trip while the notes stream out.
CHUNK_SIZE = 2000


def notes(*, round: Round) -> Iterator[Note]:
    """Participants' comments on sessions, then their notes on resources, session by session:
    two queries, read a chunk at a time as the file is written."""
    related = ("enrollment__user", "enrollment__placement__cohort")
    person = (
        "enrollment__user__display_name",
        "enrollment__user__email",
        "enrollment__user__deleted_at",
        "enrollment__placement__cohort__name",
    )
    comments = (
        SessionRating.objects.filter(enrollment__round=round)
        .exclude(comment="")
        .select_related("unit", *related)
        .only("rating", "comment", "updated_at", "unit__number", *person)
        .order_by("unit__number", "-updated_at", "pk")
    )
    for rating in comments.iterator(chunk_size=CHUNK_SIZE):
        yield Note(
            session_number=rating.unit.number,
            resource="",
            cohort=_cohort_name(rating.enrollment),
            participant=rating.enrollment.user.name,
            rating=f"{rating.rating} of 5",
            text=rating.comment,
            updated_at=rating.updated_at,
        )
    resource_notes = (
        ResourceRating.objects.filter(enrollment__round=round)
        .exclude(note="")
        .select_related("resource__unit", *related)
        .defer("resource__unit__summary", "resource__unit__facilitator_guide")
        .only(
            "worth_it", "note", "updated_at", "resource__title", "resource__unit__number", *person
        )
        .order_by("resource__unit__number", "resource__position", "-updated_at", "pk")
    )
    for rating in resource_notes.iterator(chunk_size=CHUNK_SIZE):
        yield Note(
            session_number=rating.resource.unit.number,
            resource=rating.resource.title,
            cohort=_cohort_name(rating.enrollment),
            participant=rating.enrollment.user.name,
            rating="worth it" if rating.worth_it else "not worth it",
            text=rating.note,
            updated_at=rating.updated_at,
        )


def _cohort_name(enrollment: Enrollment) -> str:
    placement = getattr(enrollment, "placement", None)
    return placement.cohort.name if placement else ""


# The whole page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundReport:
    round: Round
    sessions: list[Session]
    people: int
    funnel: list[Stage]
    session_figures: list[SessionFigures]
    resources: list[ResourceFigures]
    teams: Teams
    as_of: datetime

    @property
    def flagged_resources(self) -> list[ResourceFigures]:
        return [item for item in self.resources if item.often_skipped or item.rated_low]


def round_report(*, round: Round, now=None) -> RoundReport:
    """Every table of the analytics page, at a fixed number of queries."""
    now = now or timezone.now()
    sessions = round_schedule(round=round)
    people = people_taking_part(round=round)
    resources = resource_figures(round=round, sessions=sessions, people=people, now=now)
    return RoundReport(
        round=round,
        sessions=sessions,
        people=people,
        funnel=funnel(round=round, sessions=sessions, now=now),
        session_figures=session_figures(
            round=round, sessions=sessions, resources=resources, people=people, now=now
        ),
        resources=resources,
        teams=teams(round=round, now=now),
        as_of=now,
    )
