"""Tags for pages of other apps that link to a person's work on an exercise."""

from django import template

from apps.submissions.selectors import working_round_slug

register = template.Library()


@register.simple_tag(takes_context=True)
def working_round(context, course) -> str | None:
    """The slug of the round the signed-in person does this course's exercises in, or None.

    Use it once per page (`{% working_round course as round_slug %}`), then
    link each exercise with `{% url 'submissions:answer' round_slug exercise.pk %}`.
    """
    # Only a published course has rounds to work in.
    if not course.is_published:
        return None
    return working_round_slug(user=context["request"].user, course_id=course.pk)
