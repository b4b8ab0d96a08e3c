"""A round is one run of a course; people enrol in it and say when they can meet."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse

from apps.courses.models import Course, Unit
from apps.rounds.cyclic_week import MINUTES_PER_WEEK


class Round(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200, help_text="e.g. “Spring 2027”.")
    slug = models.SlugField(unique=True)
    applications_open_at = models.DateTimeField()
    applications_close_at = models.DateTimeField()
    starts_on = models.DateField(help_text="The Monday of the first session's week.")
    meeting_minutes = models.PositiveIntegerField(
        default=90, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    cohort_min_size = models.PositiveIntegerField(default=4, validators=[MinValueValidator(1)])
    cohort_target_size = models.PositiveIntegerField(default=6)
    cohort_max_size = models.PositiveIntegerField(default=8)
    switches_need_approval = models.BooleanField(
        default=False,
        help_text="Participants' requests to switch cohort wait for a facilitator or lead "
        "facilitator to approve them. Off: a switch into a cohort with room that fits "
        "their availability happens at once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applications_open_at__lt=F("applications_close_at")),
                name="round_applications_open_before_close",
            ),
            models.CheckConstraint(
                condition=Q(cohort_min_size__gte=1)
                & Q(cohort_min_size__lte=F("cohort_target_size"))
                & Q(cohort_target_size__lte=F("cohort_max_size")),
                name="round_cohort_sizes_ordered",
            ),
            models.CheckConstraint(
                condition=Q(meeting_minutes__gte=15, meeting_minutes__lte=480),
                name="round_meeting_length_sensible",
            ),
        ]

    def __str__(self):
        return f"{self.course.title}: {self.name}"

    def get_absolute_url(self):
        return reverse("rounds:detail", args=[self.slug])

    def is_open_for_applications(self, now) -> bool:
        return self.applications_open_at <= now < self.applications_close_at


class RoundUnit(models.Model):
    """When a unit of the course runs in this round, and when its work is due."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="schedule")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    week_starts_on = models.DateField(help_text="The Monday of the week this session runs.")
    due_at = models.DateTimeField(help_text="Exercises for this session are due by then.")
    closes_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="After this, no more submissions are taken. Empty: late work is always taken.",
    )

    class Meta:
        ordering = ["round", "week_starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="round_unit_once"),
        ]

    def __str__(self):
        return f"{self.round}: {self.unit.display_title}"


class EnrollmentQuerySet(models.QuerySet):
    def current(self):
        """Still on the round's books: everyone but those who left or were turned down."""
        return self.exclude(status__in=Enrollment.GONE)

    def taking_part(self):
        """Accepted into the round and still in it (or through it)."""
        return self.filter(status__in=Enrollment.TAKING_PART)

    def eligible(self):
        """Accepted and not finished: may be placed in a cohort and work on exercises."""
        return self.filter(status__in=Enrollment.ELIGIBLE)

    def participants(self):
        return self.filter(role=Enrollment.Role.PARTICIPANT)

    def facilitators(self):
        return self.filter(role=Enrollment.Role.FACILITATOR)

    def leads(self):
        """Current lead facilitators."""
        return self.facilitators().current().filter(is_lead=True)

    def facilitator_counts(self) -> dict:
        """How many current facilitator places there are (`places`), and how many lead (`leads`)."""
        counts = {"places": Count("pk"), "leads": Count("pk", filter=Q(is_lead=True))}
        return self.facilitators().current().aggregate(**counts)


class Enrollment(models.Model):
    """A person's place in a round."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", "Participant"
        FACILITATOR = "facilitator", "Facilitator"

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        WAITLISTED = "waitlisted", "Waitlisted"
        OFFERED = "offered", "Offered a place"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        ACTIVE = "active", "Active"
        DROPPED = "dropped", "Dropped"
        LEFT = "left", "Left"
        DEFERRED = "deferred", "Deferred to a later round"
        COMPLETED = "completed", "Completed"

    # Status groups: every rule about "who still counts" names one of these, so a new
    # status is placed once, here, and every rule follows.
    # Waiting for the organisers' decision, or for their own answer to an offer.
    AWAITING_DECISION = frozenset({Status.APPLIED, Status.WAITLISTED, Status.OFFERED})
    # Organisers may still accept or decline these (an offer is the applicant's to answer).
    DECIDABLE = frozenset({Status.APPLIED, Status.WAITLISTED})
    # Accepted and not finished: may be placed in a cohort and work on exercises.
    ELIGIBLE = frozenset({Status.ACCEPTED, Status.ACTIVE})
    # Accepted into the round and still in it, or through it.
    TAKING_PART = ELIGIBLE | {Status.COMPLETED}
    # Turned down, dropped out, left of their own accord, or moved to a later round.
    GONE = frozenset({Status.DECLINED, Status.DROPPED, Status.LEFT, Status.DEFERRED})

    class Experience(models.IntegerChoices):
        NEW = 0, "New to the field"
        SOME = 1, "Some reading"
        WORKING = 2, "Working on related problems"
        EXPERT = 3, "Experienced researcher or practitioner"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    motivation = models.TextField(blank=True)
    experience = models.PositiveSmallIntegerField(
        choices=Experience.choices, default=Experience.NEW
    )
    max_cohorts = models.PositiveSmallIntegerField(
        default=1, help_text="Facilitators: how many cohorts they can run at once."
    )
    availability_time_zone = models.CharField(
        max_length=64, blank=True, help_text="The zone the availability was entered in."
    )
    availability_updated_at = models.DateTimeField(null=True, blank=True)
    is_lead = models.BooleanField(
        "lead facilitator",
        default=False,
        help_text="Lead facilitators run grouping, approve switches and place late applicants "
        "in this round, without being staff.",
    )
    applied_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["round", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="enrollment_once_per_round"),
            models.CheckConstraint(
                condition=Q(max_cohorts__gte=1, max_cohorts__lte=10),
                name="enrollment_max_cohorts_sensible",
            ),
            models.CheckConstraint(
                condition=Q(is_lead=False) | Q(role="facilitator"),
                name="enrollment_lead_is_a_facilitator",
            ),
        ]
        indexes = [models.Index(fields=["round", "role", "status"])]

    def __str__(self):
        return (
            f"{self.user} in {self.round} ({self.get_role_display()}, {self.get_status_display()})"
        )

    @property
    def is_facilitator(self) -> bool:
        return self.role == self.Role.FACILITATOR

    @property
    def is_gone(self) -> bool:
        return self.status in self.GONE

    @property
    def is_taking_part(self) -> bool:
        return self.status in self.TAKING_PART

    @property
    def is_eligible(self) -> bool:
        return self.status in self.ELIGIBLE


class AvailabilitySlot(models.Model):
    """One interval of a person's weekly availability, in minutes since Monday 00:00 UTC.

    Intervals never wrap: one that crosses Sunday midnight is stored as two.
    """

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="availability"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["enrollment", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end"), end__lte=MINUTES_PER_WEEK),
                name="availability_slot_within_week",
            ),
            models.UniqueConstraint(fields=["enrollment", "start"], name="availability_slot_once"),
        ]

    def __str__(self):
        return f"{self.start}-{self.end}"


class ApplicationQuestion(models.Model):
    """A question of a round's own that applicants answer, beside motivation and experience."""

    class Kind(models.TextChoices):
        SHORT = "short", "Short text"
        LONG = "long", "Long text"
        CHOICE = "choice", "Choice of one"

    # Long enough for a paragraph or two; short answers are a line.
    SHORT_MAX = 200
    LONG_MAX = 4000

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=1)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SHORT)
    options = models.TextField(
        blank=True, help_text="For a choice: one option per line, in the order shown."
    )
    is_required = models.BooleanField("required", default=True)

    class Meta:
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "position"], name="application_question_position_once"
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.option_list) < 2:
            raise ValidationError({"options": "A choice needs at least two options, one a line."})
        if self.kind != self.Kind.CHOICE and self.option_list:
            raise ValidationError({"options": "Only a choice has options; clear them."})

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    @property
    def max_length(self) -> int:
        return self.LONG_MAX if self.kind == self.Kind.LONG else self.SHORT_MAX


class ApplicationAnswer(models.Model):
    """One applicant's answer to one of the round's questions."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        ApplicationQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["enrollment", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "question"], name="application_answer_once"
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.text[:40]}"
