"""Reviews to do: the person's own review assignments."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from apps.reviews.models import Review, ReviewAssignment


@dataclass
class ToDo:
    open: list[ReviewAssignment] = field(default_factory=list)
    finished: list[ReviewAssignment] = field(default_factory=list)
    handed_over: list[ReviewAssignment] = field(default_factory=list)


def reviews_to_do(*, user, now: datetime) -> ToDo:
    """The person's review assignments, soonest due first, in one query.

    Work handed to someone else is listed only if the person had started it,
    so a review moved before they ever opened it does not clutter the page.
    """
    has_draft = Exists(Review.objects.filter(assignment=OuterRef("pk")))
    assignments = (
        ReviewAssignment.objects.filter(reviewer__user=user)
        .annotate(has_draft=has_draft)
        .filter(~Q(status=ReviewAssignment.Status.ABANDONED) | Q(has_draft=True))
        .select_related(
            "submission__exercise__unit",
            "submission__exercise__peer_review",
            "submission__enrollment__user",
            "reviewer__round",
        )
        .order_by("due_at", "pk")
    )
    todo = ToDo()
    for assignment in assignments:
        assignment.is_overdue = assignment.is_outstanding and assignment.due_at < now
        if assignment.is_outstanding:
            todo.open.append(assignment)
        elif assignment.status in ReviewAssignment.FINISHED:
            todo.finished.append(assignment)
        else:
            todo.handed_over.append(assignment)
    return todo
