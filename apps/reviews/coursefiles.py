"""Peer review as part of a course's content: the `peer_review:` mapping of an exercise.

Registered with courses at start-up (apps/courses/sections.py), so that course
files carry the settings (format: docs/course-format.md) and a duplicated
course keeps them, pointed at the copy's rubrics.
"""

from apps.courses.coursefiles import Reader
from apps.courses.models import Exercise, Rubric
from apps.courses.sections import ExerciseSection, register
from apps.reviews.models import PeerReviewSettings

# What each field of the mapping means when left out: the model's defaults.
PEER_REVIEW_DEFAULTS = {
    "enabled": True,
    "reviews": 2,
    "pool": PeerReviewSettings.Pool.COHORT.value,
    "anonymous": True,
    "rubric": None,
    "questions": [],
    "due_hours_after_deadline": 72,
    "grace_hours": 24,
    "release": PeerReviewSettings.Release.AFTER_OWN_REVIEWS.value,
    "disagreement_threshold": None,
}


def _read_questions(r: Reader) -> list[str]:
    value = r.data.get("questions")
    if value is None:
        return []
    if not isinstance(value, list):
        r.fail("questions", "must be a list of questions, one line each")
    questions = []
    for index, item in enumerate(value):
        # Stored one per line, so a question may not span lines.
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            r.fail(f"questions[{index}]", "must be text")
        question = str(item).strip()
        if not question:
            r.fail(f"questions[{index}]", "is empty")
        if "\n" in question or "\r" in question:
            r.fail(f"questions[{index}]", "must fit on one line")
        questions.append(question)
    return questions


class PeerReviewSection(ExerciseSection):
    field = "peer_review"
    defaults = PEER_REVIEW_DEFAULTS

    def read(self, reader: Reader, *, rubric_slugs: set[str]) -> dict:
        reviews = reader.whole("reviews", minimum=1, maximum=5)
        due_hours = reader.whole("due_hours_after_deadline", minimum=0)
        grace_hours = reader.whole("grace_hours", minimum=0)
        threshold = reader.whole("disagreement_threshold", minimum=0)
        defaults = self.defaults
        return {
            "enabled": reader.boolean("enabled", defaults["enabled"]),
            "reviews": defaults["reviews"] if reviews is None else reviews,
            "pool": reader.choice("pool", tuple(PeerReviewSettings.Pool.values), defaults["pool"]),
            "anonymous": reader.boolean("anonymous", defaults["anonymous"]),
            "rubric": reader.rubric("rubric", rubric_slugs),
            "questions": _read_questions(reader),
            "due_hours_after_deadline": (
                defaults["due_hours_after_deadline"] if due_hours is None else due_hours
            ),
            "grace_hours": defaults["grace_hours"] if grace_hours is None else grace_hours,
            "release": reader.choice(
                "release", tuple(PeerReviewSettings.Release.values), defaults["release"]
            ),
            "disagreement_threshold": threshold,
        }

    def export(self, exercises: list[Exercise]) -> dict[int, dict]:
        return {
            settings.exercise_id: {
                "enabled": settings.is_enabled,
                "reviews": settings.reviews_per_submission,
                "pool": settings.pool,
                "anonymous": settings.is_anonymous,
                "rubric": settings.rubric.slug if settings.rubric else None,
                "questions": settings.questions,
                "due_hours_after_deadline": settings.due_hours_after_deadline,
                "grace_hours": settings.grace_hours,
                "release": settings.release,
                "disagreement_threshold": settings.disagreement_threshold,
            }
            for settings in PeerReviewSettings.objects.filter(
                exercise__in=exercises
            ).select_related("rubric")
        }

    def store(self, *, exercise: Exercise, data: dict | None, rubrics: dict[str, Rubric]) -> None:
        """Removing the settings leaves assignments and reviews already made in place."""
        if data is None:
            PeerReviewSettings.objects.filter(exercise=exercise).delete()
            return
        PeerReviewSettings.objects.update_or_create(
            exercise=exercise,
            defaults={
                "is_enabled": data["enabled"],
                "reviews_per_submission": data["reviews"],
                "pool": data["pool"],
                "is_anonymous": data["anonymous"],
                "rubric": rubrics[data["rubric"]] if data["rubric"] else None,
                "comment_prompts": "\n".join(data["questions"]),
                "due_hours_after_deadline": data["due_hours_after_deadline"],
                "grace_hours": data["grace_hours"],
                "release": data["release"],
                "disagreement_threshold": data["disagreement_threshold"],
            },
        )

    def copy(self, *, exercises: dict[int, Exercise], rubrics: dict[int, Rubric]) -> None:
        copies = []
        for settings in PeerReviewSettings.objects.filter(exercise_id__in=exercises):
            settings.pk = None
            settings.exercise = exercises[settings.exercise_id]
            settings.rubric = rubrics.get(settings.rubric_id)
            copies.append(settings)
        PeerReviewSettings.objects.bulk_create(copies)


register(PeerReviewSection())
