"""The news an applicant gets: the decision on their application, and a place offered from
the waiting list. Each is sent once per decision or offer, its row being the occasion."""

from django.urls import reverse

from apps.admissions.models import Decision, Offer
from apps.reminders.registry import PARTICIPANT, Kind, Outcome, register
from apps.rounds.models import Enrollment

# The status a decision leaves behind; once the application has moved on, its news is stale.
STILL_SO = {
    Decision.Outcome.ACCEPTED: Enrollment.ELIGIBLE,
    Decision.Outcome.WAITLISTED: frozenset({Enrollment.Status.WAITLISTED}),
    Decision.Outcome.DECLINED: frozenset({Enrollment.Status.DECLINED}),
}


def _row_id(reminder) -> int:
    return int(reminder.occasion.split(":")[1])


def check_decision(reminders, now):
    """Sent while the application is still as the decision left it."""
    decisions = Decision.objects.select_related("enrollment__round__course").in_bulk(
        [_row_id(r) for r in reminders]
    )
    outcomes = {}
    for reminder in reminders:
        decision = decisions.get(_row_id(reminder))
        if decision is None:
            outcomes[reminder.pk] = Outcome("the decision is no longer on record")
        elif decision.enrollment.status not in STILL_SO[decision.outcome]:
            outcomes[reminder.pk] = Outcome("the application has moved on since")
        else:
            round = decision.enrollment.round
            outcomes[reminder.pk] = Outcome(
                context={"decision": decision, "round": round},
                url=reverse("admissions:place", args=[round.slug]),
            )
    return outcomes


def check_offer(reminders, now):
    """Sent while the offer is open and its deadline has not passed."""
    offers = Offer.objects.select_related("enrollment__round__course").in_bulk(
        [_row_id(r) for r in reminders]
    )
    outcomes = {}
    for reminder in reminders:
        offer = offers.get(_row_id(reminder))
        if offer is None or not offer.is_open:
            outcomes[reminder.pk] = Outcome("the offer has been answered")
        elif offer.expires_at <= now:
            outcomes[reminder.pk] = Outcome("the offer has expired")
        else:
            round = offer.enrollment.round
            outcomes[reminder.pk] = Outcome(
                context={"offer": offer, "round": round},
                url=reverse("admissions:place", args=[round.slug]),
            )
    return outcomes


for outcome, label in [
    (Decision.Outcome.ACCEPTED, "My application is accepted"),
    (Decision.Outcome.WAITLISTED, "My application is put on the waiting list"),
    (Decision.Outcome.DECLINED, "My application is declined"),
]:
    register(
        Kind(
            slug=f"admission_{outcome}",
            label=label,
            audience=PARTICIPANT,
            check=check_decision,
            in_app_at_once=True,
        )
    )
register(
    Kind(
        slug="place_offered",
        label="A place is offered to me from the waiting list",
        audience=PARTICIPANT,
        check=check_offer,
        hint="Sent at once, with the deadline to confirm.",
        in_app_at_once=True,
    )
)
