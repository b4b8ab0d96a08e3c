"""A person's cohorts, their attendance, and their calendar feed."""

from apps.accounts.personal_data import Section, register
from apps.cohorts.models import Attendance, CalendarFeed, Cohort, Placement
from apps.cohorts.selectors import slot_label


def _cohort(cohort: Cohort) -> dict:
    return {
        "course": cohort.round.course.title,
        "round": cohort.round.name,
        "cohort": cohort.name,
        "meets": slot_label(cohort),
    }


class CohortsSection(Section):
    key = "cohorts"
    models = (Placement, Cohort.facilitators.through, Attendance, CalendarFeed)

    def _facilitated(self, user):
        return Cohort.facilitators.through.objects.filter(enrollment__user=user)

    def count(self, user):
        return (
            Placement.objects.filter(enrollment__user=user).count()
            + self._facilitated(user).count()
            + Attendance.objects.filter(enrollment__user=user).count()
        )

    def export(self, user):
        placements = Placement.objects.filter(enrollment__user=user).select_related(
            "cohort__round__course"
        )
        facilitated = self._facilitated(user).select_related("cohort__round__course")
        attendance = (
            Attendance.objects.filter(enrollment__user=user)
            .select_related("meeting__cohort", "meeting__unit")
            .order_by("meeting__starts_at")
        )
        feed = CalendarFeed.objects.filter(user=user).first()
        return {
            "member_of": [
                {**_cohort(placement.cohort), "placed_at": placement.placed_at}
                for placement in placements.order_by("placed_at")
            ],
            "facilitating": [_cohort(link.cohort) for link in facilitated.order_by("pk")],
            "attendance": [
                {
                    "cohort": record.meeting.cohort.name,
                    "session": record.meeting.unit.display_title,
                    "meeting_at": record.meeting.starts_at,
                    "status": record.get_status_display(),
                }
                for record in attendance
            ],
            "calendar_feed_made_at": feed.created_at if feed else None,
        }

    def erase(self, user):
        """Placements, facilitation and attendance stay, so cohorts keep their members and
        attendance counts; the calendar feed goes, so its secret address answers no more."""
        CalendarFeed.objects.filter(user=user).delete()


register(CohortsSection())
