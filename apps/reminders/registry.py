"""The kinds of message the platform sends on its own, each registered by the app it is about.

A kind says whom it is for, when it falls due and whether it still matters
just before it is sent. Each app declares its kinds in its own `reminders.py`,
which `RemindersConfig.ready()` imports the way the admin finds `admin.py`;
this app imports none of them, so it knows nothing of meetings or
submissions, and a new kind needs no change here and no migration.

A kind has two halves:

* `plan(window, hours)` finds the occasions coming up (a meeting, a due date,
  a milestone) and yields a `Planned` row for each person to remind;
  `services.reminders_plan` inserts them, once per (person, kind, occasion).
  A kind about something that has just happened (work returned, say) usually
  has no planner: the code where it happens calls `services.reminders_schedule`.
* `check(reminders, now)` runs on a claimed batch just before sending. It
  returns an `Outcome` per reminder: skip it (the reason has gone), send it
  later, or send it with this template context and link. It reads what it
  needs for the whole batch in a few queries, never per reminder.

Its email is the template triple `emails/<slug>-subject.txt`, `-body.txt` and
`-body.html`.

A kind marked `in_app_at_once` is news rather than a nudge (work returned, a
certificate issued): its in-app notice, titled and worded as the email, is
written the first time its check says the message should go, which for an
event is the moment it is scheduled. The email alone then waits for the
person's choices and quiet hours. Other kinds write their notice when the
email is sent.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ImproperlyConfigured

PARTICIPANT = "participant"
FACILITATOR = "facilitator"
AUDIENCES = {PARTICIPANT: "As a participant", FACILITATOR: "As a facilitator"}

# The longest lead a round may set: planners look this far past their window.
MAX_LEAD = timedelta(days=7)


@dataclass(frozen=True)
class Window:
    """The stretch of time one planning run covers."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Planned:
    """A reminder a planner, or the code where something just happened, wants to exist."""

    user_id: int
    round_id: int | None
    occasion: str
    due_at: datetime


@dataclass
class Outcome:
    """What to do with one claimed reminder."""

    skip_reason: str = ""
    reschedule_to: datetime | None = None
    context: dict = field(default_factory=dict)
    url: str = ""


# A round's lead time for a kind, in hours; None where the round switched the kind off.
Hours = Callable[[int | None], int | None]


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    audience: str
    check: Callable[[list, datetime], dict[int, Outcome]]
    plan: Callable[[Window, Hours], Iterable[Planned]] | None = None
    # Hours before (or, for late work, after) the event, unless a round says otherwise.
    default_hours: int = 0
    # A digest is asked for, not given by default, and whoever asks for it gets the
    # other kinds for the same audience only through it.
    is_digest: bool = False
    hint: str = ""
    # News: shown in the app as soon as it happens, even to someone who switched its email off.
    in_app_at_once: bool = False

    def template(self, part: str) -> str:
        """One of the email's templates: "subject.txt", "body.txt" or "body.html"."""
        return f"emails/{self.slug}-{part}"


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.slug in _kinds:
        raise ImproperlyConfigured(f"The reminder kind {kind.slug!r} is registered twice.")
    if kind.audience not in AUDIENCES:
        raise ImproperlyConfigured(f"Unknown audience {kind.audience!r} for {kind.slug!r}.")
    _kinds[kind.slug] = kind
    return kind


def get(slug: str) -> Kind:
    """The kind with this slug; LookupError if no app registered it."""
    try:
        return _kinds[slug]
    except KeyError:
        raise LookupError(f"No reminder kind {slug!r} is registered.") from None


def kinds() -> list[Kind]:
    """Every kind, in the order the apps registered them (INSTALLED_APPS order)."""
    return list(_kinds.values())


def choices() -> list[tuple[str, str]]:
    """For the models' `kind` fields: called when needed, so new kinds need no migration."""
    return [(kind.slug, kind.label) for kind in _kinds.values()]
