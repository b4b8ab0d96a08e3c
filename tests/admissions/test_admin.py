"""Accepting or declining from the admin's enrollment list is an admissions decision too."""

import pytest
from django.urls import reverse

from apps.admissions.models import Decision
from apps.reminders.models import Reminder
from apps.rounds.models import Enrollment
from tests.factories import FacilitatorEnrollmentFactory, UserFactory

# The emails are queued once the decision is committed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_enrollment_lists_accept_and_decline_record_decisions_and_tell_each_person(
    client, world
):
    first, second, third = world.applicants
    volunteer = FacilitatorEnrollmentFactory(round=world.round, status=Enrollment.Status.APPLIED)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:rounds_enrollment_changelist")

    client.post(url, {"action": "accept", "_selected_action": [first.pk, second.pk, volunteer.pk]})
    client.post(url, {"action": "decline", "_selected_action": [first.pk, third.pk]})

    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert [statuses[e.pk] for e in (first, second, third)] == ["accepted", "accepted", "declined"]
    assert statuses[volunteer.pk] == "accepted"  # a facilitator's place: no admissions email
    assert sorted(Decision.objects.values_list("enrollment_id", "outcome")) == sorted(
        [(first.pk, "accepted"), (second.pk, "accepted"), (third.pk, "declined")]
    )
    assert sorted(Reminder.objects.values_list("user_id", "kind")) == sorted(
        [
            (first.user_id, "admission_accepted"),
            (second.user_id, "admission_accepted"),
            (third.user_id, "admission_declined"),
        ]
    )
