"""A facilitator's own limit on cohorts at once, across rounds, set on their profile."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, FacilitatorEnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def profile(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def test_a_facilitator_sets_their_limit_and_can_clear_it(client):
    user = FacilitatorEnrollmentFactory().user
    url = reverse("accounts:profile")
    data = {"display_name": user.display_name, "time_zone": user.time_zone}

    assert "Most cohorts at once" in profile(client, user).get(url).content.decode()
    client.post(url, {**data, "cohort_limit": "2"})
    user.refresh_from_db()
    assert user.cohort_limit == 2
    client.post(url, {**data, "cohort_limit": ""})
    user.refresh_from_db()
    assert user.cohort_limit is None


def test_the_limit_is_between_one_and_ten(client):
    user = FacilitatorEnrollmentFactory().user
    response = profile(client, user).post(
        reverse("accounts:profile"),
        {"display_name": "", "time_zone": "UTC", "cohort_limit": "0"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.cohort_limit is None


def test_participants_are_not_asked(client):
    html = profile(client, UserFactory()).get(reverse("accounts:profile")).content.decode()
    assert "Most cohorts at once" not in html


def test_an_admin_changes_the_limit_in_the_admin(client):
    user = UserFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    html = (
        profile(client, admin)
        .get(reverse("admin:accounts_user_change", args=[user.pk]))
        .content.decode()
    )
    assert 'name="cohort_limit"' in html


def test_a_facilitator_is_asked_with_the_hint_read_alongside(client):
    html = (
        profile(client, FacilitatorEnrollmentFactory().user)
        .get(reverse("accounts:profile"))
        .content.decode()
    )
    assert 'aria-describedby="cohort-limit-hint"' in html
    assert 'id="cohort-limit-hint"' in html


def test_someone_who_left_their_facilitator_place_is_not_asked(client):
    user = FacilitatorEnrollmentFactory(status="left").user
    html = profile(client, user).get(reverse("accounts:profile")).content.decode()
    assert "Most cohorts at once" not in html
