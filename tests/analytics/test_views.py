"""Who may open a round's analytics and its CSV files, and what they show."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from apps.analytics.exports import TABLES
from tests.analytics.conftest import build_world, log_in
from tests.factories import FacilitatorEnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(world):
    return reverse("analytics:round", args=[world.round.slug])


def export(world, table):
    return reverse("analytics:csv", args=[world.round.slug, table])


def addresses(world):
    return [page(world)] + [export(world, table) for table in TABLES]


def rows_of(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_someone_signed_out_is_sent_to_sign_in(client, world):
    for address in addresses(world):
        response = client.get(address)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["participant", "facilitator", "lead_elsewhere", "outsider"])
def test_anyone_but_this_rounds_leads_and_staff_gets_404(client, world, who):
    if who == "participant":
        user = world.people["ann"].user
    elif who == "facilitator":
        user = world.facilitators[0].user  # runs a cohort of the round, does not lead it
    elif who == "lead_elsewhere":
        user = build_world(name="Autumn 2027").lead.user
    else:
        user = UserFactory()
    log_in(client, user)

    for address in addresses(world):
        assert client.get(address).status_code == 404, address


def test_a_lead_of_another_round_who_also_facilitates_here_gets_404(client, world):
    elsewhere = build_world(name="Autumn 2027").lead
    FacilitatorEnrollmentFactory(round=world.round, user=elsewhere.user, status="active")
    log_in(client, elsewhere)

    assert client.get(page(world)).status_code == 404


@pytest.mark.parametrize("who", ["lead", "staff"])
def test_the_rounds_leads_and_staff_open_the_page_and_every_file(client, world, who):
    user = world.lead.user if who == "lead" else UserFactory(is_staff=True)
    log_in(client, user)

    response = client.get(page(world))

    assert response.status_code == 200
    for table in TABLES:
        assert f'href="{export(world, table)}"' in response.content.decode()
        assert client.get(export(world, table)).status_code == 200


def test_a_lead_who_stepped_down_loses_the_page(client, world):
    world.lead.status = "left"
    world.lead.save()
    log_in(client, world.lead)

    assert client.get(page(world)).status_code == 404


def test_an_unknown_table_is_a_404(client, world):
    log_in(client, world.lead)

    assert client.get(export(world, "secrets")).status_code == 404


def test_the_page_shows_each_table(client, world):
    log_in(client, world.lead)

    html = client.get(page(world)).content.decode()

    for caption in [
        "People at each stage",
        "Attendance, readings, exercises and ratings per session",
        "Completion and ratings per resource",
        "Retention, attendance and work waiting per cohort",
        "Load and retention per facilitator",
    ]:
        assert caption in html
    assert html.count('role="img"') == 2  # the funnel's chart and the sessions'
    assert "Often skipped" in html and "Rated low" in html
    assert 'style="' not in html and "<script>" not in html


def test_the_funnel_file_says_what_the_page_says(client, world):
    log_in(client, world.lead)

    response = client.get(export(world, "funnel"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="analytics-{world.round.slug}-funnel-2027-03-17.csv"'
    )
    rows = rows_of(response)
    assert rows[0] == ["stage", "label", "people", "percent_of_applicants"]
    assert rows[1] == ["applied", "Applied", "8", "100"]
    assert ["placed", "Placed in a cohort", "5", "62"] in rows


def test_every_table_has_a_header_and_a_row_per_thing(client, world):
    log_in(client, world.lead)

    lengths = {table: len(rows_of(client.get(export(world, table)))) - 1 for table in TABLES}

    assert lengths == {
        "funnel": 9,
        "sessions": 3,
        "resources": 4,
        "cohorts": 2,
        "facilitators": 3,
        "notes": 3,
    }


def test_the_notes_file_defuses_formulas_people_wrote(client, world):
    log_in(client, world.lead)

    rows = rows_of(client.get(export(world, "notes")))

    di = rows[3]
    assert di[:6] == ["1", "Specification gaming", "Cohort B", "Di", "not worth it", "'=SUM(A1)"]
