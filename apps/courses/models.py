"""Course content: what a course teaches, independent of any run of it."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

# The same rules as the course files, so whatever the admin saves exports and imports again.
validate_slug = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "Use lower-case letters, digits and single hyphens."
)
validate_web_link = URLValidator(
    schemes=["http", "https"], message="Enter an http:// or https:// link."
)


class Course(models.Model):
    slug = models.SlugField(unique=True, validators=[validate_slug])
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="Markdown, shown on the course page.")
    is_published = models.BooleanField(
        "published", default=True, help_text="Participants only see published courses."
    )
    share_plans = models.BooleanField(
        "share plans with the cohort",
        default=True,
        help_text="Submitted career and project plans are visible to the author's cohort.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("courses:detail", args=[self.slug])


class Rubric(models.Model):
    """Criteria with ordered levels, used by facilitators and peer reviewers."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="rubrics")
    slug = models.SlugField(validators=[validate_slug])
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["course", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="rubric_slug_unique_per_course")
        ]

    def __str__(self):
        return self.title


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField()
    slug = models.SlugField(validators=[validate_slug])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")

    class Meta:
        ordering = ["rubric", "position"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "position"], name="criterion_position_unique_per_rubric"
            ),
            models.UniqueConstraint(
                fields=["rubric", "slug"], name="criterion_slug_unique_per_rubric"
            ),
        ]

    def __str__(self):
        return self.title


class Level(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    points = models.PositiveIntegerField()

    class Meta:
        ordering = ["criterion", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "position"], name="level_position_unique_per_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.points})"


class Unit(models.Model):
    """One week of a course, shown to participants as "Session N: title"."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="units")
    number = models.PositiveIntegerField(
        help_text="Session number, from 1.", validators=[MinValueValidator(1)]
    )
    slug = models.SlugField(validators=[validate_slug])
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="Markdown, shown above the resources.")
    facilitator_guide = models.TextField(
        blank=True,
        help_text="Markdown: discussion questions, timings and what to watch for. Shown only "
        "to the facilitators of the course's rounds and to admins, never to participants.",
    )

    class Meta:
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "number"], name="unit_number_unique_per_course"
            ),
            models.UniqueConstraint(fields=["course", "slug"], name="unit_slug_unique_per_course"),
            models.CheckConstraint(condition=Q(number__gte=1), name="unit_number_from_one"),
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse("courses:unit", args=[self.course.slug, self.number])

    @property
    def display_title(self) -> str:
        return f"Session {self.number}: {self.title}"


class Resource(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        PAPER = "paper", "Paper"
        VIDEO = "video", "Video"
        PODCAST = "podcast", "Podcast"
        OTHER = "other", "Other"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    authors = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField("link", max_length=1000, validators=[validate_web_link])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    is_core = models.BooleanField(
        "core", default=True, help_text="Core resources come first; the rest are optional."
    )
    minutes = models.PositiveIntegerField("estimated minutes", validators=[MinValueValidator(1)])
    note = models.TextField(blank=True, help_text="Markdown: why this is worth the time.")

    class Meta:
        ordering = ["unit", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "position"], name="resource_position_unique_per_unit"
            ),
            models.UniqueConstraint(fields=["unit", "url"], name="resource_url_unique_per_unit"),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="resource_minutes_positive"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1000, year__lte=2999),
                name="resource_year_four_digits",
            ),
        ]

    def __str__(self):
        return self.title


class Exercise(models.Model):
    class Kind(models.TextChoices):
        FREE_RESPONSE = "free_response", "Free response"
        CAREER_PLAN = "career_plan", "Career plan"
        PROJECT_PLAN = "project_plan", "Project plan"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="exercises")
    position = models.PositiveIntegerField()
    slug = models.SlugField(validators=[validate_slug])
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FREE_RESPONSE)
    instructions = models.TextField(blank=True, help_text="Markdown.")
    rubric = models.ForeignKey(
        Rubric, on_delete=models.SET_NULL, null=True, blank=True, related_name="exercises"
    )

    class Meta:
        ordering = ["unit", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "position"], name="exercise_position_unique_per_unit"
            ),
            models.UniqueConstraint(fields=["unit", "slug"], name="exercise_slug_unique_per_unit"),
        ]

    def __str__(self):
        return self.title


class Prompt(models.Model):
    """One question of an exercise, answered as long text or as a list of items."""

    class Answer(models.TextChoices):
        TEXT = "text", "Long text"
        LIST = "list", "List of items"
        MILESTONES = "milestones", "Milestones (title and target date)"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="prompts")
    position = models.PositiveIntegerField()
    slug = models.SlugField(validators=[validate_slug])
    text = models.TextField("question")
    help_text = models.TextField(
        "help", blank=True, help_text="Markdown, shown under the question."
    )
    is_required = models.BooleanField("required", default=True)
    answer = models.CharField(max_length=12, choices=Answer.choices, default=Answer.TEXT)
    min_items = models.PositiveIntegerField(null=True, blank=True)
    max_items = models.PositiveIntegerField(null=True, blank=True)
    strict_item_bounds = models.BooleanField(
        "item bounds are a rule",
        default=False,
        help_text="Ticked: an answer outside the minimum and maximum cannot be submitted. "
        "Left clear: they are shown as a suggestion and never block submitting.",
    )
    timebox_minutes = models.PositiveIntegerField(
        "suggested time box (minutes)", null=True, blank=True
    )

    class Meta:
        ordering = ["exercise", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "position"], name="prompt_position_unique_per_exercise"
            ),
            models.UniqueConstraint(
                fields=["exercise", "slug"], name="prompt_slug_unique_per_exercise"
            ),
            models.CheckConstraint(
                condition=Q(min_items__isnull=True)
                | Q(max_items__isnull=True)
                | Q(min_items__lte=models.F("max_items")),
                name="prompt_min_items_not_above_max",
            ),
            models.CheckConstraint(
                condition=Q(max_items__isnull=True) | Q(max_items__gte=1),
                name="prompt_max_items_positive",
            ),
            # Item bounds only mean something for answers made of items.
            models.CheckConstraint(
                condition=Q(answer__in=["list", "milestones"])
                | Q(min_items__isnull=True, max_items__isnull=True),
                name="prompt_item_bounds_only_for_lists",
            ),
            # A rule needs a bound to enforce; course files could not say it otherwise.
            models.CheckConstraint(
                condition=Q(strict_item_bounds=False)
                | Q(min_items__isnull=False)
                | Q(max_items__isnull=False),
                name="prompt_strict_only_with_item_bounds",
                violation_error_message="Only a prompt with a minimum or maximum number of "
                "items can make them a rule.",
            ),
            models.CheckConstraint(
                condition=Q(timebox_minutes__isnull=True) | Q(timebox_minutes__gte=1),
                name="prompt_timebox_positive",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def takes_items(self) -> bool:
        return self.answer in (self.Answer.LIST, self.Answer.MILESTONES)

    @property
    def bounds_guidance(self) -> str:
        """The item bounds as a rule ("Needs 3-5 items") or a suggestion, as the course set them.

        Only strict bounds are checked on submitting, so the others must not read as a rule.
        """
        bounds = self.item_bounds
        if not bounds:
            return ""
        if self.answer == self.Answer.MILESTONES:
            bounds = bounds.replace("item", "milestone")
        if not self.strict_item_bounds:
            return f"Suggested: {bounds}"
        return f"Needs {bounds}" if self.is_required else f"If answered, needs {bounds}"

    @property
    def item_bounds(self) -> str:
        """Say the list bounds the way a person would, e.g. "3-5 items"."""
        low, high = self.min_items, self.max_items
        if low and high:
            return (
                f"{low} item"
                if low == high == 1
                else (f"exactly {low} items" if low == high else f"{low}-{high} items")
            )
        if low:
            return f"at least {low} item{'s' if low != 1 else ''}"
        if high:
            return f"at most {high} item{'s' if high != 1 else ''}"
        return ""


class ResourceCompletion(models.Model):
    """A participant has marked a resource as done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_completions"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "resource"], name="resource_done_once_per_user")
        ]

    def __str__(self):
        return f"{self.user} done {self.resource}"
