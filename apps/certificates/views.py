from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.certificates.models import Certificate
from apps.certificates.selectors import completion_for
from apps.certificates.services import CertificateError, certificate_issue, certificate_revoke
from apps.cohorts.models import Cohort
from apps.rounds.models import Enrollment


@login_required
def mine(request):
    enrollments = (
        Enrollment.objects.filter(user=request.user)
        .participants()
        .taking_part()
        .select_related("round__course", "certificate")
        .order_by("-round__starts_on")
    )
    # One completion check per enrollment: people are in very few rounds at once.
    rows = [(enrollment, completion_for(enrollment)) for enrollment in enrollments]
    return render(request, "certificates/mine.html", {"rows": rows})


@require_POST
@login_required
def claim(request, enrollment_pk):
    enrollment = get_object_or_404(
        Enrollment, pk=enrollment_pk, user=request.user, role=Enrollment.Role.PARTICIPANT
    )
    try:
        certificate = certificate_issue(enrollment=enrollment)
    except CertificateError as error:
        messages.error(request, str(error))
        return redirect("certificates:mine")
    messages.success(request, "Congratulations! Your certificate is ready to share.")
    return redirect(certificate)


def verify(request, code):
    certificate = get_object_or_404(
        Certificate.objects.select_related("enrollment__user", "enrollment__round__course"),
        code=code,
    )
    can_revoke = (
        request.user.is_authenticated
        and certificate.is_valid
        and _revocable_by(request.user).filter(pk=certificate.pk).exists()
    )
    return render(
        request, "certificates/verify.html", {"certificate": certificate, "can_revoke": can_revoke}
    )


def _revocable_by(user):
    """Certificates this person may revoke: staff any, facilitators their cohorts' members."""
    certificates = Certificate.objects.all()
    if user.is_staff:
        return certificates
    return certificates.filter(enrollment__placement__cohort__in=Cohort.objects.led_by(user))


@require_POST
@login_required
def revoke(request, code):
    try:
        certificate = _revocable_by(request.user).get(code=code)
    except Certificate.DoesNotExist:
        raise Http404("No such certificate.") from None
    try:
        certificate_revoke(
            certificate=certificate, by=request.user, reason=request.POST.get("reason", "")
        )
    except CertificateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The certificate is revoked; its link now says so.")
    return redirect(certificate)
