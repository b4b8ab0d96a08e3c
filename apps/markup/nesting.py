"""Keep the HTML handed to the sanitiser shallow, so that sanitising takes linear time.

nh3 parses HTML with html5ever, which builds the tree the way the HTML
standard says. Many of its steps walk the stack of open elements: a <div>,
<ul> or <blockquote> first looks for an open <p> to close, an end tag looks
for its element. In a document nested n deep each of those walks takes n
steps, so n nested elements followed by n such tags cost n² steps. Measured
(bench/markdown, nh3.clean alone): ">" * 100_000 renders as 100,000 nested
blockquotes and took 48 s to sanitise; "<div>x" * 20_000 took 1.6 s and
"<span>" * 10_000 + "</p>" * 10_000 took 0.4 s. After this pass the worst
100,000-character input spends under 40 ms in nh3.

The pass rewrites the HTML in one scan, so that the sanitiser reads exactly
the tags it counted and never more than MAX_DEPTH of them open at once:

- a tag outside the allow-list is dropped and its text kept, as the
  sanitiser itself would do; script and style go with their content, and
  comments go too. Dropping them first also means nothing can switch the
  HTML tokenizer into raw text or SVG behind this pass's back;
- an allowed start tag that would open deeper than MAX_DEPTH is dropped
  and its text kept. Real writing nests a dozen deep at most;
- a tag with more than MAX_ATTRIBUTES attributes is not taken as a tag:
  html5ever compares each attribute's name with every earlier one in its
  tag, so one tag with 20,000 differently named attributes took 320 ms
  (170x plain prose of the same length), and each one costs this pass and
  nh3 about a third of what a tag does. The allow-list keeps three at most;
- every other "<" is written as "&lt;", so it reads as text.

The count may run high (an unclosed element stays counted until its own end
tag comes) but never low: an end tag only closes the innermost element
counted, and then the parser closes that element too.
"""

import re

MAX_DEPTH = 32
MAX_ATTRIBUTES = 8

_VOID = {"br", "hr", "img"}
# Elements that a new one of the same kind closes when it is the innermost open element.
_CLOSED_BY_SIBLING = {"p", "li", "dd", "dt"}

_SPACE = r"[ \t\n\r\f]"
# A tag is only kept when it has the strict shape of CommonMark's HTML tags,
# which the HTML tokenizer reads as the same single tag.
_ATTRIBUTE = (
    rf"(?>{_SPACE}+[a-zA-Z_:][a-zA-Z0-9_.:-]*"
    rf"(?:{_SPACE}*={_SPACE}*(?:[^ \t\n\r\f\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)"
)
_TOKEN = re.compile(
    rf"""<(?:
      (?P<comment> !--(?:-?>|.*?(?:-->|--!>|\Z)) )
    | (?P<content> (?P<content_name>script|style)(?=[ \t\n\r\f/>]).*?
        (?:</(?P=content_name)(?=[ \t\n\r\f/>])[^>]*>?|\Z) )
    | (?P<start> (?P<start_name>[a-zA-Z][a-zA-Z0-9-]*)
        {_ATTRIBUTE}{{0,{MAX_ATTRIBUTES}}}+{_SPACE}*/?> )
    | (?P<end> /(?P<end_name>[a-zA-Z][a-zA-Z0-9-]*){_SPACE}*> )
    | (?P<text>)
    )""",
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)


def cap_nesting(html: str, *, allowed: set[str]) -> str:
    """Drop what the sanitiser would drop anyway, and every tag nested past MAX_DEPTH."""
    open_names: list[str] = []

    def rewrite(match: re.Match) -> str:
        kind = match.lastgroup
        if kind == "start":
            name = match["start_name"].lower()
            if name not in allowed:
                return ""
            if name in _VOID:
                return match[0]
            if name in _CLOSED_BY_SIBLING and open_names and open_names[-1] == name:
                open_names.pop()
            if len(open_names) >= MAX_DEPTH:
                return ""
            open_names.append(name)
            return match[0]
        if kind == "end":
            name = match["end_name"].lower()
            if name not in allowed:
                return ""
            if open_names and open_names[-1] == name:
                open_names.pop()
            return match[0]
        if kind == "text":
            return "&lt;"
        return ""  # a comment, or a script or style element with its content

    return _TOKEN.sub(rewrite, html)
