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
