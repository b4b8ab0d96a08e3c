"""Grouping in the admin: the priority filter, and each run linking to its grouping page."""

import pytest
from django.urls import reverse

from apps.grouping.models import GroupingPreference, GroupingRun
from tests.factories import EnrollmentFactory, RoundFactory, UserFactory

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


def test_a_grouping_run_links_to_its_rounds_grouping_page_with_the_name_escaped(client):
    round_ = RoundFactory(name='Spring <b>"bold"</b> round')
    run = GroupingRun.objects.create(round=round_)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:grouping_groupingrun_change", args=[run.pk])).content.decode()

    link = reverse("grouping:round", args=[round_.slug])
    assert (
        f'<a href="{link}">Open the cohorts of Spring &lt;b&gt;&quot;bold&quot;&lt;/b&gt; round</a>'
        in page
    )
