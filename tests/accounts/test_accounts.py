import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from apps.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, email="new@example.com", **extra):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "display_name": "New Person",
            "time_zone": "Asia/Tokyo",
            **extra,
        },
    )


def test_signing_up_records_name_and_time_zone_and_sends_a_verification_link(client):
    response = sign_up(client)

    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert (user.display_name, user.time_zone) == ("New Person", "Asia/Tokyo")
    assert len(mail.outbox) == 1
    assert re.search(r"http://testserver/accounts/confirm-email/\S+/", mail.outbox[0].body)


def test_an_unverified_person_cannot_log_in_until_they_follow_the_link(client):
    sign_up(client)
    client.logout()

    response = client.post(
        reverse("account_login"),
        {"login": "new@example.com", "password": "a long enough passphrase"},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]
    assert client.get(link).status_code == 200  # a page with a button, not a GET side effect
    client.post(link)
    assert EmailAddress.objects.get(email="new@example.com").verified
    assert client.get(reverse("courses:list")).status_code == 200


def test_an_unknown_time_zone_is_refused_at_sign_up(client):
    response = sign_up(client, time_zone="Mars/Olympus_Mons")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not User.objects.exists()


def test_signing_up_with_a_taken_address_creates_nothing_and_tells_the_owner(client):
    UserFactory(email="new@example.com")

    sign_up(client, email="NEW@example.com")

    # allauth does not reveal on the page that the address is taken; it tells
    # the address's owner by email instead.
    assert User.objects.count() == 1
    assert mail.outbox[-1].to == ["new@example.com"]
    assert "already" in mail.outbox[-1].body


def test_repeated_failed_logins_are_rate_limited(client, participant):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": participant.email, "password": "wrong"})

    response = client.post(
        reverse("account_login"), {"login": participant.email, "password": PASSWORD}
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()


def test_the_profile_page_changes_name_and_time_zone(participant_client, participant):
    response = participant_client.post(
        reverse("accounts:profile"),
        {"display_name": "Pat", "time_zone": "America/Sao_Paulo"},
        follow=True,
    )

    participant.refresh_from_db()
    assert (participant.display_name, participant.time_zone) == ("Pat", "America/Sao_Paulo")
    assert "Your profile is saved." in response.content.decode()


def test_the_profile_page_refuses_an_unknown_time_zone_and_keeps_the_old_one(
    participant_client, participant
):
    response = participant_client.post(
        reverse("accounts:profile"), {"display_name": "Pat", "time_zone": "+02:00"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    participant.refresh_from_db()
    assert participant.time_zone == "Europe/London"


def test_fixed_offsets_and_legacy_aliases_are_not_offered(participant_client):
    html = participant_client.get(reverse("accounts:profile")).content.decode()
    assert 'value="Europe/London"' in html
    assert 'value="Etc/GMT+5"' not in html and 'value="US/Eastern"' not in html


@pytest.mark.parametrize(
    "instant, london, new_york",
    [
        ("2026-01-15 12:00Z", "12:00", "07:00"),  # both on standard time
        ("2026-03-20 12:00Z", "12:00", "08:00"),  # New York has changed, London not yet
        ("2026-07-15 12:00Z", "13:00", "08:00"),  # both on summer time
    ],
)
def test_each_person_sees_the_time_in_their_own_zone_across_dst(client, instant, london, new_york):
    for zone, expected in (("Europe/London", london), ("America/New_York", new_york)):
        user = UserFactory(time_zone=zone)
        client.login(email=user.email, password=PASSWORD)
        with time_machine.travel(instant, tick=False):
            html = client.get(reverse("accounts:profile")).content.decode()
        assert f"It is now {expected} in your zone" in html


def test_a_forgotten_password_can_be_reset_through_the_emailed_link(client, participant):
    client.post(reverse("account_reset_password"), {"email": participant.email})
    body = mail.outbox[-1].body
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", body)[1]

    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase"},
    )

    assert client.login(email=participant.email, password="a brand new passphrase")


def test_a_person_can_add_and_verify_a_new_email_address(participant_client, participant):
    participant_client.post(
        reverse("account_email"), {"action_add": "", "email": "pat.new@example.com"}
    )

    assert mail.outbox[-1].to == ["pat.new@example.com"]
    assert EmailAddress.objects.filter(
        user=participant, email="pat.new@example.com", verified=False
    ).exists()
