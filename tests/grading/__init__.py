"""Builders shared by the grading tests: a cohort with a facilitator, rubric and submitted work."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apps.cohorts.models import Cohort
from apps.courses.models import Criterion, Exercise, Level
from apps.rounds.models import Enrollment
from apps.submissions.models import Revision, Submission
from tests.factories import (
    PASSWORD,
    CohortFactory,
    CriterionFactory,
    ExerciseFactory,
    FacilitatorEnrollmentFactory,
    LevelFactory,
    PlacementFactory,
    PromptFactory,
    RubricFactory,
    UnitFactory,
)

SUBMITTED_AT = datetime(2027, 3, 8, 18, 0, tzinfo=UTC)


@dataclass
class Course:
    """A cohort, its facilitator, and an exercise graded against a two-criterion rubric."""

    cohort: Cohort
    facilitator: Enrollment
    exercise: Exercise
    criteria: list[Criterion]

    @property
    def round(self):
        return self.cohort.round

    def level(self, criterion: int, position: int) -> Level:
        """Level `position` (1 = lowest) of criterion `criterion` (0-based)."""
        return sorted(self.criteria[criterion].levels.all(), key=lambda lv: lv.position)[
            position - 1
        ]

    @property
    def max_points(self) -> int:
        return sum(max(lv.points for lv in c.levels.all()) for c in self.criteria)


def build_course(*, participants: int = 0) -> Course:
    cohort = CohortFactory()
    facilitator = FacilitatorEnrollmentFactory(round=cohort.round, status="active")
    cohort.facilitators.add(facilitator)
    unit = UnitFactory(course=cohort.round.course, number=1, title="Alignment")
    rubric = RubricFactory(course=cohort.round.course)
    criteria = []
    for position, title in enumerate(["Specific", "Realistic"], start=1):
        criterion = CriterionFactory(
            rubric=rubric, position=position, title=title, description=f"Is it **{title}**?"
        )
        for level_position, (level_title, points) in enumerate(
            [("Missing", 0), ("Partly", 1), ("Fully", 3)], start=1
        ):
            LevelFactory(
                criterion=criterion, position=level_position, title=level_title, points=points
            )
        criteria.append(criterion)
    exercise = ExerciseFactory(unit=unit, title="Plan your career", rubric=rubric)
    PromptFactory(exercise=exercise, position=1, slug="roles", text="Which roles?", answer="list")
    PromptFactory(exercise=exercise, position=2, slug="why", text="Why these?", answer="text")
    course = Course(cohort=cohort, facilitator=facilitator, exercise=exercise, criteria=criteria)
    for _ in range(participants):
        submitted(place(course), exercise)
    return course


def place(course: Course, cohort: Cohort | None = None, **user) -> Enrollment:
    """A participant placed in the course's cohort (or another of the same round)."""
    placement = PlacementFactory(
        cohort=cohort or course.cohort,
        enrollment__status="active",
        **{f"enrollment__user__{key}": value for key, value in user.items()},
    )
    return placement.enrollment


def submitted(
    enrollment: Enrollment,
    exercise: Exercise,
    *,
    at: datetime = SUBMITTED_AT,
    status: str = Submission.Status.SUBMITTED,
    revisions: int = 1,
    late: bool = False,
    answers: dict | None = None,
) -> Submission:
    """Work as submission_submit leaves it: a status, a submission time and its revisions."""
    answers = answers or {"roles": ["Research engineer"], "why": "Because *fit* matters."}
    submission = Submission.objects.create(
        enrollment=enrollment,
        exercise=exercise,
        status=status,
        answers=answers,
        version=revisions + 1,
        first_submitted_at=at - timedelta(days=revisions - 1),
        submitted_at=at,
        is_late=late,
    )
    for number in range(1, revisions + 1):
        Revision.objects.create(submission=submission, number=number, answers=answers, is_late=late)
    return submission


def login(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client
