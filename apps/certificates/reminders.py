"""The message telling a participant their certificate was issued, with its public link."""

from apps.certificates.models import Certificate
from apps.reminders.registry import PARTICIPANT, Kind, Outcome, register


def check_certificate_issued(reminders, now):
    """Skipped once the certificate is revoked, or its holder has left the round."""
    certificates = Certificate.objects.select_related("enrollment__round__course").in_bulk(
        [int(r.occasion.split(":")[1]) for r in reminders]
    )
    outcomes = {}
    for reminder in reminders:
        certificate = certificates.get(int(reminder.occasion.split(":")[1]))
        if certificate is None or certificate.enrollment.is_gone:
            outcomes[reminder.pk] = Outcome("no longer taking part in this round")
        elif not certificate.is_valid:
            outcomes[reminder.pk] = Outcome("the certificate was revoked")
        else:
            outcomes[reminder.pk] = Outcome(
                context={"certificate": certificate, "round": certificate.enrollment.round},
                url=certificate.get_absolute_url(),
            )
    return outcomes


register(
    Kind(
        slug="certificate_issued",
        label="Certificate issued",
        audience=PARTICIPANT,
        check=check_certificate_issued,
        in_app_at_once=True,
    )
)
