from functools import partial

from django.db import transaction
from django.utils import timezone

from apps.certificates.models import Certificate
from apps.certificates.selectors import completion_for
from apps.reminders.services import reminders_schedule
from apps.rounds.models import Enrollment


class CertificateError(Exception):
    """A certificate operation that cannot be done, with a message for people."""


def certificate_issue(*, enrollment: Enrollment) -> Certificate:
    """Issue the participant's certificate once they have completed the round.

    Asking again returns the same certificate; a revoked one stays revoked
    until an admin reinstates it.
    """
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    if enrollment.role != Enrollment.Role.PARTICIPANT:
        raise CertificateError("Certificates are for participants.")
    if not completion_for(enrollment).is_complete:
        raise CertificateError("The round is not complete yet; see what is left above.")
    certificate, created = Certificate.objects.get_or_create(enrollment=enrollment)
    Enrollment.objects.filter(pk=enrollment.pk).exclude(status=Enrollment.Status.DROPPED).update(
        status=Enrollment.Status.COMPLETED, status_changed_at=timezone.now()
    )
    if created:
        transaction.on_commit(partial(_tell_holder, certificate))
    return certificate


def _tell_holder(certificate: Certificate) -> None:
    """A notice in the app now and an email to keep, with the link that proves it."""
    enrollment = certificate.enrollment
    reminders_schedule(
        user=enrollment.user,
        kind="certificate_issued",
        occasion=f"certificate:{certificate.pk}",
        round=enrollment.round,
    )


def certificate_revoke(*, certificate: Certificate, by, reason: str) -> None:
    if not reason.strip():
        raise CertificateError("Give a reason for revoking the certificate.")
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])


def certificate_reinstate(*, certificate: Certificate) -> None:
    certificate.revoked_at = None
    certificate.revoked_by = None
    certificate.revoke_reason = ""
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
