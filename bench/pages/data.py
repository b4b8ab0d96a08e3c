"""A realistic round built with bulk_create: 5,000 participants in 750 cohorts, 8 sessions.

The round is in its fifth week: the work of each week carries that week's dates, so
the analytics page finds people active week by week, and about half the participants
have rated the sessions and some of the readings.

Seeded, so every run measures the same data. Returns the people and objects
the benchmark signs in as and asks for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from apps.accounts.models import User
from apps.cohorts.models import Attendance, Cohort, Meeting, Placement
from apps.courses.models import (
    Course,
    Criterion,
    Exercise,
    Level,
    Prompt,
    Resource,
    ResourceCompletion,
    Rubric,
    Unit,
)
from apps.feedback.models import ResourceRating, SessionRating
from apps.rounds.models import Enrollment, Round, RoundUnit
from apps.submissions.models import Feedback, Revision, Submission

UNITS = 8
PARTICIPANTS = 5_000
PEOPLE_PER_COHORT = 20 / 3  # 300 cohorts for 2,000 participants
HELD_UNITS = 4  # the round is in its fifth week: sessions 1-4 have met
BATCH = 5_000


@dataclass
class Bench:
    course: Course
    round: Round
    unit: Unit  # the session page measured
    participant: User
    draft_exercise: Exercise  # the participant has a draft of it
    facilitator: User
    cohort: Cohort  # the facilitator's (and the participant's) cohort
    staff: User
    counts: dict


def build(seed: int = 1, people: int = PARTICIPANTS) -> Bench:
    rng = random.Random(seed)
    cohort_count = round(people / PEOPLE_PER_COHORT)
    now = timezone.now()
    counts = {}

    course = Course.objects.create(slug="bench-course", title="Bench course", summary="A *course*.")
    rubric = Rubric.objects.create(course=course, slug="quality", title="Quality")
    criteria = Criterion.objects.bulk_create(
        Criterion(rubric=rubric, position=i, slug=f"c{i}", title=f"Criterion {i}") for i in (1, 2)
    )
    Level.objects.bulk_create(
        Level(criterion=c, position=p, title=t, points=pts)
        for c in criteria
        for p, (t, pts) in enumerate([("Missing", 0), ("Partly", 1), ("Fully", 3)], start=1)
    )
    units = Unit.objects.bulk_create(
        Unit(
            course=course,
            number=n,
            slug=f"session-{n}",
            title=f"Topic {n}",
            summary="Read **this**.",
        )
        for n in range(1, UNITS + 1)
    )
    resources = Resource.objects.bulk_create(
        Resource(
            unit=unit,
            position=p,
            title=f"Reading {unit.number}.{p}",
            authors="A. Author, B. Author",
            year=2023,
            url=f"https://example.com/{unit.number}/{p}",
            kind=rng.choice(["article", "paper", "video"]),
            is_core=p <= 4,
            minutes=rng.choice([10, 15, 20, 30, 45]),
            note="Why it **matters**: a paragraph of context.",
        )
        for unit in units
        for p in range(1, 7)
    )
    exercises = Exercise.objects.bulk_create(
        Exercise(
            unit=unit,
            position=p,
            slug=f"ex-{unit.number}-{p}",
            title=f"Exercise {unit.number}.{p}",
            kind=Exercise.Kind.FREE_RESPONSE,
            instructions="Answer *each* question.",
            rubric=rubric if p == 1 and unit.number % 2 == 1 else None,
        )
        for unit in units
        for p in range(1, 1 + (2 if unit.number % 2 == 0 else 1))
    )
    prompts = Prompt.objects.bulk_create(
        Prompt(
            exercise=ex,
            position=p,
            slug=f"q{p}",
            text=f"Question {p} of {ex.title}?",
            help_text="Think about it.",
            is_required=p <= 2,
        )
        for ex in exercises
        for p in range(1, 1 + 3 + (ex.pk % 4))
    )
    prompt_slugs = {}
    for prompt in prompts:
        prompt_slugs.setdefault(prompt.exercise_id, []).append(prompt.slug)

    starts_on = (now - timedelta(weeks=HELD_UNITS)).date()
    starts_on -= timedelta(days=starts_on.weekday())  # a Monday
    round_ = Round.objects.create(
        course=course,
        name="Bench round",
        slug="bench-round",
        applications_open_at=now - timedelta(days=60),
        applications_close_at=now - timedelta(days=40),
        starts_on=starts_on,
    )
    schedule = RoundUnit.objects.bulk_create(
        RoundUnit(
            round=round_,
            unit=unit,
            week_starts_on=starts_on + timedelta(weeks=unit.number - 1),
            due_at=timezone.make_aware(
                datetime.combine(starts_on + timedelta(weeks=unit.number, days=-1), time(23))
            ),
        )
        for unit in units
    )
    due = {s.unit_id: s.due_at for s in schedule}

    # People: one password hash for all.
    password = make_password("bench")
    facilitator_count = cohort_count // 2  # two cohorts each
    users = User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.example", display_name=f"Participant {i}", password=password)
            for i in range(people)
        ]
        + [
            User(email=f"f{i}@bench.example", display_name=f"Facilitator {i}", password=password)
            for i in range(facilitator_count)
        ]
        + [User(email="staff@bench.example", password=password, is_staff=True)],
        batch_size=BATCH,
    )
    participants, facilitators, staff = (
        users[:people],
        users[people:-1],
        users[-1],
    )
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                round=round_,
                user=u,
                status=Enrollment.Status.DROPPED if i % 40 == 39 else Enrollment.Status.ACTIVE,
                motivation="To help.",
            )
            for i, u in enumerate(participants)
        ]
        + [
            Enrollment(
                round=round_,
                user=u,
                role=Enrollment.Role.FACILITATOR,
                status=Enrollment.Status.ACTIVE,
                max_cohorts=2,
            )
            for u in facilitators
        ],
        batch_size=BATCH,
    )
    p_enrollments, f_enrollments = enrollments[:people], enrollments[people:]
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            round=round_,
            name=f"Cohort {c:03d}",
            slot_start=(c % 7) * 1440 + 18 * 60,
            time_zone="Europe/London",
            weekday=c % 7,
            local_time=time(18),
            published_at=now - timedelta(days=35),
        )
        for c in range(cohort_count)
    )
    Through = Cohort.facilitators.through
    Through.objects.bulk_create(
        Through(cohort_id=c.pk, enrollment_id=f_enrollments[i // 2].pk)
        for i, c in enumerate(cohorts)
    )
    home = {e.pk: cohorts[i % cohort_count] for i, e in enumerate(p_enrollments)}
    Placement.objects.bulk_create(
        (Placement(enrollment=e, cohort=home[e.pk]) for e in p_enrollments), batch_size=BATCH
    )
    meetings = Meeting.objects.bulk_create(
        (
            Meeting(
                cohort=c,
                unit=unit,
                starts_at=timezone.make_aware(
                    datetime.combine(
                        starts_on + timedelta(weeks=unit.number - 1, days=c.weekday), time(18)
                    )
                ),
                ends_at=timezone.make_aware(
                    datetime.combine(
                        starts_on + timedelta(weeks=unit.number - 1, days=c.weekday), time(19, 30)
                    )
                ),
                is_cancelled=rng.random() < 0.02,
            )
            for c in cohorts
            for unit in units
        ),
        batch_size=BATCH,
    )
    meeting_of = {(m.cohort_id, m.unit_id): m for m in meetings}

    # Progress in the sessions that have run, a little in the current one.
    completions, submissions, attendance = [], [], []
    statuses = ["draft", "submitted", "submitted", "accepted", "accepted", "returned"]
    for e, u in zip(p_enrollments, participants, strict=True):
        diligence = rng.random()
        for unit in units[: HELD_UNITS + 1]:
            for r in resources[(unit.number - 1) * 6 : unit.number * 6]:
                if rng.random() < diligence:
                    completions.append(ResourceCompletion(user=u, resource=r))
            for ex in (x for x in exercises if x.unit_id == unit.pk):
                if rng.random() < diligence * 1.2:
                    status = rng.choice(statuses) if unit.number <= HELD_UNITS else "draft"
                    at = due[unit.pk] + timedelta(hours=rng.randint(-72, 24))
                    submissions.append(
                        Submission(
                            enrollment=e,
                            exercise=ex,
                            status=status,
                            answers={
                                s: f"Answer to {s}, with *some* text." for s in prompt_slugs[ex.pk]
                            },
                            version=3,
                            first_submitted_at=None if status == "draft" else at,
                            submitted_at=None if status == "draft" else at,
                            is_late=status != "draft" and at > due[unit.pk],
                        )
                    )
            meeting = meeting_of[(home[e.pk].pk, unit.pk)]
            if unit.number <= HELD_UNITS and rng.random() < 0.9:
                attendance.append(
                    Attendance(
                        meeting=meeting,
                        enrollment=e,
                        status=rng.choice(["present", "present", "present", "absent", "excused"]),
                    )
                )

    # The measured participant: active, in cohort 0, with a draft of session 5's first exercise.
    participant_enrollment = p_enrollments[0]
    draft_exercise = next(x for x in exercises if x.unit_id == units[HELD_UNITS].pk)
    submissions = [
        s
        for s in submissions
        if not (s.enrollment is participant_enrollment and s.exercise is draft_exercise)
    ]
    submissions.append(
        Submission(
            enrollment=participant_enrollment,
            exercise=draft_exercise,
            answers={"q1": "A first thought.", "q2": "Another **one**."},
            version=4,
        )
    )

    ResourceCompletion.objects.bulk_create(completions, batch_size=BATCH)
    submissions = Submission.objects.bulk_create(submissions, batch_size=BATCH)
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    handed = [s for s in submissions if s.status != "draft"]
    revisions = Revision.objects.bulk_create(
        (Revision(submission=s, number=1, answers=s.answers, is_late=s.is_late) for s in handed),
        batch_size=BATCH,
    )
    _date_the_work(units[: HELD_UNITS + 1], schedule, now)
    session_ratings, resource_ratings = _ratings(
        random.Random(seed + 1), p_enrollments, units[:HELD_UNITS], resources[: HELD_UNITS * 6]
    )
    facilitator_of = {c.pk: facilitators[i // 2] for i, c in enumerate(cohorts)}
    feedback = Feedback.objects.bulk_create(
        (
            Feedback(
                submission=s,
                revision=r,
                grader=facilitator_of[home[s.enrollment_id].pk],
                decision=s.status,
                comment="Good **work**." if s.status == "accepted" else "Say more.",
            )
            for s, r in zip(handed, revisions, strict=True)
            if s.status in ("accepted", "returned")
        ),
        batch_size=BATCH,
    )
    counts.update(
        users=len(users),
        cohorts=len(cohorts),
        meetings=len(meetings),
        resources=len(resources),
        exercises=len(exercises),
        prompts=len(prompts),
        completions=len(completions),
        submissions=len(submissions),
        revisions=len(revisions),
        feedback=len(feedback),
        attendance=len(attendance),
        session_ratings=len(session_ratings),
        resource_ratings=len(resource_ratings),
    )
    return Bench(
        course=course,
        round=round_,
        unit=units[HELD_UNITS],
        participant=participants[0],
        draft_exercise=draft_exercise,
        facilitator=facilitators[0],
        cohort=cohorts[0],
        staff=staff,
        counts=counts,
    )


def _date_the_work(units: list[Unit], schedule: list[RoundUnit], now: datetime) -> None:
    """Give the work of each session the dates of its week, not the day the data was built:
    readings marked done mid-week, exercises started on Tuesday, last saved and handed in
    on Friday (never later than now). One UPDATE per session and table."""
    weeks = {slot.unit_id: slot.week_starts_on for slot in schedule}
    for unit in units:
        monday = timezone.make_aware(datetime.combine(weeks[unit.pk], time(12)))
        tuesday, wednesday, friday = (min(monday + timedelta(days=n), now) for n in (1, 2, 4))
        ResourceCompletion.objects.filter(resource__unit=unit).update(completed_at=wednesday)
        Submission.objects.filter(exercise__unit=unit).update(created_at=tuesday, updated_at=friday)
        Revision.objects.filter(submission__exercise__unit=unit).update(created_at=friday)


def _ratings(
    rng: random.Random, enrollments: list[Enrollment], units: list[Unit], resources: list[Resource]
) -> tuple[list[SessionRating], list[ResourceRating]]:
    """About 60% rate each session that has met, some with a comment; about 30% say whether
    each of its readings was worth their time, a few with a note. Its own random stream, so
    the rest of the data is the same with or without it."""
    session_ratings = SessionRating.objects.bulk_create(
        (
            SessionRating(
                enrollment=e,
                unit=unit,
                rating=rng.choice([2, 3, 4, 4, 5, 5]),
                comment="Good pace, *lively* discussion." if rng.random() < 0.2 else "",
            )
            for e in enrollments
            for unit in units
            if rng.random() < 0.6
        ),
        batch_size=BATCH,
    )
    resource_ratings = ResourceRating.objects.bulk_create(
        (
            ResourceRating(
                enrollment=e,
                resource=r,
                worth_it=rng.random() < 0.75,
                note="Long for what it says." if rng.random() < 0.1 else "",
            )
            for e in enrollments
            for r in resources
            if rng.random() < 0.3
        ),
        batch_size=BATCH,
    )
    return session_ratings, resource_ratings
