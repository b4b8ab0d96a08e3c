"""What admissions holds about a person: the decisions and offers on their applications, and
the reviews they wrote as a reviewer. Scores of their own application are not theirs to see."""

from apps.accounts.personal_data import Section, register
from apps.admissions.models import Decision, Offer, Review, Score, Vacancy


class AdmissionsSection(Section):
    key = "admissions"
    models = (Review, Score, Decision, Vacancy, Offer)

    def count(self, user):
        return (
            Decision.objects.filter(enrollment__user=user).count()
            + Offer.objects.filter(enrollment__user=user).count()
            + Review.objects.filter(reviewer=user).count()
        )

    def export(self, user):
        decisions = Decision.objects.filter(enrollment__user=user).select_related(
            "enrollment__round__course"
        )
        offers = Offer.objects.filter(enrollment__user=user).select_related(
            "enrollment__round__course"
        )
        written = (
            Review.objects.filter(reviewer=user, submitted_at__isnull=False)
            .select_related("enrollment__round__course")
            .prefetch_related("scores__criterion", "scores__level")
        )
        return {
            "decisions": [
                {
                    "round": str(d.enrollment.round),
                    "outcome": d.get_outcome_display(),
                    "waiting_list_position": d.waitlist_position,
                    "decided_at": d.decided_at,
                }
                for d in decisions
            ],
            "offers": [
                {
                    "round": str(o.enrollment.round),
                    "status": o.get_status_display(),
                    "offered_at": o.offered_at,
                    "expires_at": o.expires_at,
                    "answered_at": o.answered_at,
                }
                for o in offers
            ],
            # The applicant reviewed is not named: their application is theirs.
            "reviews_written": [
                {
                    "round": str(r.enrollment.round),
                    "points": r.points,
                    "comment": r.comment,
                    "scores": {s.criterion.title: s.level.title for s in r.scores.all()},
                    "submitted_at": r.submitted_at,
                }
                for r in written
            ],
        }

    def erase(self, user):
        """Decisions and offers stay (the round's numbers rely on them); a reviewer's comments
        go, their scores stay so that the ranking still adds up."""
        Review.objects.filter(reviewer=user).update(comment="")


register(AdmissionsSection())
