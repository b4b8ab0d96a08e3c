"""A person's places in rounds: what they applied with and when they can meet."""

from django.db.models import Prefetch

from apps.accounts.personal_data import Section, register
from apps.rounds.cyclic_week import MINUTES_PER_DAY
from apps.rounds.models import ApplicationAnswer, AvailabilitySlot, Enrollment

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def week_time(minute: int) -> str:
    """A minute of the week (since Monday 00:00 UTC) as "Tuesday 19:00 UTC"."""
    day, rest = divmod(minute, MINUTES_PER_DAY)
    if day == len(DAYS):  # the end of the week's last slot
        day, rest = day - 1, MINUTES_PER_DAY
    return f"{DAYS[day]} {rest // 60:02d}:{rest % 60:02d} UTC"


class RoundsSection(Section):
    key = "rounds"
    models = (Enrollment, AvailabilitySlot, ApplicationAnswer)

    def count(self, user):
        enrollments = Enrollment.objects.filter(user=user)
        return (
            enrollments.count()
            + AvailabilitySlot.objects.filter(enrollment__in=enrollments).count()
            + ApplicationAnswer.objects.filter(enrollment__in=enrollments).count()
        )

    def export(self, user):
        enrollments = (
            Enrollment.objects.filter(user=user)
            .select_related("round__course")
            .prefetch_related(
                Prefetch("availability", queryset=AvailabilitySlot.objects.order_by("start")),
                Prefetch("answers", queryset=ApplicationAnswer.objects.select_related("question")),
            )
            .order_by("applied_at", "pk")
        )
        return [
            {
                "course": enrollment.round.course.title,
                "round": enrollment.round.name,
                "role": enrollment.get_role_display(),
                "lead_facilitator": enrollment.is_lead,
                "status": enrollment.get_status_display(),
                "applied_at": enrollment.applied_at,
                "status_changed_at": enrollment.status_changed_at,
                "motivation": enrollment.motivation,
                "experience": enrollment.get_experience_display(),
                "answers": [
                    {"question": answer.question.text, "answer": answer.text}
                    for answer in enrollment.answers.all()
                ],
                "cohorts_at_once": enrollment.max_cohorts if enrollment.is_facilitator else None,
                "availability": {
                    "entered_in_time_zone": enrollment.availability_time_zone,
                    "updated_at": enrollment.availability_updated_at,
                    "weekly": [
                        {"from": week_time(slot.start), "until": week_time(slot.end)}
                        for slot in enrollment.availability.all()
                    ],
                },
            }
            for enrollment in enrollments
        ]

    def erase(self, user):
        """The enrollments stay, with role and status, so that cohorts, attendance and grades
        still add up; what the person told the organisers about themselves goes."""
        enrollments = Enrollment.objects.filter(user=user)
        AvailabilitySlot.objects.filter(enrollment__in=enrollments).delete()
        ApplicationAnswer.objects.filter(enrollment__in=enrollments).delete()
        enrollments.update(motivation="", availability_time_zone="", availability_updated_at=None)


register(RoundsSection())
