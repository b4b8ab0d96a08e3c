"""Cohorts of a round, their weekly meetings and attendance, and calendar feeds."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from apps.courses.models import Unit
from apps.rounds.cyclic_week import MINUTES_PER_WEEK
from apps.rounds.models import Enrollment, Round


class CohortQuerySet(models.QuerySet):
    def led_by(self, user):
        """The cohorts this person facilitates, through a facilitator place still current."""
        leads = Enrollment.objects.filter(user=user).facilitators().current()
        return self.filter(
            pk__in=Cohort.facilitators.through.objects.filter(enrollment__in=leads).values(
                "cohort_id"
            )
        )

    def published(self):
        return self.filter(published_at__isnull=False)

    def with_member_count(self):
        """Annotate `member_count`: the participants placed there who have not left."""
        return self.annotate(
            member_count=models.Count(
                "placements", filter=~Q(placements__enrollment__status__in=Enrollment.GONE)
            )
        )


class Cohort(models.Model):
    """A small group of participants and its facilitators, meeting weekly at one slot.

    The slot is kept as a local weekday and time in one IANA zone (the lead
    facilitator's), so that the meeting stays at the same local time when
    that zone changes between summer and winter time; meetings are then
    computed from it week by week. `slot_start` is the same slot in minutes
    since Monday 00:00 UTC at the round's start, which grouping works in.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=100)
    facilitators = models.ManyToManyField(
        Enrollment, related_name="facilitated_cohorts", blank=True
    )
    slot_start = models.PositiveIntegerField(help_text="Minutes since Monday 00:00 UTC.")
    time_zone = models.CharField(max_length=64)
    weekday = models.PositiveSmallIntegerField(help_text="0 is Monday, in the cohort's zone.")
    local_time = models.TimeField()
    video_call_url = models.URLField("video call link", blank=True, max_length=500)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["round", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="cohort_name_unique_per_round"),
            models.CheckConstraint(
                condition=Q(slot_start__lt=MINUTES_PER_WEEK), name="cohort_slot_within_week"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="cohort_weekday_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cohorts:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class PlacementQuerySet(models.QuerySet):
    def current(self):
        """Placements of people still in the round; a dropped participant keeps theirs as a
        record of where they were, but no longer counts as a member."""
        return self.exclude(enrollment__status__in=Enrollment.GONE)


class Placement(models.Model):
    """A participant's place in a cohort. One per participant enrollment."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="placement"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="placements")
    placed_at = models.DateTimeField(auto_now=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["cohort", "enrollment__user__email"]

    def __str__(self):
        return f"{self.enrollment.user} in {self.cohort}"


class Meeting(models.Model):
    """One cohort's discussion of one unit, at a concrete time."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="meetings")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_cancelled = models.BooleanField(default=False)
    # Raised on every change to the meeting, and written as the calendar event's SEQUENCE,
    # so calendar apps replace the event they hold instead of adding a second one.
    sequence = models.PositiveIntegerField(default=0)
    substitute = models.ForeignKey(
        Enrollment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covered_meetings",
        help_text="A facilitator of the round who leads this one meeting instead.",
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "unit"], name="meeting_once_per_unit"),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="meeting_starts_before_it_ends"
            ),
        ]
        indexes = [models.Index(fields=["cohort", "starts_at"])]

    def __str__(self):
        return f"{self.cohort}: {self.unit.display_title}"


class Switch(models.Model):
    """A participant's move to another cohort of their round: for good, or for one meeting.

    With ``meeting`` set it is a visit: the person joins that meeting of the other
    cohort (its discussion of the unit of their own meeting that week) and stays a
    member of their own cohort. An approved visit makes them one of the meeting's
    people, for attendance, reminders and their calendar.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="switches")
    from_cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    to_cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="switches_in")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="visits"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, max_length=1000)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(status="pending"),
                name="switch_one_pending_per_person",
            ),
            models.UniqueConstraint(
                fields=["enrollment", "meeting"],
                condition=Q(status="approved", meeting__isnull=False),
                name="visit_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(from_cohort=F("to_cohort")), name="switch_to_another_cohort"
            ),
        ]

    def __str__(self):
        what = "for one meeting" if self.meeting_id else "for good"
        return f"{self.enrollment.user} to {self.to_cohort} {what} ({self.get_status_display()})"

    @property
    def is_visit(self) -> bool:
        return self.meeting_id is not None

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Change(models.Model):
    """One change to a running round, kept as its history: what, to whom, by whom and why.

    ``cohort`` is the cohort it happened in (for a switch, the one joined; the one
    left is ``other_cohort``); a meeting's old and new start times are kept for moves.
    """

    class Kind(models.TextChoices):
        MOVE = "move", "Meeting moved"
        CANCEL = "cancel", "Meeting cancelled"
        COVER = "cover", "Meeting handed to a substitute"
        SWITCH = "switch", "Switched cohort"
        VISIT = "visit", "Joined another cohort for one meeting"
        LEAVE = "leave", "Left the round"
        RETURN = "return", "Came back to the round"
        DEFER = "defer", "Deferred to a later round"
        LATE = "late", "Placed after publication"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    other_cohort = models.ForeignKey(
        Cohort, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="changes",
        help_text="The person it is about, if any: who switched, left or was placed or covers.",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, max_length=1000)
    starts_before = models.DateTimeField(null=True, blank=True)
    starts_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cohort", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "enrollment"], name="attendance_once"),
        ]

    def __str__(self):
        return f"{self.enrollment.user} {self.status} at {self.meeting}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a person's calendar feed; resetting it revokes old links."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"

    def get_absolute_url(self):
        return reverse("cohorts:calendar_feed", args=[self.token])
