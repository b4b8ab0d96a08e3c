"""A person's exercise work, its revisions and the feedback on it, and feedback they gave."""

from django.db.models import Prefetch

from apps.accounts.personal_data import Section, register
from apps.submissions.models import CriterionScore, Feedback, Milestone, Revision, Submission


def _feedback(feedback: Feedback) -> dict:
    return {
        "decision": feedback.get_decision_display(),
        "at": feedback.created_at,
        "comment": feedback.comment,
        "points": feedback.points,
        "max_points": feedback.max_points,
    }


class SubmissionsSection(Section):
    key = "exercise_work"
    models = (Submission, Revision, Milestone, Feedback, CriterionScore)

    def count(self, user):
        mine = Submission.objects.filter(enrollment__user=user)
        return (
            mine.count()
            + Revision.objects.filter(submission__in=mine).count()
            + Feedback.objects.filter(submission__in=mine).count()
            + Feedback.objects.filter(grader=user).count()
        )

    def export(self, user):
        feedback = Feedback.objects.select_related("grader", "revision").prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion", "level").order_by(
                    "criterion__position"
                ),
            )
        )
        submissions = (
            Submission.objects.filter(enrollment__user=user)
            .select_related("enrollment__round__course", "exercise__unit")
            .prefetch_related(
                Prefetch("revisions", queryset=Revision.objects.order_by("number")),
                Prefetch("milestones", queryset=Milestone.objects.order_by("position")),
                Prefetch("feedback", queryset=feedback.order_by("created_at")),
            )
            .order_by("created_at", "pk")
        )
        given = (
            Feedback.objects.filter(grader=user)
            .exclude(submission__enrollment__user=user)
            .select_related("submission__exercise__unit")
            .order_by("created_at")
        )
        return {
            "submissions": [
                {
                    "course": submission.enrollment.round.course.title,
                    "round": submission.enrollment.round.name,
                    "session": submission.exercise.unit.display_title,
                    "exercise": submission.exercise.title,
                    "status": submission.get_status_display(),
                    "started_at": submission.created_at,
                    "first_submitted_at": submission.first_submitted_at,
                    "submitted_at": submission.submitted_at,
                    "late": submission.is_late,
                    "answers": submission.answers,
                    "revisions": [
                        {
                            "number": revision.number,
                            "submitted_at": revision.created_at,
                            "late": revision.is_late,
                            "answers": revision.answers,
                        }
                        for revision in submission.revisions.all()
                    ],
                    "milestones": [
                        {"title": milestone.title, "target_date": milestone.target_date}
                        for milestone in submission.milestones.all()
                    ],
                    "feedback": [
                        {
                            **_feedback(item),
                            # As the work's page says it.
                            "from": item.grader.name if item.grader else "your facilitator",
                            "on_revision": item.revision.number,
                            "rubric": [
                                {
                                    "criterion": score.criterion.title,
                                    "level": score.level.title,
                                    "points": score.level.points,
                                }
                                for score in item.scores.all()
                            ],
                        }
                        for item in submission.feedback.all()
                    ],
                }
                for submission in submissions
            ],
            # What the person wrote as a grader, without whose work it was.
            "feedback_given": [
                {
                    "session": item.submission.exercise.unit.display_title,
                    "exercise": item.submission.exercise.title,
                    **_feedback(item),
                }
                for item in given
            ],
        }

    def erase(self, user):
        """The submissions and revisions stay with their statuses, times and grades, so that
        completion, the facilitators' queues and the cohort's counts still add up; the words
        go: answers, milestone titles, and the graders' comments on them, which discuss
        answers that no longer exist and were only ever for the person and their
        facilitators. Feedback the person gave as a grader is part of someone else's
        record and stays, from "a deleted account"."""
        mine = Submission.objects.filter(enrollment__user=user)
        mine.update(answers={})
        Revision.objects.filter(submission__in=mine).update(answers={})
        Milestone.objects.filter(submission__in=mine).update(title="")
        Feedback.objects.filter(submission__in=mine).update(comment="")


register(SubmissionsSection())
