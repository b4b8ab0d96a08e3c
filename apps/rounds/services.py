"""Writes to rounds: schedules, applications, enrollment status, availability and imports."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from apps.rounds import weekgrid
from apps.rounds.models import (
    ApplicationAnswer,
    ApplicationQuestion,
    AvailabilitySlot,
    Enrollment,
    Round,
    RoundUnit,
)
from apps.rounds.selectors import next_round_of, return_refusal

# Statuses in which a person may still say when they can meet.
AVAILABILITY_EDITABLE = Enrollment.AWAITING_DECISION | Enrollment.ELIGIBLE
MAX_COHORTS_CHOICES = range(1, 6)
_BATCH = 500


class RoundError(Exception):
    """A round operation that cannot be done, with a message for people."""


class AlreadyEnrolled(RoundError):
    """The person already has a place (or an application) in this round."""


class EnrollmentImportError(RoundError):
    """A problem with one row of an import file; nothing of the file is imported."""

    def __init__(self, row: int, column: str, problem: str):
        self.row, self.column, self.problem = row, column, problem
        where = f"Row {row}, column “{column}”" if column else f"Row {row}"
        super().__init__(f"{where}: {problem}")


class EnrollmentImportProblems(EnrollmentImportError):
    """Every problem found in an import file, in file order; it stands for the first one.

    People fix a file in one go when they see all that is wrong with it, not
    one row per upload.
    """

    SHOWN = 50

    def __init__(self, problems: list[EnrollmentImportError]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.row, first.column, first.problem)

    @property
    def messages(self) -> list[str]:
        shown = [str(problem) for problem in self.problems[: self.SHOWN]]
        if len(self.problems) > self.SHOWN:
            shown.append(f"… and {len(self.problems) - self.SHOWN} more problems after these.")
        return shown

    def __str__(self):
        return "\n".join(self.messages)


@transaction.atomic
def round_schedule_units(*, round: Round) -> list[RoundUnit]:
    """Give each unit of the course a week and a due date, one week after another.

    Unit N runs in the week starting `starts_on + 7 (N - 1)` days and its work
    is due at the end of that week (Monday 00:00 UTC after it). Entries that
    already exist keep whatever an admin set.
    """
    entries = []
    for index, unit in enumerate(round.course.units.order_by("number")):
        week = weekgrid.monday_of(round.starts_on) + timedelta(weeks=index)
        entry, _ = RoundUnit.objects.get_or_create(
            round=round,
            unit=unit,
            defaults={
                "week_starts_on": week,
                "due_at": datetime.combine(week + timedelta(days=7), time(0), tzinfo=UTC),
            },
        )
        entries.append(entry)
    return entries


def _window_check(round: Round, now: datetime) -> None:
    if now < round.applications_open_at:
        opens = timezone.localtime(round.applications_open_at)
        raise RoundError(
            f"Applications for this round open on {opens.day} {opens:%B %Y at %H:%M} "
            f"({timezone.get_current_timezone_name()} time)."
        )
    if now >= round.applications_close_at:
        raise RoundError("Applications for this round have closed.")


def application_answers_check(*, round: Round, answers: dict[int, str]) -> dict[int, str]:
    """The answers to the round's questions, stripped, or RoundError naming the question.

    The form checks the same things field by field; this is the rule itself, for
    every caller.
    """
    questions = list(round.questions.all())
    known = {question.pk for question in questions}
    if unknown := set(answers) - known:
        raise RoundError(f"This round has no question {min(unknown)}; reload the page.")
    checked = {}
    for question in questions:
        text = (answers.get(question.pk) or "").strip()
        if question.is_required and not text:
            raise RoundError(f"Answer “{question.text}”.")
        if len(text) > question.max_length:
            raise RoundError(
                f"Your answer to “{question.text}” is {len(text)} characters long; "
                f"the limit is {question.max_length}."
            )
        is_choice = question.kind == ApplicationQuestion.Kind.CHOICE
        if text and is_choice and text not in question.option_list:
            raise RoundError(f"Choose one of the options for “{question.text}”.")
        checked[question.pk] = text
    return checked


def _answers_save(enrollment: Enrollment, answers: dict[int, str]) -> None:
    ApplicationAnswer.objects.bulk_create(
        [
            ApplicationAnswer(enrollment=enrollment, question_id=pk, text=text)
            for pk, text in answers.items()
        ],
        update_conflicts=True,
        unique_fields=["enrollment", "question"],
        update_fields=["text"],
    )


def enrollment_apply(
    *,
    round: Round,
    user,
    motivation: str,
    experience: int,
    answers: dict[int, str] | None = None,
    now: datetime | None = None,
) -> Enrollment:
    """Apply to a round as a participant, answering the round's own questions.

    Refuses outside the application window, and refuses a second application
    (including one racing the first, e.g. a double-click) with AlreadyEnrolled.
    """
    now = now or timezone.now()
    if Enrollment.objects.filter(round=round, user=user).exists():
        raise AlreadyEnrolled("You have already applied to this round.")
    _window_check(round, now)
    checked = application_answers_check(round=round, answers=answers or {})
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                round=round,
                user=user,
                role=Enrollment.Role.PARTICIPANT,
                status=Enrollment.Status.APPLIED,
                motivation=motivation.strip(),
                experience=experience,
            )
            _answers_save(enrollment, checked)
            return enrollment
    except IntegrityError:
        raise AlreadyEnrolled("You have already applied to this round.") from None


def application_is_editable(*, enrollment: Enrollment, round: Round, now: datetime) -> bool:
    """An application waiting for a decision may be changed until applications close."""
    return (
        not enrollment.is_facilitator
        and enrollment.status == Enrollment.Status.APPLIED
        and round.is_open_for_applications(now)
    )


@transaction.atomic
def application_edit(
    *,
    enrollment: Enrollment,
    motivation: str,
    experience: int,
    answers: dict[int, str],
    now: datetime | None = None,
) -> Enrollment:
    """Change an application until the deadline, while no decision has been made on it."""
    now = now or timezone.now()
    enrollment = (
        Enrollment.objects.select_for_update().select_related("round").get(pk=enrollment.pk)
    )
    if enrollment.status != Enrollment.Status.APPLIED or enrollment.is_facilitator:
        raise RoundError(
            f"Your place in this round is “{enrollment.get_status_display()}”, "
            "so your application can no longer be changed."
        )
    _window_check(enrollment.round, now)
    checked = application_answers_check(round=enrollment.round, answers=answers)
    enrollment.motivation = motivation.strip()
    enrollment.experience = experience
    enrollment.save(update_fields=["motivation", "experience"])
    _answers_save(enrollment, checked)
    return enrollment


@transaction.atomic
def enrollments_move(*, enrollment_ids, to: str, from_statuses: frozenset[str]) -> list[int]:
    """Move the given enrollments that are in one of `from_statuses` to status `to`.

    Returns the ids that moved; the others (someone else acted first) are left
    as they are. The rows are locked, so two callers never move the same one.
    """
    ids = list(
        Enrollment.objects.select_for_update()
        .filter(pk__in=list(enrollment_ids), status__in=from_statuses)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Enrollment.objects.filter(pk__in=ids).update(status=to, status_changed_at=timezone.now())
    return ids


@dataclass(frozen=True)
class StatusChange:
    changed: int
    skipped: int


def _enrollments_move(enrollments: QuerySet[Enrollment], to: str) -> StatusChange:
    # One conditional update: rows that are no longer "applied" when it runs
    # (someone else acted first) are simply not counted as changed.
    total = enrollments.count()
    changed = Enrollment.objects.filter(
        pk__in=enrollments.values("pk"), status=Enrollment.Status.APPLIED
    ).update(status=to, status_changed_at=timezone.now())
    return StatusChange(changed=changed, skipped=total - changed)


def enrollments_accept(*, enrollments: QuerySet[Enrollment]) -> StatusChange:
    """Accept applications; only those still "applied" change, the rest are skipped."""
    return _enrollments_move(enrollments, Enrollment.Status.ACCEPTED)


def enrollments_decline(*, enrollments: QuerySet[Enrollment]) -> StatusChange:
    """Decline applications; only those still "applied" change, the rest are skipped."""
    return _enrollments_move(enrollments, Enrollment.Status.DECLINED)


# Leaving, coming back, deferring ----------------------------------------------------

# Statuses from which a participant may say they are leaving or deferring.
MAY_LEAVE = Enrollment.AWAITING_DECISION | Enrollment.ELIGIBLE


def _set_status(enrollment: Enrollment, status: str) -> Enrollment:
    enrollment.status = status
    enrollment.status_changed_at = timezone.now()
    enrollment.save(update_fields=["status", "status_changed_at"])
    return enrollment


def enrollment_leave(*, enrollment: Enrollment) -> Enrollment:
    """A participant says they are leaving the round; their place is kept for a return."""
    if enrollment.is_facilitator:
        raise RoundError("Facilitators step back through the organisers, not here.")
    if enrollment.status not in MAY_LEAVE:
        raise RoundError(
            f"Your place in this round is “{enrollment.get_status_display()}”; "
            "there is nothing to leave."
        )
    return _set_status(enrollment, Enrollment.Status.LEFT)


def enrollment_return(*, enrollment: Enrollment, placed: bool) -> Enrollment:
    """Someone who left comes back: active when they have a cohort, accepted otherwise."""
    if enrollment.status != Enrollment.Status.LEFT:
        raise RoundError("Only someone who has left the round can come back to it.")
    if refusal := return_refusal(enrollment):
        raise RoundError(refusal)
    return _set_status(
        enrollment, Enrollment.Status.ACTIVE if placed else Enrollment.Status.ACCEPTED
    )


@transaction.atomic
def enrollment_defer(*, enrollment: Enrollment) -> Enrollment:
    """Move a participant's application to the course's next round, keeping what they
    wrote and the times they gave; returns their new enrollment there.

    Their place in this round is marked deferred. The new one starts as an
    application, for the organisers of that round to accept, unless they were already
    accepted here, in which case it is accepted there too.
    """
    if enrollment.is_facilitator:
        raise RoundError("Only participants defer to a later round.")
    if enrollment.status not in MAY_LEAVE:
        raise RoundError(
            f"Your place in this round is “{enrollment.get_status_display()}”, "
            "so it cannot be deferred."
        )
    later = next_round_of(enrollment.round)
    if later is None:
        raise RoundError(
            "No later round of this course is open yet; leave this one, and apply when one is."
        )
    if Enrollment.objects.filter(round=later, user_id=enrollment.user_id).exists():
        raise RoundError(f"You already have a place in {later.name}.")
    was_accepted = enrollment.status in Enrollment.ELIGIBLE
    moved = Enrollment.objects.create(
        round=later,
        user_id=enrollment.user_id,
        role=Enrollment.Role.PARTICIPANT,
        status=Enrollment.Status.ACCEPTED if was_accepted else Enrollment.Status.APPLIED,
        motivation=enrollment.motivation,
        experience=enrollment.experience,
        availability_time_zone=enrollment.availability_time_zone,
        availability_updated_at=enrollment.availability_updated_at,
    )
    # The times were entered as local times; stored as UTC minutes of this round's first
    # week, so re-read them in their zone for the later round's first week.
    zone = enrollment.availability_time_zone or enrollment.user.time_zone
    cells = weekgrid.intervals_to_cells(
        list(enrollment.availability.values_list("start", "end")),
        zone=zone,
        week_of=enrollment.round.starts_on,
    )
    AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(enrollment=moved, start=start, end=end)
        for start, end in weekgrid.cells_to_intervals(cells, zone=zone, week_of=later.starts_on)
    )
    _set_status(enrollment, Enrollment.Status.DEFERRED)
    return moved


def availability_set(
    *, enrollment: Enrollment, cells: set[weekgrid.Cell], time_zone: str
) -> list[weekgrid.Interval]:
    """Replace a person's availability with the local cells they selected in their zone."""
    intervals = weekgrid.cells_to_intervals(
        cells, zone=time_zone, week_of=enrollment.round.starts_on
    )
    with transaction.atomic():
        enrollment.availability.all().delete()
        AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(enrollment=enrollment, start=start, end=end)
            for start, end in intervals
        )
        enrollment.availability_time_zone = time_zone
        enrollment.availability_updated_at = timezone.now()
        enrollment.save(update_fields=["availability_time_zone", "availability_updated_at"])
    return intervals


@transaction.atomic
def availability_save(
    *,
    enrollment: Enrollment,
    cells: set[weekgrid.Cell],
    time_zone: str,
    max_cohorts: int | None = None,
) -> list[weekgrid.Interval]:
    """Save what the availability page sends: the week's cells and, for facilitators,
    how many cohorts they can run. Returns the stored UTC intervals."""
    if enrollment.status not in AVAILABILITY_EDITABLE:
        raise RoundError(
            f"Your place in this round is “{enrollment.get_status_display()}”, "
            "so your availability can no longer be changed."
        )
    if max_cohorts is not None:
        if not enrollment.is_facilitator:
            raise RoundError("Only facilitators say how many cohorts they can run.")
        # A larger number an admin agreed may be kept, but not chosen here.
        if max_cohorts not in MAX_COHORTS_CHOICES and max_cohorts != enrollment.max_cohorts:
            raise RoundError("Choose between 1 and 5 cohorts.")
        enrollment.max_cohorts = max_cohorts
        enrollment.save(update_fields=["max_cohorts"])
    return availability_set(enrollment=enrollment, cells=cells, time_zone=time_zone)


@dataclass(frozen=True)
class ImportRow:
    """One checked row of an enrollment import; None means "not given"."""

    row: int
    email: str
    name: str = ""
    role: str | None = None
    time_zone: str | None = None
    experience: int | None = None
    max_cohorts: int | None = None
    status: str | None = None


@dataclass(frozen=True)
class ImportSummary:
    users_created: int
    enrollments_created: int
    enrollments_updated: int
    enrollments_unchanged: int

    @property
    def rows(self) -> int:
        return self.enrollments_created + self.enrollments_updated + self.enrollments_unchanged

    def __str__(self) -> str:
        def count(n: int, thing: str) -> str:
            return f"{n} {thing}{'' if n == 1 else 's'}"

        return (
            f"{count(self.enrollments_created, 'new enrollment')}, "
            f"{self.enrollments_updated} updated, {self.enrollments_unchanged} unchanged; "
            f"{count(self.users_created, 'new account')}."
        )


def _chunks(items: list, size: int = _BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _users_by_email(emails: list[str]) -> dict:
    """Existing people by lower-cased address: their login address, or another
    address they have added to their account."""
    User = get_user_model()
    found = {}
    for chunk in _chunks(emails):
        users = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
        found.update({user.email_lower: user for user in users})
        missing = [email for email in chunk if email not in found]
        if missing:
            addresses = (
                EmailAddress.objects.annotate(email_lower=Lower("email"))
                .filter(email_lower__in=missing)
                .select_related("user")
                .order_by("-verified")
            )
            for address in addresses:
                found.setdefault(address.email_lower, address.user)
    return found


@transaction.atomic
def enrollments_import(*, round: Round, rows: list[ImportRow]) -> ImportSummary:
    """Create or update the round's enrollments from checked import rows, all or nothing.

    People are matched by email address ignoring case, and created (without a
    usable password, so they set one through password reset) when missing.
    A value left blank keeps what an existing enrollment has, or takes the
    default for a new one. The name and zone fill in new accounts only: an
    existing person's own choices are theirs to change.
    Reads and writes in batches rather than row by row, so thousands of rows
    take a few dozen queries.
    """
    User = get_user_model()
    emails = [row.email for row in rows]
    users = _users_by_email(emails)

    new_rows = [row for row in rows if row.email not in users]
    User.objects.bulk_create(
        User(
            email=row.email,
            display_name=row.name,
            time_zone=row.time_zone or "UTC",
            password=make_password(None),
        )
        for row in new_rows
    )
    # Not every database hands back primary keys from a bulk insert; read them.
    users.update(_users_by_email([row.email for row in new_rows]))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=users[row.email], email=row.email, primary=True, verified=False)
        for row in new_rows
    )
    nameless = []
    for row in rows:
        user = users[row.email]
        if row.name and not user.display_name:
            user.display_name = row.name
            nameless.append(user)
    User.objects.bulk_update(nameless, ["display_name"], batch_size=_BATCH)

    seen: dict[int, ImportRow] = {}
    for row in rows:
        first = seen.setdefault(users[row.email].pk, row)
        if first is not row:
            raise EnrollmentImportError(
                row.row,
                "email",
                f"{row.email} belongs to the same person as {first.email} in row {first.row}.",
            )

    existing = {}
    user_ids = list(seen)
    for chunk in _chunks(user_ids):
        existing.update(
            {e.user_id: e for e in Enrollment.objects.filter(round=round, user_id__in=chunk)}
        )

    now = timezone.now()
    to_create, to_update, unchanged = [], [], 0
    for row in rows:
        user = users[row.email]
        enrollment = existing.get(user.pk)
        if enrollment is None:
            to_create.append(
                Enrollment(
                    round=round,
                    user=user,
                    role=row.role or Enrollment.Role.PARTICIPANT,
                    status=row.status or Enrollment.Status.APPLIED,
                    experience=row.experience
                    if row.experience is not None
                    else Enrollment.Experience.NEW,
                    max_cohorts=row.max_cohorts or 1,
                )
            )
            continue
        changes = {
            field: value
            for field, value in [
                ("role", row.role),
                ("status", row.status),
                ("experience", row.experience),
                ("max_cohorts", row.max_cohorts),
            ]
            if value is not None and getattr(enrollment, field) != value
        }
        if not changes:
            unchanged += 1
            continue
        if "status" in changes:
            changes["status_changed_at"] = now
        for field, value in changes.items():
            setattr(enrollment, field, value)
        to_update.append(enrollment)

    Enrollment.objects.bulk_create(to_create, batch_size=_BATCH)
    Enrollment.objects.bulk_update(
        to_update,
        ["role", "status", "experience", "max_cohorts", "status_changed_at"],
        batch_size=_BATCH,
    )
    return ImportSummary(
        users_created=len(new_rows),
        enrollments_created=len(to_create),
        enrollments_updated=len(to_update),
        enrollments_unchanged=unchanged,
    )
