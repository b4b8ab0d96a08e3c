"""Peer reviews that disagree: submissions whose reviewers' rubric totals are far apart.

A review's total is the sum of the points of the levels it chose. A
submission is flagged when the highest and lowest totals among its submitted
peer reviews differ by more than its exercise's `disagreement_threshold`; a
review the author's facilitator adds does not count towards the spread, so
it can settle the question without changing it.
"""

from collections import defaultdict
from dataclasses import dataclass

from apps.courses.models import Level
from apps.reviews.models import ReviewAssignment
from apps.reviews.selectors.sheet import review_rubric_id, settings_of
from apps.submissions.models import Submission

Status = ReviewAssignment.Status


@dataclass(frozen=True)
class ScoredReview:
    assignment: ReviewAssignment
    total: int


@dataclass
class Disagreement:
    submission: Submission
    threshold: int
    most: int  # the rubric's highest possible total
    reviews: list[ScoredReview]  # the submitted peer reviews, lowest total first
    facilitator_reviews: list[ReviewAssignment]  # live ones the facilitators added

    @property
    def totals(self) -> list[int]:
        return [review.total for review in self.reviews]

    @property
    def spread(self) -> int:
        return self.reviews[-1].total - self.reviews[0].total

    @property
    def totals_label(self) -> str:
        """The totals as words, e.g. "1, 4 and 7"."""
        words = [str(total) for total in self.totals]
        return f"{', '.join(words[:-1])} and {words[-1]}"


def _is_peer(assignment: ReviewAssignment) -> bool:
    return not assignment.reviewer.is_facilitator


def disagreements(assignments: list[ReviewAssignment]) -> list[Disagreement]:
    """The submissions among `assignments` whose peer reviews disagree, in the order given.

    `assignments` are every review of some submissions, as cohort_assignments
    loads them (review, reviewer and the exercise's settings selected). One
    query, for the points of the levels the reviews chose.
    """
    by_submission: dict[int, list[ReviewAssignment]] = defaultdict(list)
    for assignment in assignments:
        by_submission[assignment.submission_id].append(assignment)
    candidates = []
    for group in by_submission.values():
        exercise = group[0].submission.exercise
        settings = settings_of(exercise)
        if settings is None or settings.disagreement_threshold is None:
            continue
        rubric_id = review_rubric_id(settings, exercise)
        done = [a for a in group if a.status == Status.DONE and _is_peer(a)]
        if rubric_id and len(done) >= 2:
            candidates.append((group, done, rubric_id, settings.disagreement_threshold))
    if not candidates:
        return []
    points, most = _rubric_points({rubric_id for _, _, rubric_id, _ in candidates})
    flagged = []
    for group, done, rubric_id, threshold in candidates:
        scored = sorted(
            (ScoredReview(a, _total(a.review.levels, points)) for a in done),
            key=lambda review: review.total,
        )
        if scored[-1].total - scored[0].total > threshold:
            flagged.append(
                Disagreement(
                    submission=group[0].submission,
                    threshold=threshold,
                    most=most[rubric_id],
                    reviews=scored,
                    facilitator_reviews=[
                        a for a in group if not _is_peer(a) and a.status != Status.ABANDONED
                    ],
                )
            )
    return flagged


def _rubric_points(rubric_ids: set[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Points by level id, and each rubric's highest possible total, by rubric id."""
    points, best = {}, defaultdict(int)
    for level_id, level_points, criterion_id, rubric_id in Level.objects.filter(
        criterion__rubric_id__in=rubric_ids
    ).values_list("pk", "points", "criterion_id", "criterion__rubric_id"):
        points[level_id] = level_points
        best[(rubric_id, criterion_id)] = max(best[(rubric_id, criterion_id)], level_points)
    most = defaultdict(int)
    for (rubric_id, _), level_points in best.items():
        most[rubric_id] += level_points
    return points, most


def _total(levels: dict, points: dict[int, int]) -> int:
    """A review's points from its {criterion id: level id}; a level since deleted counts 0."""
    return sum(points.get(int(level_id), 0) for level_id in levels.values())
