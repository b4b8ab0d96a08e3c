"""An issued certificate is announced at once in the app, and once by email with its link."""

import pytest
from django.urls import reverse

from apps.certificates.models import Certificate
from apps.certificates.services import certificate_issue, certificate_revoke
from apps.courses.models import Exercise
from apps.reminders.models import Preference
from tests.certificates.test_certificates import complete
from tests.factories import ExerciseFactory, PlacementFactory, UnitFactory
from tests.reminders.news import MORNING, NIGHT, NOON, at, emails_to, news, notices, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed():
    """A participant in London who has done everything their round asks."""
    enrollment = PlacementFactory(enrollment__user__time_zone="Europe/London").enrollment
    unit = UnitFactory(course=enrollment.round.course)
    essay = ExerciseFactory(unit=unit, kind=Exercise.Kind.FREE_RESPONSE)
    plan = ExerciseFactory(unit=unit, kind=Exercise.Kind.PROJECT_PLAN)
    complete(enrollment, essay, plan)
    return enrollment


def test_claiming_a_certificate_announces_it_at_once_with_its_link(
    completed, client, django_capture_on_commit_callbacks
):
    with at(NOON), django_capture_on_commit_callbacks(execute=True):
        client.force_login(completed.user)
        client.post(reverse("certificates:claim", args=[completed.pk]))

    certificate = Certificate.objects.get()
    [notice] = notices(completed.user)
    assert notice.title == f"Your certificate for {completed.round.course.title}"
    assert notice.url == certificate.get_absolute_url()
    assert send(NOON).sent == 1
    [email] = emails_to(completed.user)
    assert f"http://127.0.0.1:8000{certificate.get_absolute_url()}" in email.body


def test_claiming_twice_announces_it_once(completed, django_capture_on_commit_callbacks):
    with at(NOON), django_capture_on_commit_callbacks(execute=True):
        first = certificate_issue(enrollment=completed)
        again = certificate_issue(enrollment=completed)

    assert first == again
    assert len(news("certificate_issued")) == 1 and len(notices(completed.user)) == 1
    assert send(NOON).sent == 1 and send(MORNING).sent == 0


def test_issued_at_night_it_shows_at_once_and_emails_in_the_morning(
    completed, django_capture_on_commit_callbacks
):
    with at(NIGHT), django_capture_on_commit_callbacks(execute=True):
        certificate_issue(enrollment=completed)
    assert len(notices(completed.user)) == 1

    assert send(NIGHT).deferred == 1 and emails_to(completed.user) == []
    assert send(MORNING).sent == 1


def test_with_the_email_switched_off_the_notice_still_comes(
    completed, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=completed.user, kind="certificate_issued", email=False)
    with at(NOON), django_capture_on_commit_callbacks(execute=True):
        certificate_issue(enrollment=completed)

    assert send(NOON).skipped == 1
    assert emails_to(completed.user) == [] and len(notices(completed.user)) == 1


def test_a_certificate_revoked_before_its_email_goes_is_not_emailed(
    completed, staff, django_capture_on_commit_callbacks
):
    with at(NIGHT), django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(enrollment=completed)
    send(NIGHT)
    certificate_revoke(certificate=certificate, by=staff, reason="Issued by mistake.")

    assert send(MORNING).skipped == 1
    assert news("certificate_issued")[0].skip_reason == "the certificate was revoked"
    assert emails_to(completed.user) == []
