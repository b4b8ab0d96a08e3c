"""The review sheet, what a reviewer fills in, and a review read against it."""

from dataclasses import dataclass

from django.db.models import Prefetch

from apps.courses.models import Criterion, Exercise, Level
from apps.reviews.models import PeerReviewSettings, Review, ReviewAssignment

# Used when an exercise's settings give no questions: a review always has room for words.
DEFAULT_QUESTION = "Your comments for the author"


def settings_of(exercise: Exercise) -> PeerReviewSettings | None:
    """The exercise's peer review settings, if any (select_related them to save a query)."""
    return getattr(exercise, "peer_review", None)


def is_anonymous(exercise: Exercise) -> bool:
    """Whether participants see no names in the exercise's reviews; settings removed: no names."""
    settings = settings_of(exercise)
    return settings is None or settings.is_anonymous


def review_rubric_id(settings: PeerReviewSettings | None, exercise: Exercise) -> int | None:
    if settings is not None and settings.rubric_id:
        return settings.rubric_id
    return exercise.rubric_id


def review_questions(settings: PeerReviewSettings | None) -> list[str]:
    questions = settings.questions if settings is not None else []
    return questions or [DEFAULT_QUESTION]


def criteria_of(rubric_ids) -> dict[int, list[Criterion]]:
    """Criteria of each rubric in order, each with its levels in order: two queries at most."""
    rubric_ids = {pk for pk in rubric_ids if pk}
    by_rubric: dict[int, list[Criterion]] = {pk: [] for pk in rubric_ids}
    if not rubric_ids:
        return by_rubric
    criteria = (
        Criterion.objects.filter(rubric_id__in=rubric_ids)
        .order_by("rubric_id", "position")
        .prefetch_related(Prefetch("levels", queryset=Level.objects.order_by("position")))
    )
    for criterion in criteria:
        by_rubric[criterion.rubric_id].append(criterion)
    return by_rubric


@dataclass(frozen=True)
class ReviewSheet:
    """What a reviewer fills in for one exercise: rubric criteria (with levels) and questions."""

    criteria: list[Criterion]
    questions: list[str]


def review_sheet(*, assignment: ReviewAssignment) -> ReviewSheet:
    exercise = assignment.submission.exercise
    settings = settings_of(exercise)
    rubric_id = review_rubric_id(settings, exercise)
    return ReviewSheet(
        criteria=criteria_of([rubric_id]).get(rubric_id, []),
        questions=review_questions(settings),
    )


def review_of(assignment: ReviewAssignment) -> Review | None:
    """What has been written for an assignment, if anything (select_related "review")."""
    return getattr(assignment, "review", None)


@dataclass(frozen=True)
class ChosenLevel:
    criterion: Criterion
    level: Level | None


@dataclass(frozen=True)
class Answer:
    question: str
    text: str


def review_levels(review: Review | None, criteria: list[Criterion]) -> list[ChosenLevel]:
    """The level chosen for each criterion, read against criteria already loaded."""
    chosen = review.levels if review is not None else {}
    rows = []
    for criterion in criteria:
        wanted = str(chosen.get(str(criterion.pk), ""))
        level = next((lv for lv in criterion.levels.all() if str(lv.pk) == wanted), None)
        rows.append(ChosenLevel(criterion, level))
    return rows


def review_answers(review: Review | None, questions: list[str]) -> list[Answer]:
    comments = list(review.comments) if review is not None else []
    comments += [""] * (len(questions) - len(comments))
    return [Answer(question, text) for question, text in zip(questions, comments, strict=False)]


@dataclass
class ShownReview:
    """A submitted review as someone other than its writer may see it.

    `number` counts the peer reviews of the work in the order they were
    submitted; the page calls the writer "Reviewer <number>" when `anonymous`.
    A review a facilitator added has no number: it is named as theirs.
    """

    assignment: ReviewAssignment
    review: Review
    number: int | None
    anonymous: bool
    levels: list[ChosenLevel]
    answers: list[Answer]
    rate_form: object = None  # the author's helpfulness form, added by the view


def shown_reviews(
    assignments: list[ReviewAssignment], *, exercise: Exercise, sheet: ReviewSheet
) -> list[ShownReview]:
    """Submitted reviews of one piece of work, in the order given, read against its sheet.

    The assignments come with their reviewers (select_related "reviewer").
    """
    anonymous = is_anonymous(exercise)
    shown, peers = [], 0
    for assignment in assignments:
        number = None
        if not assignment.reviewer.is_facilitator:
            peers += 1
            number = peers
        shown.append(
            ShownReview(
                assignment=assignment,
                review=assignment.review,
                number=number,
                anonymous=anonymous,
                levels=review_levels(assignment.review, sheet.criteria),
                answers=review_answers(assignment.review, sheet.questions),
            )
        )
    return shown
