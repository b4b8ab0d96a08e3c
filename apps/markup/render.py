"""Turn Markdown written by people into HTML that is safe to show to others.

Everything people write (course notes, answers, comments) goes through here.
Markdown allows raw HTML, so the output is sanitised with nh3 (a binding to
the Ammonia sanitiser) against an allow-list: no script, no event handlers,
no javascript: links, whatever the input.

Answers are written by participants and shown to others, so rendering must
take time linear in the text whatever it holds, and not many times what
prose of the same length takes. The parser is pyromark, a binding to the
pulldown-cmark CommonMark parser, which is linear by design; nesting.py keeps
the sanitiser's share linear; and budget.py shows a text that holds far more
markup than writing does as plain text instead, escaped with its line
breaks, which needs neither. bench/markdown measures all of it against
plain prose.
"""

from functools import lru_cache

import nh3
import pyromark
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

from apps.markup.budget import markup_budget, markup_in, syntax_in, table_markup
from apps.markup.images import images_as_links
from apps.markup.nesting import cap_nesting

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}

# CommonMark plus tables. A parser is immutable, so every thread can share this one.
_parser = pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES)


# Course notes, instructions and prompt help are short and shown on page after page, and
# their HTML depends on nothing but their text, so short texts are kept once rendered.
# Answers are mostly longer and seldom shown twice running; a size limit keeps long or
# hostile ones from filling memory.
CACHED_UP_TO = 4_000


def render_markdown(text: str) -> SafeString:
    text = text or ""
    return _cached(text) if len(text) <= CACHED_UP_TO else _render(text)


@lru_cache(maxsize=2048)
def _cached(text: str) -> SafeString:
    return _render(text)


def _render(text: str) -> SafeString:
    # The parser reads "\r" and "\r\n" as line ends too, and budget.py looks for "\n".
    text = normalize_newlines(text)
    budget = markup_budget(text)
    if syntax_in(text) > budget or table_markup(text, limit=budget) > budget:
        return _plain(text)
    # A code block at the very end keeps its last newline only if the text has one.
    if text and not text.endswith("\n"):
        text += "\n"
    html = _parser.html(images_as_links(text, _parser))
    if markup_in(html) > budget:
        return _plain(text)
    html = cap_nesting(html, allowed=_ALLOWED_TAGS)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised just above


def _plain(text: str) -> SafeString:
    """The text as typed, every character escaped, so it needs no sanitising.

    One paragraph with line breaks: Django's linebreaks filter would make a
    paragraph of each block, but spends about 4 µs on each (150 ms on 33,000
    short ones, 70x prose); linebreaksbr is one escape and one replace.
    """
    return format_html("<p>{}</p>", linebreaksbr(text.strip()))
