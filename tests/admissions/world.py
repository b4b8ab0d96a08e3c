"""A round taking applications, with a rubric, reviewers and applicants who answered its
questions; shared by the admissions tests, the page list and the browser journey."""

from dataclasses import dataclass, field

from apps.admissions.models import AdmissionSettings
from apps.rounds.models import ApplicationAnswer, ApplicationQuestion, Enrollment, Round
from tests.factories import (
    CriterionFactory,
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
    LevelFactory,
    RoundFactory,
    RubricFactory,
    UserFactory,
)


@dataclass
class World:
    round: Round
    settings: AdmissionSettings
    lead: object  # a lead facilitator of the round
    staff: object
    question: ApplicationQuestion
    applicants: list[Enrollment] = field(default_factory=list)
    criteria: list = field(default_factory=list)

    def level(self, criterion: int, points: int):
        return self.criteria[criterion].levels.get(points=points)


def build(*, applicants: int = 3, round: Round | None = None, staff=None) -> World:
    round = round or RoundFactory(name="Spring 2027")
    rubric = RubricFactory(course=round.course, title="Admissions")
    criteria = []
    for position, title in enumerate(["Motivation", "Fit"], start=1):
        criterion = CriterionFactory(rubric=rubric, position=position, title=title)
        for points, level in enumerate(["Weak", "Fair", "Good", "Strong"]):
            LevelFactory(criterion=criterion, position=points + 1, title=level, points=points)
        criteria.append(criterion)
    settings = AdmissionSettings.objects.create(round=round, rubric=rubric)
    lead = FacilitatorEnrollmentFactory(
        round=round, is_lead=True, user__display_name="Lee Lead"
    ).user
    staff = staff or UserFactory(is_staff=True, display_name="Sam Staff")
    question = ApplicationQuestion.objects.create(
        round=round, position=1, text="What is your background?"
    )
    world = World(round, settings, lead, staff, question, criteria=criteria)
    for n in range(applicants):
        world.applicants.append(applicant(world, f"Applicant {n + 1}"))
    return world


def applicant(world: World, name: str) -> Enrollment:
    enrollment = EnrollmentFactory(
        round=world.round,
        status=Enrollment.Status.APPLIED,
        user__display_name=name,
        motivation=f"{name} wants to help.",
    )
    ApplicationAnswer.objects.create(
        enrollment=enrollment, question=world.question, text=f"{name}'s background"
    )
    return enrollment
