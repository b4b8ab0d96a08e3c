"""Stored links are shown as links only when they are web addresses or paths on this site."""

import pytest

from apps.markup.links import web_link


@pytest.mark.parametrize(
    "address",
    [
        "https://meet.example.org/abc",
        "http://example.org/reading.pdf",
        "HTTPS://EXAMPLE.ORG/",
        "/courses/demo/sessions/1/",
        "  https://meet.example.org/padded  ",
    ],
)
def test_web_addresses_and_site_paths_are_kept(address):
    assert web_link(address) == address.strip()


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example.org/phish",
        "mailto:someone@example.org",
        "meet.example.org/no-scheme",
        "",
        None,
    ],
)
def test_anything_else_becomes_no_link(address):
    assert web_link(address) == ""


@pytest.mark.django_db
def test_stored_links_that_are_not_web_addresses_are_never_links_on_the_pages(client):
    from django.urls import reverse

    from apps.courses.models import Course
    from apps.reminders.models import Notification
    from tests.factories import ResourceFactory, UserFactory

    person = UserFactory()
    Notification.objects.create(
        user=person, title="Read this", body="", url="javascript:alert(document.cookie)"
    )
    resource = ResourceFactory(url="javascript:alert(1)", unit__course__is_published=True)
    client.force_login(person)
    course: Course = resource.unit.course

    pages = [
        reverse("reminders:notifications"),
        reverse("courses:unit", args=[course.slug, resource.unit.number]),
        reverse("home"),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "javascript:" not in response.content.decode(), page
    assert "Read this" in client.get(pages[0]).content.decode()
    assert resource.title in client.get(pages[1]).content.decode()
