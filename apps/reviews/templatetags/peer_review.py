"""How peer review pages name people: real names, or the words used where reviews are anonymous."""

from django import template

from apps.reviews.models import ReviewAssignment
from apps.reviews.selectors.sheet import ShownReview, is_anonymous

register = template.Library()

SAME_COHORT_PEER = "A peer in your cohort"
OTHER_COHORT_PEER = "A peer from another cohort"


@register.filter
def author_label(assignment: ReviewAssignment) -> str:
    """Who wrote the work under review, as its reviewer may see it.

    Facilitators see names, also where reviews are anonymous to participants.
    """
    if assignment.reviewer.is_facilitator:
        return assignment.submission.enrollment.user.name
    if is_anonymous(assignment.submission.exercise):
        return OTHER_COHORT_PEER if assignment.is_cross_cohort else SAME_COHORT_PEER
    name = assignment.submission.enrollment.user.name
    return f"{name} (another cohort)" if assignment.is_cross_cohort else name


@register.filter
def reviewer_label(shown: ShownReview) -> str:
    """Who wrote a review, as the author (or a fellow reviewer) may see it.

    A facilitator's own review is always theirs by name: anonymity is for peers.
    """
    assignment = shown.assignment
    if assignment.reviewer.is_facilitator:
        return f"{assignment.reviewer.user.name} (facilitator)"
    if shown.anonymous:
        where = " (from another cohort)" if assignment.is_cross_cohort else ""
        return f"Reviewer {shown.number}{where}"
    name = assignment.reviewer.user.name
    return f"{name} (another cohort)" if assignment.is_cross_cohort else name
