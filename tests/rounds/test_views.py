import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.rounds.models import AvailabilitySlot, Enrollment
from apps.rounds.services import availability_set, round_schedule_units
from tests.factories import (
    PASSWORD,
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SUMMER_ROUND = date(2027, 6, 7)  # a Monday; London is on BST, UTC+1


def availability_url(round):
    return reverse("rounds:availability", args=[round.slug])


def apply_url(round):
    return reverse("rounds:apply", args=[round.slug])


def checked_cells(html: str) -> set[str]:
    return set(re.findall(r'name="cells" value="([0-9-]+)"[^>]*\bchecked\b', html))


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


# Permissions ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("rounds:list", []),
        ("rounds:detail", ["a-round"]),
        ("rounds:apply", ["a-round"]),
        ("rounds:availability", ["a-round"]),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, name, args, method):
    RoundFactory(slug="a-round")

    response = getattr(client, method)(reverse(name, args=args))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Enrollment.objects.exists()


def test_a_round_of_an_unpublished_course_is_hidden_from_participants(participant_client):
    round = RoundFactory(course__is_published=False)

    assert participant_client.get(round.get_absolute_url()).status_code == 404
    assert participant_client.get(apply_url(round)).status_code == 404
    response = participant_client.post(apply_url(round), {"motivation": "x", "experience": 0})
    assert response.status_code == 404
    assert not Enrollment.objects.exists()
    assert round.name not in participant_client.get(reverse("rounds:list")).content.decode()


def test_a_round_that_does_not_exist_is_404(participant_client):
    assert participant_client.get(reverse("rounds:detail", args=["nope"])).status_code == 404
    assert participant_client.get(reverse("rounds:apply", args=["nope"])).status_code == 404


def test_the_availability_of_a_round_you_are_not_in_is_404(participant_client):
    someone_elses = EnrollmentFactory()
    url = availability_url(someone_elses.round)

    assert participant_client.get(url).status_code == 404
    assert participant_client.post(url, {"cells": ["0-0"]}).status_code == 404
    assert not AvailabilitySlot.objects.exists()


def test_staff_cannot_edit_someone_elses_availability_here(staff_client):
    enrollment = EnrollmentFactory()
    url = availability_url(enrollment.round)

    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, {"cells": ["0-0"]}).status_code == 404
    assert not AvailabilitySlot.objects.exists()


def test_your_availability_page_shows_only_your_own_times(participant_client, participant):
    mine = EnrollmentFactory(user=participant)
    theirs = EnrollmentFactory(round=mine.round)
    availability_set(enrollment=theirs, cells={(3, 600)}, time_zone="Europe/London")

    html = participant_client.get(availability_url(mine.round)).content.decode()

    assert checked_cells(html) == set()


# Rounds list and detail ----------------------------------------------------------


def test_the_list_shows_rounds_taking_applications_and_your_own_rounds(
    participant_client, participant
):
    now = timezone.now()
    RoundFactory(name="Open round")
    RoundFactory(
        name="Future round",
        applications_open_at=now + timedelta(days=1),
        applications_close_at=now + timedelta(days=9),
    )
    closed = RoundFactory(
        name="Closed round",
        applications_open_at=now - timedelta(days=9),
        applications_close_at=now - timedelta(days=1),
    )
    EnrollmentFactory(user=participant, round=closed)

    html = participant_client.get(reverse("rounds:list")).content.decode()

    assert "Open round" in html and "Future round" not in html
    assert "Your rounds" in html and "Closed round" in html
    assert html.index("Closed round") < html.index("Open for applications")


def test_the_round_page_shows_the_schedule_in_the_viewers_zone(client):
    viewer = UserFactory(time_zone="America/New_York")
    round = RoundFactory(starts_on=date(2027, 3, 1))
    UnitFactory(course=round.course, number=1, title="Why it matters")
    UnitFactory(course=round.course, number=2, title="How to help")
    round_schedule_units(round=round)

    html = log_in(client, viewer).get(round.get_absolute_url()).content.decode()

    # Due Monday 00:00 UTC is Sunday evening in New York: 19:00, and 20:00 once
    # New York has moved to summer time on 14 March.
    assert "Session 1: Why it matters</strong> — week of 1 March 2027, due" in html
    assert "Sunday 7 March 2027, 19:00" in html
    assert "Session 2: How to help" in html and "Sunday 14 March 2027, 20:00" in html
    assert "America/New_York" in html


def test_the_round_page_shows_your_status_and_a_link_to_your_availability(
    participant_client, participant
):
    enrollment = EnrollmentFactory(user=participant, status=Enrollment.Status.APPLIED)

    html = participant_client.get(enrollment.round.get_absolute_url()).content.decode()

    assert "Applied" in html and "We have your application" in html
    assert "Give your availability" in html
    assert availability_url(enrollment.round) in html


def test_the_round_page_invites_people_who_have_not_applied(participant_client):
    round = RoundFactory()

    html = participant_client.get(round.get_absolute_url()).content.decode()

    assert "Apply to this round" in html and apply_url(round) in html


# Applying -------------------------------------------------------------------------


def test_applying_creates_an_application_and_leads_to_the_availability_page(
    participant_client, participant
):
    round = RoundFactory()

    response = participant_client.post(
        apply_url(round), {"motivation": "I care about this.", "experience": "2"}, follow=True
    )

    enrollment = Enrollment.objects.get(round=round, user=participant)
    assert (enrollment.status, enrollment.role) == ("applied", "participant")
    assert enrollment.experience == 2
    assert response.redirect_chain[-1][0] == availability_url(round)
    assert "Your application is in" in response.content.decode()


def test_an_application_needs_a_motivation(participant_client):
    round = RoundFactory()

    response = participant_client.post(apply_url(round), {"motivation": " "})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Say why you want to take part." in page
    assert "Choose how much you know about the field already." in page
    assert not Enrollment.objects.exists()


def test_a_closed_round_says_so_and_offers_no_form(participant_client):
    now = timezone.now()
    round = RoundFactory(
        applications_open_at=now - timedelta(days=9), applications_close_at=now - timedelta(1)
    )

    html = participant_client.get(apply_url(round)).content.decode()

    assert "Applications for this round have closed" in html
    assert "Send application" not in html


def test_applying_to_a_closed_round_is_refused_with_a_message(participant_client):
    now = timezone.now()
    round = RoundFactory(
        applications_open_at=now - timedelta(days=9), applications_close_at=now - timedelta(1)
    )

    response = participant_client.post(apply_url(round), {"motivation": "x", "experience": "0"})

    assert response.status_code == 200
    assert "Applications for this round have closed" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_a_round_not_yet_open_says_when_it_opens(client):
    viewer = UserFactory(time_zone="Asia/Tokyo")
    opens = timezone.now() + timedelta(days=2)
    round = RoundFactory(applications_open_at=opens, applications_close_at=opens + timedelta(9))

    html = log_in(client, viewer).get(apply_url(round)).content.decode()

    local = timezone.localtime(opens, timezone=ZoneInfo("Asia/Tokyo"))
    assert f"open on {local.day} {local:%B %Y, %H:%M} (Asia/Tokyo time)" in html
    assert "Send application" not in html


def test_applying_again_while_open_changes_the_one_application(participant_client, participant):
    round = RoundFactory()
    EnrollmentFactory(round=round, user=participant, status=Enrollment.Status.APPLIED)

    response = participant_client.post(
        apply_url(round), {"motivation": "Again", "experience": "0"}, follow=True
    )

    assert Enrollment.objects.get(user=participant).motivation == "Again"
    assert response.redirect_chain[-1][0] == round.get_absolute_url()
    assert "Your changes to your application are saved" in response.content.decode()


def test_applying_after_a_decision_keeps_the_application_and_says_so(
    participant_client, participant
):
    round = RoundFactory()
    EnrollmentFactory(
        round=round, user=participant, status=Enrollment.Status.ACCEPTED, motivation="First"
    )

    response = participant_client.post(
        apply_url(round), {"motivation": "Again", "experience": "0"}, follow=True
    )

    assert Enrollment.objects.get(user=participant).motivation == "First"
    assert response.redirect_chain[-1][0] == availability_url(round)
    assert "You have already applied to this round" in response.content.decode()


# Availability ----------------------------------------------------------------------


def test_the_availability_page_is_a_labelled_grid_of_checkboxes_in_your_zone(
    participant_client, participant
):
    enrollment = EnrollmentFactory(user=participant)

    html = participant_client.get(availability_url(enrollment.round)).content.decode()

    assert html.count('type="checkbox" name="cells"') == 7 * 48
    assert 'aria-label="Monday 18:00–18:30"' in html
    assert 'aria-label="Sunday 23:30–00:00"' in html
    assert (
        '<th scope="col"><span class="day-long">Wednesday</span>' in html
        and '<th scope="row">07:30</th>' in html
    )
    assert "Europe/London" in html and reverse("accounts:profile") in html
    assert "Save availability" in html
    assert "You have not given your availability yet" in html


def test_saving_availability_stores_it_and_shows_it_back(participant_client, participant):
    enrollment = EnrollmentFactory(user=participant, round__starts_on=SUMMER_ROUND)
    url = availability_url(enrollment.round)

    response = participant_client.post(url, {"cells": ["0-1080", "0-1110", "4-600"]}, follow=True)

    assert response.redirect_chain[-1][0] == url
    html = response.content.decode()
    assert "Your availability is saved" in html
    assert checked_cells(html) == {"0-1080", "0-1110", "4-600"}
    assert "1.5 hours a week selected" in html


def test_a_london_evening_in_a_summer_round_is_stored_an_hour_earlier_in_utc(
    participant_client, participant
):
    enrollment = EnrollmentFactory(user=participant, round__starts_on=SUMMER_ROUND)
    url = availability_url(enrollment.round)

    participant_client.post(url, {"cells": ["0-1080"]})

    assert list(enrollment.availability.values_list("start", "end")) == [(17 * 60, 17 * 60 + 30)]
    assert checked_cells(participant_client.get(url).content.decode()) == {"0-1080"}


def test_availability_entered_in_winter_for_a_summer_round_keeps_its_local_time(
    client, participant
):
    enrollment = EnrollmentFactory(user=participant, round__starts_on=SUMMER_ROUND)
    url = availability_url(enrollment.round)

    # London is on GMT when the person enters it, on BST when the round runs.
    with time_machine.travel("2027-01-11 12:00Z"):
        log_in(client, participant).post(url, {"cells": ["0-1080"]})

    assert list(enrollment.availability.values_list("start", "end")) == [(1020, 1050)]
    assert checked_cells(client.get(url).content.decode()) == {"0-1080"}


def test_someone_who_moves_zone_sees_their_times_converted(participant_client, participant):
    enrollment = EnrollmentFactory(user=participant, round__starts_on=SUMMER_ROUND)
    url = availability_url(enrollment.round)
    participant_client.post(url, {"cells": ["0-1080", "0-1110"]})

    participant.time_zone = "America/New_York"
    participant.save()
    html = participant_client.get(url).content.decode()

    # Monday 17:00 UTC is Monday 13:00 in New York in June.
    assert checked_cells(html) == {"0-780", "0-810"}
    assert "while your zone was Europe/London" in html and "America/New_York" in html


def test_saving_no_times_is_allowed_with_a_warning(participant_client, participant):
    enrollment = EnrollmentFactory(user=participant)
    availability_set(enrollment=enrollment, cells={(0, 0)}, time_zone="Europe/London")

    response = participant_client.post(
        availability_url(enrollment.round), {"csrfmiddlewaretoken": "x"}, follow=True
    )

    assert not enrollment.availability.exists()
    html = response.content.decode()
    assert "we cannot place you in a cohort" in html


def test_saving_every_time_is_allowed(participant_client, participant):
    enrollment = EnrollmentFactory(user=participant)
    every = [f"{day}-{minute}" for day in range(7) for minute in range(0, 1440, 30)]

    participant_client.post(availability_url(enrollment.round), {"cells": every})

    assert list(enrollment.availability.values_list("start", "end")) == [(0, 7 * 24 * 60)]


def test_a_tampered_grid_is_refused_and_keeps_what_was_ticked(participant_client, participant):
    enrollment = EnrollmentFactory(user=participant)
    availability_set(enrollment=enrollment, cells={(2, 600)}, time_zone="Europe/London")
    url = availability_url(enrollment.round)

    response = participant_client.post(url, {"cells": ["0-1080", "9-1080", "0-1085"]})

    assert response.status_code == 200
    html = response.content.decode()
    assert "not saved yet" in html and "9-1080" in html
    assert checked_cells(html) == {"0-1080"}
    assert list(enrollment.availability.values_list("start", "end")) == [(3480, 3510)]


def test_facilitators_also_say_how_many_cohorts_they_can_run(client):
    enrollment = FacilitatorEnrollmentFactory(max_cohorts=1)
    log_in(client, enrollment.user)
    url = availability_url(enrollment.round)
    assert "How many cohorts can you run?" in client.get(url).content.decode()

    client.post(url, {"cells": ["1-1140"], "max_cohorts": "3"})

    enrollment.refresh_from_db()
    assert enrollment.max_cohorts == 3
    assert enrollment.availability.exists()


def test_a_facilitator_cannot_offer_more_than_five_cohorts(client):
    enrollment = FacilitatorEnrollmentFactory(max_cohorts=1)
    url = availability_url(enrollment.round)

    response = log_in(client, enrollment.user).post(url, {"cells": ["1-1140"], "max_cohorts": "9"})

    assert response.status_code == 200
    assert checked_cells(response.content.decode()) == {"1-1140"}
    enrollment.refresh_from_db()
    assert enrollment.max_cohorts == 1 and not enrollment.availability.exists()


def test_a_facilitator_keeps_a_larger_number_an_admin_agreed(client):
    enrollment = FacilitatorEnrollmentFactory(max_cohorts=8)
    url = availability_url(enrollment.round)
    log_in(client, enrollment.user)
    assert '<option value="8" selected>8</option>' in client.get(url).content.decode()

    client.post(url, {"cells": ["1-1140"], "max_cohorts": "8"})

    enrollment.refresh_from_db()
    assert enrollment.max_cohorts == 8 and enrollment.availability.exists()


def test_participants_are_not_asked_about_cohorts(participant_client, participant):
    enrollment = EnrollmentFactory(user=participant)

    html = participant_client.get(availability_url(enrollment.round)).content.decode()

    assert "How many cohorts" not in html


def test_a_declined_applicant_sees_their_times_but_cannot_change_them(
    participant_client, participant
):
    enrollment = EnrollmentFactory(user=participant, status=Enrollment.Status.DECLINED)
    url = availability_url(enrollment.round)

    html = participant_client.get(url).content.decode()
    assert "can no longer be changed" in html and "Save availability" not in html

    response = participant_client.post(url, {"cells": ["0-0"]})
    assert response.status_code == 200
    assert not enrollment.availability.exists()


# Query budgets ----------------------------------------------------------------------

# Session and user (2), the round (1), its schedule (1), the viewer's enrollment (1),
# the navigation (2).
ROUND_PAGE_QUERIES = 7
# Session and user (2), the navigation (2), the enrollment with its round (1), its
# availability (1).
AVAILABILITY_PAGE_QUERIES = 6


def _grow_round(round, *, people: int, units: int):
    for number in range(1, units + 1):
        UnitFactory(course=round.course, number=number)
    round_schedule_units(round=round)
    for enrollment in EnrollmentFactory.create_batch(people, round=round):
        availability_set(enrollment=enrollment, cells={(0, 600)}, time_zone="UTC")


@pytest.mark.parametrize("people, units", [(5, 2), (200, 12)])
def test_the_round_page_query_count_does_not_grow_with_the_round(
    participant_client, participant, django_assert_max_num_queries, people, units
):
    round = RoundFactory()
    _grow_round(round, people=people, units=units)
    mine = EnrollmentFactory(round=round, user=participant)
    availability_set(enrollment=mine, cells={(0, 600), (1, 600)}, time_zone="UTC")

    with django_assert_max_num_queries(ROUND_PAGE_QUERIES):
        response = participant_client.get(round.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count("— week of") == units
    assert "You can meet 1 hour a week" in response.content.decode()


@pytest.mark.parametrize("people, units", [(5, 2), (200, 12)])
def test_the_availability_page_query_count_does_not_grow_with_the_round(
    participant_client, participant, django_assert_max_num_queries, people, units
):
    round = RoundFactory()
    _grow_round(round, people=people, units=units)
    mine = EnrollmentFactory(round=round, user=participant)
    availability_set(
        enrollment=mine, cells={(day, 600) for day in range(7)}, time_zone="Europe/London"
    )

    with django_assert_max_num_queries(AVAILABILITY_PAGE_QUERIES):
        response = participant_client.get(availability_url(round))

    assert response.status_code == 200
    assert len(checked_cells(response.content.decode())) == 7


@pytest.mark.parametrize("people", [5, 200])
def test_the_rounds_list_query_count_does_not_grow(
    participant_client, participant, django_assert_max_num_queries, people
):
    for _ in range(people // 5):
        RoundFactory()
    for enrollment in EnrollmentFactory.create_batch(people // 5, user=participant):
        availability_set(enrollment=enrollment, cells={(0, 600)}, time_zone="UTC")

    with django_assert_max_num_queries(6):
        response = participant_client.get(reverse("rounds:list"))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "role, organises, wishes",
    [("participant", False, False), ("facilitator", False, True), ("lead", True, True)],
)
def test_the_round_page_links_what_each_role_does_in_the_round(client, role, organises, wishes):
    round = RoundFactory()
    if role == "participant":
        enrollment = EnrollmentFactory(round=round, status=Enrollment.Status.ACCEPTED)
    else:
        enrollment = FacilitatorEnrollmentFactory(round=round, is_lead=role == "lead")
    log_in(client, enrollment.user)

    html = client.get(round.get_absolute_url()).content.decode()

    assert (f'href="{reverse("grouping:round", args=[round.slug])}"' in html) == organises
    assert (f'href="{reverse("feedback:round", args=[round.slug])}"' in html) == organises
    assert (f'href="{reverse("grouping:preferences", args=[round.slug])}"' in html) == wishes
