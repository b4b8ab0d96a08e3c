from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from apps.accounts.timezones import is_valid_timezone


def validate_timezone(value: str) -> None:
    if not is_valid_timezone(value):
        raise ValidationError(f"“{value}” is not a time zone we know; pick one from the list.")


# What every page calls someone whose account is deleted.
DELETED_NAME = "a deleted account"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on the platform; the email address is the login."""

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=100, blank=True, help_text="How other people in your cohort see you."
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="Meeting times and deadlines are shown in this zone.",
    )
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the admin site to run courses."
    )
    cohort_limit = models.PositiveSmallIntegerField(
        "most cohorts at once",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Facilitators: the most cohorts you lead at once, counting every round that "
        "runs at the same time. Empty: only each round's own limit applies.",
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the account was deleted. Its personal data is gone; what others rely "
        "on (cohorts, attendance, grades, their reviews) stays under “a deleted account”.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def name(self) -> str:
        """What every page calls the person."""
        if self.is_deleted:
            return DELETED_NAME
        return self.display_name or self.email.split("@")[0]

    @property
    def masked_email(self) -> str:
        """The address with most of it hidden, e.g. "p•••@e•••.org", for pages that anyone
        holding a link can open: enough to recognise one's own, not to learn someone's."""
        local, _, domain = self.email.partition("@")
        host, dot, top = domain.rpartition(".")
        if not host:
            host, dot, top = domain, "", ""
        return f"{local[:1]}•••@{host[:1]}•••{dot}{top}"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class DataExport(models.Model):
    """A copy of everything the platform holds about a person, built in the background.

    Small exports are handed over straight away and never stored; only the ones
    large enough to go to Celery become a row, which its owner downloads from
    their data page until it expires.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    # Long enough to come back for it, short enough that copies do not linger.
    KEPT_FOR = timedelta(days=7)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    content = models.TextField(blank=True, help_text="The export, as JSON text.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="data_export_progress_percent"
            ),
        ]

    def __str__(self):
        return f"Data export of {self.user} ({self.get_status_display()})"

    @property
    def is_under_way(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def expires_at(self):
        return self.created_at + self.KEPT_FOR
