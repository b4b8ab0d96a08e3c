"""A person's cohorts, their attendance, their switches and changes about them, and their
calendar feed."""

from apps.accounts.personal_data import Section, register
from apps.cohorts.models import (
    Attendance,
    CalendarFeed,
    Change,
    Cohort,
    Meeting,
    Placement,
    Switch,
)
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
    models = (
        Placement,
        Cohort.facilitators.through,
        Attendance,
        CalendarFeed,
        Switch,
        Change,
        Meeting,  # through its substitute
    )

    def _facilitated(self, user):
        return Cohort.facilitators.through.objects.filter(enrollment__user=user)

    def count(self, user):
        return (
            Placement.objects.filter(enrollment__user=user).count()
            + self._facilitated(user).count()
            + Attendance.objects.filter(enrollment__user=user).count()
            + Switch.objects.filter(enrollment__user=user).count()
            + Change.objects.filter(enrollment__user=user).count()
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
            "meetings_covered": [
                {
                    "cohort": meeting.cohort.name,
                    "session": meeting.unit.display_title,
                    "meeting_at": meeting.starts_at,
                }
                for meeting in Meeting.objects.filter(substitute__user=user)
                .select_related("cohort", "unit")
                .order_by("starts_at")
            ],
            "switches": [
                {
                    "from": switch.from_cohort.name,
                    "to": switch.to_cohort.name,
                    "meeting_at": switch.meeting.starts_at if switch.meeting else None,
                    "status": switch.get_status_display(),
                    "reason": switch.reason,
                    "requested_at": switch.requested_at,
                }
                for switch in Switch.objects.filter(enrollment__user=user)
                .select_related("from_cohort", "to_cohort", "meeting")
                .order_by("requested_at")
            ],
            "changes_about_you": [
                {
                    "what": change.get_kind_display(),
                    "cohort": change.cohort.name if change.cohort else None,
                    "reason": change.reason,
                    "at": change.created_at,
                }
                for change in Change.objects.filter(enrollment__user=user)
                .select_related("cohort")
                .order_by("created_at")
            ],
            "calendar_feed_made_at": feed.created_at if feed else None,
        }

    def erase(self, user):
        """Placements, facilitation, attendance and the history of changes stay, so cohorts
        keep their members, attendance counts and record; the reasons the person gave (or
        others gave about them) go, and so does the calendar feed, so that its secret
        address answers no more."""
        Switch.objects.filter(enrollment__user=user).update(reason="")
        Change.objects.filter(enrollment__user=user).update(reason="")
        CalendarFeed.objects.filter(user=user).delete()


register(CohortsSection())
