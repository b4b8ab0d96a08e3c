"""A person's certificates."""

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.personal_data import Section, register
from apps.certificates.models import Certificate

# Why the certificate of a deleted account no longer verifies, as its record says.
REVOKED_WITH_ACCOUNT = "The account it was issued to was deleted."


class CertificatesSection(Section):
    key = "certificates"
    models = (Certificate,)

    def _certificates(self, user):
        return Certificate.objects.filter(enrollment__user=user)

    def count(self, user):
        return self._certificates(user).count()

    def export(self, user):
        return [
            {
                "course": certificate.enrollment.round.course.title,
                "round": certificate.enrollment.round.name,
                "issued_at": certificate.issued_at,
                "verification_link": f"{settings.SITE_URL}{certificate.get_absolute_url()}",
                "revoked_at": certificate.revoked_at,
            }
            for certificate in self._certificates(user)
            .select_related("enrollment__round__course")
            .order_by("issued_at")
        ]

    def erase(self, user):
        """The certificates stop verifying, and their page says the account was deleted.

        They are revoked rather than deleted, so that a link someone was once
        given says what became of the certificate instead of "not found"; a
        reason a facilitator gave earlier is replaced, since it was about the person.
        """
        self._certificates(user).update(
            revoked_at=Coalesce("revoked_at", timezone.now()),
            revoked_by=None,
            revoke_reason=REVOKED_WITH_ACCOUNT,
        )


register(CertificatesSection())
