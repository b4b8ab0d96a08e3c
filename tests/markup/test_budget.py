"""Text holding far more markup than writing does is shown as typed; writing renders as Markdown."""

from html import unescape

import pytest

from apps.markup.render import render_markdown
from apps.submissions.models import MAX_ANSWER_CHARACTERS
from bench.markdown.compare import realistic_texts
from bench.markdown.inputs import HOSTILE, repeat
from tests.markup.test_render import assert_harmless, elements


def as_typed(html: str) -> str:
    """The text a reader sees in plain-text HTML: paragraph dropped, line breaks as newlines."""
    assert html.startswith("<p>") and html.endswith("</p>")
    return unescape(html.removeprefix("<p>").removesuffix("</p>").replace("<br>", "\n"))


def test_an_answer_made_of_markup_shows_as_its_text_escaped_with_nothing_lost():
    text = "Before\n" + "> " * 3000 + "<script>alert(1)</script> & <b>bold</b>\nafter"

    html = render_markdown(text)

    assert as_typed(html) == text
    assert "<script" not in html
    assert "<blockquote>" not in html
    assert [tag for tag, _ in elements(html)] == ["p", "br", "br"]


def test_a_table_padded_to_thousands_of_columns_shows_as_its_text():
    text = "|a" * 1000 + "|\n" + "|-" * 1000 + "|\n" + "x\n" * 1000

    html = render_markdown(text)

    assert "<td>" not in html
    assert as_typed(html) == text.strip()


def test_a_table_with_carriage_returns_for_line_ends_is_sized_like_any_other():
    text = "|a" * 1000 + "|\r" + "|-" * 1000 + "|\r" + "x\r" * 1000

    assert "<td>" not in render_markdown(text)


@pytest.mark.parametrize("shape", [">", "<", "&#", "[a](", "**_", "wide table", "- > nesting"])
def test_hostile_input_at_the_size_limit_shows_as_all_of_its_text(shape):
    text = HOSTILE[shape](MAX_ANSWER_CHARACTERS)

    assert as_typed(render_markdown(text)) == text.strip()


def test_a_short_answer_dense_with_markup_still_renders_as_markdown():
    table = "| Option | Fit |\n|:--|:-:|\n| PhD | 3 |\n| Policy | 2 |\n"
    text = table + "\n> **Note:** `fit` is *my* guess."

    html = render_markdown(text)

    assert "<table>" in html
    assert "<blockquote>" in html
    assert "<code>fit</code>" in html


def test_the_demo_course_and_answers_at_the_size_limit_still_render_as_markdown():
    writing = "\n\n".join(text for _, text in realistic_texts())
    text = repeat(writing + "\n\n", MAX_ANSWER_CHARACTERS)

    html = render_markdown(text)

    tags = {tag for tag, _ in elements(html)}
    assert {"table", "blockquote", "ul", "ol", "h2", "a", "pre", "strong", "em"} <= tags
    assert_harmless(html)
