"""Planning reminders into rows, and dispatching the due ones exactly once.

Dispatch claims a batch of due rows with SELECT ... FOR UPDATE SKIP LOCKED
and marks them `sending` in the same short transaction, so two dispatchers
never take the same row. The batch then sends its messages one by one over a
single connection to the mail server, and marks each row `sent` as soon as the
server has accepted it: if the worker dies mid-batch, what it sent stays sent,
and what it had only claimed is taken up again once the claim is older than
the claim timeout. A batch that is still running when half its claim timeout
has passed (a slow or hanging mail server) hands its unsent rows back instead
of racing the dispatcher that would take them over. The one gap no database
can close is a crash after the mail server accepted a message but before its
row was updated; it lasts two short statements.
"""

import contextlib
import logging
import time as clock
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.reminders import registry
from apps.reminders.emails import build_message, notice_text
from apps.reminders.models import (
    Notification,
    Preference,
    Reminder,
    ReminderSetting,
    RoundReminderPause,
)
from apps.reminders.registry import Outcome, Planned, Window
from apps.reminders.selectors import claim_timeout, due_reminders

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
QUIET_START, QUIET_END = time(22), time(7)
PLAN_LOOKBACK = timedelta(hours=6)
PLAN_LOOKAHEAD = timedelta(hours=48)


# Planning and scheduling -------------------------------------------------------------


def _hours_for(kind: registry.Kind) -> registry.Hours:
    """A lookup of each round's hours for this kind; None where the round switched it off."""
    settings = {s.round_id: s for s in ReminderSetting.objects.filter(kind=kind.slug)}

    def hours(round_id):
        setting = settings.get(round_id)
        if setting is None:
            return kind.default_hours
        if not setting.is_enabled:
            return None
        return kind.default_hours if setting.hours is None else setting.hours

    return hours


def _insert(
    kind: registry.Kind, planned: Iterable[Planned], *, now: datetime, not_before=None
) -> int:
    """Add the rows that do not exist yet, none for closed accounts; returns how many.

    The unique constraint on (user, kind, occasion) keeps a second caller at the
    same moment from adding a row twice (both would then count it). Rows of a
    kind shown in the app at once that are already due get their notice now.
    """
    planned = {(p.user_id, p.occasion): p for p in planned}
    # A closed account (deleted, or switched off by an admin) is told nothing more.
    closed = set(
        get_user_model()
        .objects.filter(pk__in={user_id for user_id, _ in planned}, is_active=False)
        .values_list("pk", flat=True)
    )
    existing = set(
        Reminder.objects.filter(
            kind=kind.slug, occasion__in={occasion for _, occasion in planned}
        ).values_list("user_id", "occasion")
    )
    rows = [
        Reminder(
            user_id=p.user_id,
            round_id=p.round_id,
            kind=kind.slug,
            occasion=p.occasion,
            due_at=max(p.due_at, not_before) if not_before else p.due_at,
        )
        for key, p in planned.items()
        if key not in existing and p.user_id not in closed
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if kind.in_app_at_once:
        _notify_new(kind, rows, now)
    return len(rows)


def reminders_plan(*, now: datetime | None = None) -> int:
    """Create the rows for every reminder falling due soon; returns how many are new.

    Safe to run as often as wanted: a (user, kind, occasion) row that exists
    is left alone.
    """
    now = now or timezone.now()
    window = Window(now - PLAN_LOOKBACK, now + PLAN_LOOKAHEAD)
    created = 0
    for kind in registry.kinds():
        if kind.plan is not None:
            planned = kind.plan(window, _hours_for(kind))
            created += _insert(kind, planned, now=now, not_before=window.start)
    return created


def reminders_schedule_many(*, kind: str, events: Iterable[Planned]) -> int:
    """Queue one message to each of several people about something that has just happened.

    For kinds whose rows no planner makes: the code where the thing happens
    calls this (or `reminders_schedule`, for one person) once it is committed.
    At most one row per (user, kind, occasion), however often it is called;
    none where the round switched the kind off, or for a closed account. The
    rows go out through the kind's check, the person's choices and their quiet
    hours like any other; a kind shown in the app at once has its notice
    written here. Returns how many rows are new.
    """
    found = registry.get(kind)  # LookupError for a kind no app registered
    events = list(events)
    if not events:
        return 0
    hours = _hours_for(found)
    events = [event for event in events if hours(event.round_id) is not None]
    return _insert(found, events, now=timezone.now())


def reminders_schedule(
    *, user, kind: str, occasion: str, due_at: datetime | None = None, round=None
) -> Reminder | None:
    """Queue one message to one person about something that has just happened, such as work
    returned; due now unless told otherwise.

    Returns the row for this occasion, or None when there is none: the round
    switched the kind off, or the account is closed.
    """
    event = Planned(user.pk, round.pk if round else None, occasion, due_at or timezone.now())
    reminders_schedule_many(kind=kind, events=[event])
    return Reminder.objects.filter(user=user, kind=kind, occasion=occasion).first()


# In-app notices ---------------------------------------------------------------------------


def _says_send(outcome: Outcome) -> bool:
    return not outcome.skip_reason and outcome.reschedule_to is None


def _shown_at_once(slug: str) -> bool:
    try:
        return registry.get(slug).in_app_at_once
    except LookupError:  # a kind no longer registered is skipped, never shown
        return False


def _notify_at_once(reminders: list[Reminder], outcomes: dict[int, Outcome]) -> None:
    """Write the notice of each at-once reminder whose check says it should go, unless written.

    Its title and text are the email's subject and text part. A reminder has at
    most one notice (the one-to-one link is unique), so writing it here, at
    scheduling and again at dispatch, can never show it twice. A notice that
    fails to render is left for the next attempt; its email fails the same way
    and is recorded on the row.
    """
    due = [
        r
        for r in reminders
        if _shown_at_once(r.kind) and r.user.is_active and _says_send(outcomes[r.pk])
    ]
    if not due:
        return
    written = set(
        Notification.objects.filter(reminder__in=due).values_list("reminder_id", flat=True)
    )
    notices = []
    for reminder in due:
        if reminder.pk in written:
            continue
        outcome = outcomes[reminder.pk]
        try:
            title, body = notice_text(reminder, outcome)
        except Exception:  # noqa: BLE001 - one broken notice must not stop the others
            logger.exception("The notice of reminder %s could not be written", reminder.pk)
            continue
        notices.append(
            Notification(
                user_id=reminder.user_id, reminder=reminder, title=title, body=body, url=outcome.url
            )
        )
    Notification.objects.bulk_create(notices, ignore_conflicts=True)


def _notify_new(kind: registry.Kind, rows: list[Reminder], now: datetime) -> None:
    """The notices of rows just inserted that are due already, after the kind's check."""
    keys = {(row.user_id, row.occasion) for row in rows if row.due_at <= now}
    if not keys:
        return
    # Read back, since a bulk insert that ignores conflicts does not return ids.
    inserted = [
        reminder
        for reminder in Reminder.objects.filter(
            kind=kind.slug,
            status=Reminder.Status.PENDING,
            user_id__in={user_id for user_id, _ in keys},
            occasion__in={occasion for _, occasion in keys},
        ).select_related("user", "round")
        if (reminder.user_id, reminder.occasion) in keys
    ]
    if inserted:
        _notify_at_once(inserted, kind.check(inserted, now))


# Dispatch -------------------------------------------------------------------------------


def reminders_claim(*, batch_size: int, now: datetime) -> list[Reminder]:
    """Take up to batch_size due reminders for this worker alone."""
    with transaction.atomic():
        ids = list(
            due_reminders(now=now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch_size]
        )
        Reminder.objects.filter(pk__in=ids).update(
            status=Reminder.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(Reminder.objects.filter(pk__in=ids).select_related("user"))


def _quiet_until(reminder: Reminder, now: datetime) -> datetime | None:
    """If it is night where the recipient lives, the next 07:00 there."""
    zone = ZoneInfo(reminder.user.time_zone)
    local = now.astimezone(zone)
    if QUIET_END <= local.time() < QUIET_START:
        return None
    morning = local.date() + timedelta(days=1 if local.time() >= QUIET_START else 0)
    return datetime.combine(morning, QUIET_END, tzinfo=zone)


def _not_wanted(reminders: list[Reminder]) -> set[tuple[int, str]]:
    """(user, kind) pairs to send nothing for: switched off, or left to a digest they chose."""
    kinds = {kind.slug: kind for kind in registry.kinds()}
    off, digests = set(), set()
    for user_id, slug, email in Preference.objects.filter(
        user_id__in={r.user_id for r in reminders}
    ).values_list("user_id", "kind", "email"):
        if not email:
            off.add((user_id, slug))
        elif slug in kinds and kinds[slug].is_digest:
            digests.add((user_id, kinds[slug].audience))
    for user_id, audience in digests:
        off |= {
            (user_id, kind.slug)
            for kind in kinds.values()
            if kind.audience == audience and not kind.is_digest
        }
    return off


def _checked(reminders: list[Reminder], now: datetime) -> dict[int, Outcome]:
    """Each reminder's kind's verdict, one check per kind for the whole batch.

    A closed account gets nothing, whatever its kind says.
    """
    by_kind: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        by_kind.setdefault(reminder.kind, []).append(reminder)
    outcomes = {}
    for slug, group in by_kind.items():
        try:
            kind = registry.get(slug)
        except LookupError:
            gone = Outcome("this kind of reminder no longer exists")
            outcomes.update({reminder.pk: gone for reminder in group})
            continue
        outcomes.update(kind.check(group, now))
    for reminder in reminders:
        if not reminder.user.is_active:
            outcomes[reminder.pk] = Outcome("the account is closed")
    return outcomes


def _emails_wanted(reminders: list[Reminder], outcomes: dict[int, Outcome]) -> dict[int, Outcome]:
    """The outcomes once people's own choices are applied: no email of a kind switched off."""
    not_wanted = _not_wanted(reminders)
    return {
        reminder.pk: Outcome("the person switched this kind of reminder off")
        if (reminder.user_id, reminder.kind) in not_wanted
        else outcomes[reminder.pk]
        for reminder in reminders
    }


def _finish(reminder: Reminder, claimed_at: datetime, **changes) -> bool:
    """Record the outcome, unless another dispatcher has taken the claim over since."""
    return bool(
        Reminder.objects.filter(
            pk=reminder.pk, status=Reminder.Status.SENDING, claimed_at=claimed_at
        ).update(**changes)
    )


def _release(reminders: list[Reminder], claimed_at: datetime) -> int:
    """Give unsent claimed rows back to the queue, due as before; returns how many."""
    released = Reminder.objects.filter(
        pk__in=[r.pk for r in reminders], status=Reminder.Status.SENDING, claimed_at=claimed_at
    ).update(status=Reminder.Status.PENDING, claimed_at=None, attempts=F("attempts") - 1)
    logger.warning(
        "Reminder batch ran past half its claim timeout; handed %s reminders back", released
    )
    return released


def _record_failure(reminder: Reminder, now: datetime, error: Exception) -> None:
    logger.warning("Reminder %s failed: %s", reminder.pk, error)
    final = reminder.attempts >= MAX_ATTEMPTS
    _finish(
        reminder,
        now,
        status=Reminder.Status.FAILED if final else Reminder.Status.PENDING,
        due_at=now + timedelta(minutes=5 * reminder.attempts),
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )


def _confirm_sent(reminder: Reminder, claimed_at: datetime, message, *, url: str) -> None:
    """Keep the in-app copy, then mark the row sent unless another dispatcher took it over.

    Two statements, each committed on its own and in this order, so that a row
    marked sent always has its notice. A notice whose row is still `sending`
    is the one gap (the server took the message, the confirmation never
    landed); the resend finds the notice there and adds none. One transaction
    around both would guarantee nothing more, and cost two more round trips
    per message (BEGIN and COMMIT). A kind shown in the app at once has its
    copy already (`_notify_at_once`).
    """
    if not registry.get(reminder.kind).in_app_at_once:
        notice = Notification(
            user_id=reminder.user_id,
            reminder=reminder,
            title=message.subject,
            body=message.body,
            url=url,
        )
        Notification.objects.bulk_create([notice], ignore_conflicts=True)
    _finish(reminder, claimed_at, status=Reminder.Status.SENT, sent_at=timezone.now())


@dataclass
class DispatchResult:
    sent: int = 0
    skipped: int = 0
    deferred: int = 0
    failed: int = 0
    released: int = 0


def reminders_send_batch(*, batch_size: int = 200, now: datetime | None = None) -> DispatchResult:
    """Claim a batch of due reminders and send, skip, defer or fail each one.

    One connection to the mail server serves the whole batch; it is opened
    again after a failed send, which may have left it broken. Once half the
    claim timeout has gone by, the rows not yet handled are handed back rather
    than sent: past the timeout another dispatcher may claim them too, and
    both would send.
    """
    now = now or timezone.now()
    claimed = reminders_claim(batch_size=batch_size, now=now)
    # Measured on the monotonic clock, so a frozen or stepped wall clock cannot stretch it.
    deadline = clock.monotonic() + claim_timeout().total_seconds() / 2
    result = DispatchResult()
    if not claimed:
        return result
    checked = _checked(claimed, now)
    # News reaches the app before anything can hold its email back: choices, quiet hours.
    _notify_at_once(claimed, checked)
    outcomes = _emails_wanted(claimed, checked)
    connection = get_connection()
    try:
        for position, reminder in enumerate(claimed):
            outcome = outcomes[reminder.pk]
            if outcome.skip_reason:
                _finish(
                    reminder, now, status=Reminder.Status.SKIPPED, skip_reason=outcome.skip_reason
                )
                result.skipped += 1
                continue
            if outcome.reschedule_to:
                _finish(reminder, now, status=Reminder.Status.PENDING, due_at=outcome.reschedule_to)
                result.deferred += 1
                continue
            if (morning := _quiet_until(reminder, now)) is not None:
                _finish(
                    reminder,
                    now,
                    status=Reminder.Status.PENDING,
                    due_at=morning,
                    deferred_count=F("deferred_count") + 1,
                )
                result.deferred += 1
                continue
            try:
                message = build_message(reminder, outcome)
            except Exception as error:  # noqa: BLE001 - any failure is recorded on the row
                _record_failure(reminder, now, error)
                result.failed += 1
                continue
            # Checked just before a message goes out, so that none starts after the deadline.
            if clock.monotonic() >= deadline:
                result.released = _release(claimed[position:], now)
                break
            try:
                connection.open()  # a no-op while the connection is open
                connection.send_messages([message])
            except Exception as error:  # noqa: BLE001 - any failure is recorded on the row
                # The connection may be broken now; the next message opens a fresh one.
                with contextlib.suppress(Exception):
                    connection.close()
                _record_failure(reminder, now, error)
                result.failed += 1
                continue
            _confirm_sent(reminder, now, message, url=outcome.url)
            result.sent += 1
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return result


# Admin and preferences -------------------------------------------------------------------


def reminder_resend(*, reminder: Reminder) -> None:
    """Put a failed (or skipped) reminder back in the queue, due now.

    Pending and sending rows are left alone: resetting a row a dispatcher is
    sending right now would make its confirmation miss and the row go out twice.
    """
    Reminder.objects.filter(
        pk=reminder.pk, status__in=[Reminder.Status.FAILED, Reminder.Status.SKIPPED]
    ).update(
        status=Reminder.Status.PENDING,
        due_at=timezone.now(),
        attempts=0,
        last_error="",
        skip_reason="",
    )


def round_reminders_pause(*, round, by) -> RoundReminderPause:
    pause, _ = RoundReminderPause.objects.get_or_create(round=round, defaults={"paused_by": by})
    return pause


def round_reminders_resume(*, round) -> None:
    RoundReminderPause.objects.filter(round=round).delete()


def preference_set(*, user, kind: str, email: bool) -> None:
    registry.get(kind)  # LookupError for a kind no app registered
    Preference.objects.update_or_create(user=user, kind=kind, defaults={"email": email})


def notifications_mark_read(*, user) -> None:
    Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
