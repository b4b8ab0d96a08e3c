"""Grouping details in the admin: filtering people by their priority label."""

import pytest
from django.urls import reverse

from apps.grouping.models import GroupingPreference
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_priority_filter_offers_each_label_and_no_priority(client):
    names = {"returning": "Rita Returning", "scholarship": "Sol Scholar", "": "Nora Nolabel"}
    for label, name in names.items():
        enrollment = EnrollmentFactory(user__display_name=name)
        GroupingPreference.objects.create(enrollment=enrollment, priority=label)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:grouping_groupingpreference_changelist")

    page = client.get(url).content.decode()
    assert ">No priority</a>" in page and ">returning</a>" in page and ">scholarship</a>" in page

    unlabelled = client.get(url, {"priority": "-"}).content.decode()
    assert "Nora Nolabel" in unlabelled and "Rita Returning" not in unlabelled
    returning = client.get(url, {"priority": "returning"}).content.decode()
    assert "Rita Returning" in returning and "Nora Nolabel" not in returning
