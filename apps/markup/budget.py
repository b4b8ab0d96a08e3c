"""How much markup a text may hold before it is shown as plain text instead.

Prose is cheap to render and markup is not. For 100,000 characters of prose
the parser takes 0.05 ms and the whole rendering about 2 ms; but nh3 spends
as long on one tag as on a few dozen characters of text, nesting.py about as
long again, and the parser over a hundred times as long on a ">" or a "["
as on a letter. So a text made mostly of markup costs many times what prose
of the same length does, however linear each step: 100,000 characters of
">" take the parser 11-17 ms and make 2.7 MB of nested blockquotes, and a
table whose header has thousands of columns is padded to that width on
every row.

So every text gets a budget of one unit per CHARACTERS_PER_UNIT characters,
plus ALLOWANCE so that short texts are never held to it, and three counts
must stay within it:

- before parsing, the characters that open or close quotes, tags, links,
  emphasis and code (syntax_in), since those are what the parser is slow on;
- before parsing, the tags its tables could make (table_markup), since the
  parser writes every padded cell (up to 262,144 a table) and takes about
  0.5 µs a row, where prose costs it about 1 ns a character;
- after parsing, the tags, character references and link addresses in the
  HTML (markup_in), which is what nesting.py and nh3 spend their time on.

A text over budget is shown as it was typed: escaped, with its line breaks,
nothing lost and none of it read as markup. No writing we have comes near.
Measured on the parser's HTML, the demo course holds 0.015 units of markup
per character and 0.002 syntax characters, so it could be any length; the
answers in bench/markdown/answers, written to use every kind of Markdown,
hold 0.073 and 0.02, so an answer that dense renders as Markdown up to about
25,000 characters, and past that only if it is mostly prose. No single text
of either spends more than 5% of its budget.

bench/markdown measures the other side, at 100,000 characters against prose
of the same length: texts built to spend their whole budget on the dearest
constructs (quotes, links, images, attributes, aligned tables, code) render
within 3x to 8x, the spread being how busy the machine's shared cache is,
and every other hostile shape within 4x.
"""

import re

CHARACTERS_PER_UNIT = 30
ALLOWANCE = 1_000

# A delimiter row: after any quote markers and indentation, only pipes,
# dashes, colons and blanks, with at least one pipe and one dash. The
# look-aheads run once per line and no two neighbouring parts match the same
# character, so the scan is linear whatever the text holds.
_DELIMITER_ROW = re.compile(
    r"^(?=[^\n|]*\|)(?=[^\n-]*-)[ \t>]*(?P<cells>[|:-][ \t:|-]*)$", re.MULTILINE
)
_BLANK_LINE = re.compile(r"\n[ \t]*(?:\n|\Z)")


def markup_budget(text: str) -> int:
    return len(text) // CHARACTERS_PER_UNIT + ALLOWANCE


def syntax_in(text: str) -> int:
    """The characters in text that open or close quotes, tags, links, emphasis and code."""
    return sum(text.count(character) for character in "<>[]*`")


def markup_in(html: str) -> int:
    """The tags and character references in html, and the address of every link and image.

    nh3 parses each address to check its scheme, which costs it about as much
    as a tag.
    """
    links = html.count("href=") + html.count("src=")
    return html.count("<") + html.count("&") + links


def table_markup(text: str, *, limit: int) -> int:
    """The most tags the tables in text could make, counted until past limit.

    Counting stops there, so that a text made of thousands of tiny tables
    costs no more to count than one with a few.
    """
    if "|" not in text:
        return 0
    total, start = 0, 0
    while row := _DELIMITER_ROW.search(text, start):
        blank = _BLANK_LINE.search(text, row.end())
        start = blank.start() if blank else len(text)
        columns = row["cells"].strip(" \t|").count("|") + 1
        rows = text.count("\n", row.end(), start) + 1  # the lines after it, and the header
        total += 2 * (columns + 1) * rows
        if total > limit:
            break
    return total
