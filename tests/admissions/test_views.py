"""The admissions pages: who may open them, what each shows, bulk decisions and bad input."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.admissions.models import Decision, Offer, Review
from apps.admissions.services import decisions_make, place_give_up, reviewers_assign
from apps.rounds.models import Enrollment
from tests.admissions.world import applicant, build
from tests.factories import (
    PASSWORD,
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def log_in(client, user):
    client.logout()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def staff_pages(world):
    slug, pk = world.round.slug, world.applicants[0].pk
    return [
        reverse("admissions:index"),
        reverse("admissions:round", args=[slug]),
        reverse("admissions:reviews", args=[slug]),
        reverse("admissions:application", args=[slug, pk]),
    ]


def outsiders(world):
    """Everyone who must not see the round's applications."""
    other_round_lead = FacilitatorEnrollmentFactory(is_lead=True).user
    not_lead = FacilitatorEnrollmentFactory(round=world.round, is_lead=False).user
    return {
        "participant": world.applicants[1].user,
        "lead of another round": other_round_lead,
        "facilitator who is not lead": not_lead,
    }


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in [*staff_pages(world), reverse("admissions:place", args=[world.round.slug])]:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("account_login"))


def test_nobody_but_staff_and_the_rounds_leads_opens_the_review_pages(client, world):
    for who, user in outsiders(world).items():
        log_in(client, user)
        index = client.get(reverse("admissions:index"))
        if who == "lead of another round":
            assert str(world.round) not in index.content.decode()
        else:
            assert index.status_code == 404, who
        for url in [*staff_pages(world)[1:], reverse("admissions:assign", args=[world.round.slug])]:
            assert client.get(url).status_code in (404, 405), (who, url)
            assert client.post(url).status_code in (404, 405), (who, url)
    assert not Review.objects.exists()
    for user in (world.lead, world.staff):
        log_in(client, user)
        for url in staff_pages(world):
            assert client.get(url).status_code == 200, url


def test_an_applicants_page_is_their_own(client, world):
    url = reverse("admissions:place", args=[world.round.slug])
    log_in(client, world.applicants[0].user)
    assert "We have your application" in client.get(url).content.decode()
    for user in (world.staff, world.lead, UserFactory()):
        log_in(client, user)
        assert client.get(url).status_code == 404


def test_a_reviewer_sees_other_scores_only_after_giving_their_own(client, world):
    reviewers_assign(round=world.round)
    application = world.applicants[0]
    other = Review.objects.get(enrollment=application, reviewer=world.staff)
    Review.objects.filter(pk=other.pk).update(
        points=6, comment="Brilliant", submitted_at=timezone.now()
    )
    log_in(client, world.lead)
    url = reverse("admissions:application", args=[world.round.slug, application.pk])

    before = client.get(url).content.decode()
    ranked = client.get(reverse("admissions:round", args=[world.round.slug])).content.decode()
    response = client.post(
        url,
        {
            f"criterion_{world.criteria[0].pk}": world.level(0, 1).pk,
            f"criterion_{world.criteria[1].pk}": world.level(1, 0).pk,
            "comment": "Thin",
        },
        follow=True,
    )
    after = response.content.decode()

    assert "Brilliant" not in before and "6 points" not in before
    assert "You see the other reviewers" in before
    assert "Score yours first" in ranked and "6.0" not in ranked
    assert "Brilliant" in after and "Sam Staff: 6 points" in after
    assert Review.objects.get(enrollment=application, reviewer=world.lead).points == 1


def test_a_score_missing_a_criterion_is_named_and_the_chosen_levels_stay(client, world):
    reviewers_assign(round=world.round)
    log_in(client, world.lead)
    application = Review.objects.filter(reviewer=world.lead).first().enrollment
    url = reverse("admissions:application", args=[world.round.slug, application.pk])

    response = client.post(
        url, {f"criterion_{world.criteria[0].pk}": world.level(0, 2).pk, "comment": "Keep me"}
    )

    html = response.content.decode()
    assert "Choose a level for “Fit”." in html
    assert "Keep me" in html
    assert f'value="{world.level(0, 2).pk}"' in html and "checked" in html
    assert not Review.objects.filter(submitted_at__isnull=False).exists()


def test_once_an_application_is_decided_a_reviewer_who_never_scored_it_sees_the_others(
    client, world
):
    reviewers_assign(round=world.round)
    application = world.applicants[0]
    Review.objects.filter(enrollment=application, reviewer=world.staff).update(
        points=6, comment="Brilliant", submitted_at=timezone.now()
    )
    for other in world.applicants[1:]:
        Review.objects.filter(enrollment=other, reviewer=world.lead).update(
            points=3, submitted_at=timezone.now()
        )
    decisions_make(
        round=world.round, enrollment_ids=[application.pk], outcome="accepted", by=world.staff
    )
    log_in(client, world.lead)

    page = client.get(
        reverse("admissions:application", args=[world.round.slug, application.pk])
    ).content.decode()
    ranked = client.get(reverse("admissions:round", args=[world.round.slug])).content.decode()
    index = client.get(reverse("admissions:index")).content.decode()
    mine = client.get(reverse("admissions:reviews", args=[world.round.slug])).content.decode()

    assert "Sam Staff: 6 points" in page and "You see the other reviewers" not in page
    assert "Score yours first" not in ranked and "6.0" in ranked
    assert "for you to score" not in index
    assert "still to score" not in mine and "Decided before you scored it" in mine


def test_the_ranked_list_shows_mean_and_spread_and_flags_disagreement(client, world):
    reviewers_assign(round=world.round)
    first = world.applicants[0]
    Review.objects.filter(enrollment=first, reviewer=world.lead).update(
        points=6, submitted_at=timezone.now()
    )
    Review.objects.filter(enrollment=first, reviewer=world.staff).update(
        points=1, submitted_at=timezone.now()
    )
    log_in(client, UserFactory(is_staff=True))

    html = client.get(reverse("admissions:round", args=[world.round.slug])).content.decode()

    assert "3.5" in html and "Reviewers disagree" in html
    assert html.index("Applicant 1") < html.index("Applicant 2")


def test_the_lead_decides_in_bulk_from_the_ranked_list(client, world):
    log_in(client, world.lead)
    url = reverse("admissions:round", args=[world.round.slug])
    first, second, third = world.applicants

    accepted = client.post(url, {"applications": [first.pk], "outcome": "accepted"}, follow=True)
    client.post(url, {"applications": [second.pk, third.pk], "outcome": "waitlisted"})

    assert "Accepted: 1 application; each is told by email." in accepted.content.decode()
    assert dict(
        Enrollment.objects.filter(round=world.round).participants().values_list("pk", "status")
    ) == {
        first.pk: "accepted",
        second.pk: "waitlisted",
        third.pk: "waitlisted",
    }
    assert Decision.objects.get(enrollment=third).waitlist_position == 2


def test_a_decision_without_a_choice_says_what_is_missing_and_keeps_the_ticks(client, world):
    log_in(client, world.lead)
    url = reverse("admissions:round", args=[world.round.slug])
    first = world.applicants[0]

    html = client.post(url, {"applications": [first.pk]}).content.decode()
    empty = client.post(url, {"outcome": "declined"}).content.decode()

    assert "Choose a decision: accept, waiting list or decline." in html
    assert f'value="{first.pk}" id="application-{first.pk}" checked' in html
    assert "Tick at least one application to decide on." in empty
    assert not Decision.objects.exists()


def test_an_application_of_another_round_cannot_be_decided_here(client, world):
    elsewhere = EnrollmentFactory(status="applied")
    log_in(client, world.lead)

    response = client.post(
        reverse("admissions:round", args=[world.round.slug]),
        {"applications": [elsewhere.pk], "outcome": "accepted"},
    )

    assert "no longer in this round" in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.status == "applied"


def test_the_offered_person_confirms_on_their_page(client, world):
    first, second, third = world.applicants
    decisions_make(round=world.round, enrollment_ids=[first.pk], outcome="accepted", by=None)
    decisions_make(round=world.round, enrollment_ids=[second.pk], outcome="waitlisted", by=None)
    first.refresh_from_db()
    place_give_up(enrollment=first, by=first.user)
    log_in(client, second.user)
    url = reverse("admissions:place", args=[world.round.slug])

    page = client.get(url).content.decode()
    response = client.post(url, {"action": "confirm"}, follow=True)

    assert "it is yours if you confirm by" in page
    assert "Your place is confirmed" in response.content.decode()
    assert Offer.objects.get().status == "confirmed"


def test_a_stale_answer_to_an_offer_says_so_and_changes_nothing(client, world):
    log_in(client, world.applicants[0].user)

    response = client.post(
        reverse("admissions:place", args=[world.round.slug]), {"action": "confirm"}
    )

    assert response.status_code == 400
    assert "That is no longer possible" in response.content.decode()
    world.applicants[0].refresh_from_db()
    assert world.applicants[0].status == "applied"


def grow(world, n):
    for i in range(n):
        applicant(world, f"Extra {i}")
    reviewers_assign(round=world.round)
    first = world.applicants[0]
    decisions_make(round=world.round, enrollment_ids=[first.pk], outcome="waitlisted", by=None)


@pytest.mark.parametrize("extra", [0, 15], ids=["small", "large"])
@pytest.mark.parametrize(
    "page, budget",
    [
        ("admissions:index", 5),
        ("admissions:round", 8),
        ("admissions:reviews", 6),
        ("admissions:application", 13),
    ],
)
def test_pages_cost_the_same_however_many_apply(
    client, django_assert_max_num_queries, extra, page, budget
):
    world = build(applicants=2)
    grow(world, extra)
    log_in(client, world.lead)
    args = [] if page == "admissions:index" else [world.round.slug]
    if page == "admissions:application":
        args.append(world.applicants[0].pk)

    with django_assert_max_num_queries(budget):
        response = client.get(reverse(page, args=args))

    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 15], ids=["small", "large"])
def test_an_applicants_page_costs_the_same_however_many_apply(
    client, django_assert_max_num_queries, extra
):
    world = build(applicants=2)
    grow(world, extra)
    log_in(client, world.applicants[0].user)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("admissions:place", args=[world.round.slug]))

    assert "on the waiting list, at number 1" in response.content.decode()


def test_the_round_page_links_each_person_to_the_admissions_pages_they_may_open(client, world):
    links = {
        "Your application and any offer of a place": world.applicants[0].user,
        "Applications: scores and decisions": world.lead,
    }
    for text, user in links.items():
        log_in(client, user)
        html = client.get(world.round.get_absolute_url()).content.decode()
        assert text in html
    log_in(client, world.applicants[0].user)
    assert (
        "Applications: scores and decisions"
        not in client.get(world.round.get_absolute_url()).content.decode()
    )
