"""Images people write are shown as links: opening an answer fetches nothing from elsewhere."""

import pytest

from apps.markup.render import render_markdown


def test_an_image_becomes_a_link_to_the_same_address_with_its_description():
    html = render_markdown('My chart: ![sales *by* month](https://tracker.example/p.png "Q3")')

    assert "<img" not in html
    assert (
        '<a href="https://tracker.example/p.png" title="Q3" rel="noopener noreferrer nofollow">'
        "sales <em>by</em> month</a>"
    ) in html


def test_an_image_without_a_description_shows_its_address_as_the_link_text():
    html = render_markdown("![](https://tracker.example/p_1*2.png)")

    assert "<img" not in html
    assert ">https://tracker.example/p_1*2.png</a>" in html


def test_reference_images_become_links_too():
    html = render_markdown("See ![the pixel][p].\n\n[p]: https://tracker.example/p.gif\n")

    assert "<img" not in html
    assert '<a href="https://tracker.example/p.gif"' in html and ">the pixel</a>" in html


@pytest.mark.parametrize(
    "raw",
    [
        '<img src="https://tracker.example/p.gif" alt="">',
        "<IMG SRC=https://tracker.example/p.gif>",
        '<p><img srcset="https://tracker.example/p.gif 1x"></p>',
        '<picture><source srcset="https://tracker.example/p.gif"></picture>',
    ],
)
def test_an_image_written_as_html_is_not_kept(raw):
    html = render_markdown(f"Hello {raw} there")

    assert "tracker.example" not in html
    assert "Hello" in html and "there" in html


def test_image_syntax_in_code_stays_as_written():
    html = render_markdown("Write `![alt](url)` for an image.")

    assert "<code>![alt](url)</code>" in html


def test_text_around_images_in_other_scripts_is_kept_exactly():
    html = render_markdown("Zoë 李小龍 ![图](https://e.example/a.png) — fin")

    assert "Zoë 李小龍 <a" in html and ">图</a> — fin" in html
