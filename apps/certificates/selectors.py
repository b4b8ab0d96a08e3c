"""Whether a participant has completed their round, and what is left if not."""

from dataclasses import dataclass

from django.db.models import Q

from apps.certificates.models import CompletionRule
from apps.cohorts.models import Attendance
from apps.courses.models import Exercise
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission


@dataclass(frozen=True)
class Requirement:
    label: str
    is_met: bool
    detail: str


@dataclass(frozen=True)
class Completion:
    requirements: list[Requirement]

    @property
    def is_complete(self) -> bool:
        return all(requirement.is_met for requirement in self.requirements)


def completion_for(enrollment: Enrollment) -> Completion:
    """Check each requirement of the round's rule against the participant's record.

    A round without a rule asks for every exercise and an accepted project plan.
    """
    rule = CompletionRule.objects.filter(round_id=enrollment.round_id).first() or CompletionRule(
        round_id=enrollment.round_id
    )
    requirements = []
    if rule.min_meetings_attended:
        attended = Attendance.objects.filter(
            Q(status=Attendance.Status.PRESENT) | Q(status=Attendance.Status.EXCUSED),
            enrollment=enrollment,
        ).count()
        requirements.append(
            Requirement(
                f"Attend at least {rule.min_meetings_attended} meetings",
                attended >= rule.min_meetings_attended,
                f"{attended} attended so far",
            )
        )
    submissions = {
        s.exercise_id: s.status
        for s in Submission.objects.filter(enrollment=enrollment).only("exercise_id", "status")
    }
    exercises = list(
        Exercise.objects.filter(unit__course_id=enrollment.round.course_id)
        .select_related("unit")
        .order_by("unit__number", "position")
    )
    if rule.require_all_exercises:
        missing = [e for e in exercises if submissions.get(e.pk) not in Submission.HANDED_IN]
        detail = (
            "All submitted"
            if not missing
            else "Still to submit: "
            + ", ".join(f"{e.title} (session {e.unit.number})" for e in missing)
        )
        requirements.append(Requirement("Submit every exercise", not missing, detail))
    if rule.require_project_plan_accepted:
        plans = [e for e in exercises if e.kind == Exercise.Kind.PROJECT_PLAN]
        accepted = any(submissions.get(e.pk) == Submission.Status.ACCEPTED for e in plans)
        requirements.append(
            Requirement(
                "Have your project plan accepted",
                accepted or not plans,
                "Accepted" if accepted else "Not accepted yet",
            )
        )
    return Completion(requirements)
