"""Tags for pages of other apps that show a person's work on a course's exercises."""

from django import template
from django.utils import timezone

from apps.submissions.selectors import EnrollmentWork, ExerciseWork, SessionWork, work_overview

register = template.Library()


@register.simple_tag(takes_context=True)
def course_work(context, course) -> EnrollmentWork | None:
    """The signed-in person's exercises in the round they do this course in, or None.

    Use it once per page (`{% course_work course as work %}`): `work.enrollment.round.slug`
    links each exercise, `work|work_on:exercise.pk` gives its status and deadline,
    `work|session_work:unit.pk` a session's, and `work.next_up` the exercise to do next.
    """
    # Only a published course has rounds to work in.
    if not course.is_published:
        return None
    found = work_overview(user=context["request"].user, now=timezone.now(), course_id=course.pk)
    return found[0] if found else None


@register.filter
def work_on(work: EnrollmentWork | None, exercise_pk: int) -> ExerciseWork | None:
    return work.of(exercise_pk) if work else None


@register.filter
def session_work(work: EnrollmentWork | None, unit_pk: int) -> SessionWork | None:
    """A session's exercises with their status and deadline: `work|session_work:unit.pk`."""
    if work is None:
        return None
    return next((session for session in work.sessions if session.unit.pk == unit_pk), None)
