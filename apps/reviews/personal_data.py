"""Peer reviews a person wrote, and the reviews of their work as they may read them."""

from django.db.models import Q
from django.utils import timezone

from apps.accounts.personal_data import Section, register, scrub_rows
from apps.reviews.models import Review, ReviewAssignment
from apps.reviews.selectors.received import received_reviews
from apps.reviews.selectors.sheet import (
    criteria_of,
    review_answers,
    review_levels,
    review_of,
    review_questions,
    review_rubric_id,
    settings_of,
)
from apps.reviews.templatetags.peer_review import author_label, reviewer_label


def _read(review: Review | None, criteria, questions) -> dict | None:
    if review is None:
        return None
    return {
        "rubric": [
            {"criterion": row.criterion.title, "level": row.level.title if row.level else None}
            for row in review_levels(review, criteria)
        ],
        "answers": [
            {"question": answer.question, "answer": answer.text}
            for answer in review_answers(review, questions)
        ],
    }


class ReviewsSection(Section):
    key = "peer_reviews"
    models = (ReviewAssignment, Review)

    def _involving(self, user):
        return ReviewAssignment.objects.filter(
            Q(reviewer__user=user) | Q(submission__enrollment__user=user)
        )

    def count(self, user):
        return self._involving(user).count()

    def export(self, user):
        return {"written": self._written(user), "received": self._received(user)}

    def _written(self, user) -> list[dict]:
        """The person's own review duties; the authors named only where the review page
        names them (reviews may be anonymous both ways)."""
        assignments = list(
            ReviewAssignment.objects.filter(reviewer__user=user)
            .select_related(
                "review",
                "reviewer",
                "submission__exercise__unit",
                "submission__exercise__peer_review",
                "submission__enrollment__user",
            )
            .order_by("due_at", "pk")
        )
        criteria = criteria_of(
            review_rubric_id(settings_of(a.submission.exercise), a.submission.exercise)
            for a in assignments
        )
        rows = []
        for assignment in assignments:
            exercise = assignment.submission.exercise
            settings = settings_of(exercise)
            rows.append(
                {
                    "exercise": exercise.title,
                    "session": exercise.unit.display_title,
                    "author": author_label(assignment),
                    "status": assignment.get_status_display(),
                    "due_at": assignment.due_at,
                    "completed_at": assignment.completed_at,
                    "review": _read(
                        review_of(assignment),
                        criteria.get(review_rubric_id(settings, exercise), []),
                        review_questions(settings),
                    ),
                }
            )
        return rows

    def _received(self, user) -> list[dict]:
        """Exactly what the "Reviews of my work" page shows: released, visible reviews, with
        "Reviewer 1" where the exercise's reviews are anonymous, and counts of the rest."""
        return [
            {
                "exercise": item.submission.exercise.title,
                "session": item.submission.exercise.unit.display_title,
                "released": item.release.released,
                "reviews": [
                    {
                        "reviewer": reviewer_label(shown),
                        "submitted_at": shown.review.submitted_at,
                        "rubric": [
                            {
                                "criterion": row.criterion.title,
                                "level": row.level.title if row.level else None,
                            }
                            for row in shown.levels
                        ],
                        "answers": [
                            {"question": answer.question, "answer": answer.text}
                            for answer in shown.answers
                        ],
                        "your_rating": shown.review.helpfulness,
                        "your_note": shown.review.helpfulness_note,
                    }
                    for shown in item.shown
                ],
                "reviews_still_being_written": item.waiting,
                "reviews_not_yet_released": item.submitted_unreleased,
                "reviews_hidden_by_a_facilitator": item.hidden,
            }
            for item in received_reviews(user=user, now=timezone.now())
        ]

    def erase(self, user):
        """Reviews the person submitted stay, text and all, under "a deleted account"
        (or "Reviewer 1" where reviews are anonymous): they belong to the learning record
        of the people whose plans they discuss, who have read them, rated them and may have
        revised their plans after them, and they count towards those people's reviews
        received. What only the person ever saw goes: drafts they never submitted, and the
        notes they wrote when rating reviews of their own work (the ratings stay, as part
        of their reviewers' record). A facilitator's reason for hiding one of their reviews
        no longer names them.

        Review duties still open are left to the peer review tick, which hands overdue ones
        to someone else as it does for anyone who stops reviewing.
        """
        Review.objects.filter(assignment__reviewer__user=user, submitted_at__isnull=True).update(
            levels={}, comments=[]
        )
        Review.objects.filter(assignment__submission__enrollment__user=user).exclude(
            helpfulness_note=""
        ).update(helpfulness_note="")
        scrub_rows(
            Review.objects.filter(assignment__reviewer__user=user).exclude(hidden_reason=""),
            user,
            "hidden_reason",
        )


register(ReviewsSection())
