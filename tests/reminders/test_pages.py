"""The notification list and the email preferences: signed-in, personal, and cheap."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from apps.reminders import registry
from apps.reminders.models import Notification, Preference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("reminders:notifications")
PREFERENCES = reverse("reminders:preferences")


def notify(user, title, *, at=None, read=False):
    notification = Notification.objects.create(
        user=user, title=title, body="", url="/courses/", read_at=at if read else None
    )
    if at:
        Notification.objects.filter(pk=notification.pk).update(created_at=at)
    return notification


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("address", [NOTIFICATIONS, PREFERENCES])
def test_anonymous_visitors_are_sent_to_log_in(client, method, address):
    response = getattr(client, method)(address)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_list_shows_only_my_notifications_newest_first_in_my_zone(client):
    me = UserFactory(time_zone="America/New_York")
    notify(me, "Older", at=datetime(2027, 3, 13, 15, 0, tzinfo=UTC), read=True)
    # The day after the clocks changed in New York: 15:00 UTC is 11:00 there, not 10:00.
    notify(me, "Newer", at=datetime(2027, 3, 15, 15, 0, tzinfo=UTC))
    notify(UserFactory(), "Someone else's")
    client.force_login(me)

    page = client.get(NOTIFICATIONS).content.decode()

    assert "Someone else" not in page
    assert page.index("Newer") < page.index("Older")
    assert "15 Mar 2027, 11:00" in page and "13 Mar 2027, 10:00" in page
    assert page.count('<span class="badge">New</span>') == 1


def test_mark_all_as_read_touches_only_my_notifications(client):
    me, other = UserFactory(), UserFactory()
    notify(me, "Mine")
    theirs = notify(other, "Theirs")
    client.force_login(me)

    client.post(NOTIFICATIONS)

    assert not me.notifications.filter(read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "Mark all as read" not in client.get(NOTIFICATIONS).content.decode()


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_has_a_fixed_query_budget(client, django_assert_max_num_queries, count):
    me = UserFactory()
    for n in range(count):
        notify(me, f"Reminder {n}")
    client.force_login(me)
    with django_assert_max_num_queries(6):
        assert client.get(NOTIFICATIONS).status_code == 200


def test_saving_preferences_changes_mine_only(client):
    me, other = UserFactory(), UserFactory()
    Preference.objects.create(user=other, kind="exercise_due", email=True)
    client.force_login(me)

    client.post(PREFERENCES, {"email-meeting_tomorrow": "on"})

    assert Preference.objects.get(user=me, kind="exercise_due").email is False
    assert Preference.objects.get(user=me, kind="meeting_tomorrow").email is True
    assert Preference.objects.get(user=other, kind="exercise_due").email is True


def test_the_preferences_page_offers_every_registered_kind_by_audience(client):
    me = UserFactory()
    client.force_login(me)

    page = client.get(PREFERENCES).content.decode()

    participant, facilitator = page.split("As a facilitator")
    for kind in registry.kinds():
        box = re.search(rf'<input type="checkbox" id="email-{kind.slug}"[^>]*>', page)[0]
        assert ("checked" in box) is not kind.is_digest  # digests are asked for
        section = facilitator if kind.audience == registry.FACILITATOR else participant
        assert kind.label in section
    assert page.index("Submissions waiting for grading") < page.index("Weekly facilitator digest")
