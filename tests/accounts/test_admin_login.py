"""The Django admin signs people in through the site's own sign-in page, so
staff accounts get the same failed-login limits as everyone else."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts"


def admin_sign_in_page(client, next_url="/admin/"):
    """Open an admin page signed out and follow where the admin sends you."""
    response = client.get(next_url, follow=True)
    return response.redirect_chain[-1][0]


def sign_in(client, page, email, password, address="127.0.0.1"):
    return client.post(page, {"login": email, "password": password}, REMOTE_ADDR=address)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_admin_login_page_hands_over_to_the_site_sign_in_keeping_next(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/courses/course/"})

    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2Fcourses%2Fcourse%2F"


def test_a_password_posted_to_the_admin_login_page_signs_nobody_in(client, staff):
    # The reported attack: many guesses at /admin/login/, then the right one.
    for _ in range(33):
        client.post(reverse("admin:login"), {"username": staff.email, "password": "wrong"})
    client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})

    assert signed_in_as(client) is None


def test_staff_signing_in_from_the_admin_land_on_the_admin_index(client, staff):
    page = admin_sign_in_page(client)

    response = sign_in(client, page, staff.email, PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert client.get(response.url).status_code == 200


def test_wrong_passwords_for_a_staff_account_are_limited_until_the_window_passes(client, staff):
    page = admin_sign_in_page(client)
    for _ in range(5):
        sign_in(client, page, staff.email, "wrong")

    refused = sign_in(client, page, staff.email, PASSWORD)
    assert TOO_MANY in refused.content.decode()
    assert signed_in_as(client) is None

    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        accepted = sign_in(client, page, staff.email, PASSWORD)
    assert accepted.url == reverse("admin:index")
    assert signed_in_as(client) == str(staff.pk)


def test_the_account_limit_holds_whichever_address_the_guesses_come_from(client, staff):
    page = admin_sign_in_page(client)
    for number in range(5):
        sign_in(client, page, staff.email, "wrong", address=f"10.0.0.{number}")

    refused = sign_in(client, page, staff.email, PASSWORD, address="10.0.1.1")

    assert TOO_MANY in refused.content.decode()
    assert signed_in_as(client) is None


def test_wrong_passwords_from_one_address_across_accounts_are_limited(client, staff):
    page = admin_sign_in_page(client)
    for person in UserFactory.create_batch(10):
        sign_in(client, page, person.email, "wrong", address="10.0.0.1")

    refused = sign_in(client, page, staff.email, PASSWORD, address="10.0.0.1")
    assert TOO_MANY in refused.content.decode()
    assert signed_in_as(client) is None

    elsewhere = sign_in(client, page, staff.email, PASSWORD, address="10.0.0.2")
    assert elsewhere.url == reverse("admin:index")


def test_the_address_limit_lifts_after_a_minute(client, staff):
    page = admin_sign_in_page(client)
    for person in UserFactory.create_batch(10):
        sign_in(client, page, person.email, "wrong")

    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=1)):
        accepted = sign_in(client, page, staff.email, PASSWORD)

    assert accepted.url == reverse("admin:index")


def test_a_superuser_made_at_the_command_line_confirms_their_address_first(client):
    # createsuperuser records no verified address, and verification is
    # mandatory outside demo mode, so the first sign-in sends a link instead.
    root = User.objects.create_superuser(email="root@example.com", password=PASSWORD)
    page = admin_sign_in_page(client)

    sign_in(client, page, root.email, PASSWORD)
    assert signed_in_as(client) is None
    assert mail.outbox[-1].to == [root.email]

    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]
    client.post(link)
    client.logout()
    assert sign_in(client, page, root.email, PASSWORD).url == reverse("admin:index")


def test_a_signed_in_participant_opening_the_admin_is_refused_without_a_loop(
    participant_client,
):
    response = participant_client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def test_signed_in_staff_are_sent_on_to_the_page_they_asked_for(staff_client):
    wanted = reverse("admin:courses_course_changelist")

    response = staff_client.get(reverse("admin:login"), {"next": wanted})

    assert response.url == wanted


def test_signed_in_staff_are_not_sent_to_another_site(staff_client):
    response = staff_client.get(reverse("admin:login"), {"next": "https://evil.example/"})

    assert response.url == reverse("admin:index")


def test_a_signed_in_session_cannot_try_other_passwords_at_the_admin_login(staff_client, staff):
    other = UserFactory(is_staff=True, is_superuser=True)

    staff_client.post(reverse("admin:login"), {"username": other.email, "password": PASSWORD})

    assert signed_in_as(staff_client) == str(staff.pk)


def test_the_admin_logout_signs_staff_out(staff_client):
    response = staff_client.post(reverse("admin:logout"))

    assert response.status_code == 200
    assert signed_in_as(staff_client) is None
    assert staff_client.get(reverse("admin:index")).status_code == 302
