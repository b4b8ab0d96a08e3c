"""Hostile Markdown of a given length, and plain prose of the same length as its floor.

Each shape repeats one piece of syntax that a parser or the sanitiser has to
look back or ahead from: unclosed brackets and tags, deep nesting, long runs
of delimiters, tables padded far past their rows. The last few spend just
under the markup budget (apps/markup/budget.py) on the dearest constructs,
so they show the most that a text rendered as Markdown can cost.
tests/markup renders each one at the answer's size limit.
"""

from collections.abc import Callable

from apps.markup.budget import markup_budget

PROSE = (
    "Over the next year I want to move from general software work towards AI safety. "
    "I have read the core resources twice and found the sections on reward hacking the "
    "most convincing, though I am less sure about the arguments for deceptive alignment. "
    "My plan is to spend two evenings a week on a small interpretability project.\n\n"
)


def repeat(piece: str, length: int) -> str:
    """piece repeated and cut to exactly length characters."""
    return (piece * (length // len(piece) + 1))[:length]


def _deepening(line: Callable[[int], str], length: int) -> str:
    lines, size, depth = [], 0, 1
    while size < length:
        lines.append(line(depth))
        size += len(lines[-1])
        depth += 1
    return "".join(lines)[:length]


def _to_the_budget(length: int, piece: str, cost: int) -> str:
    """Copies of piece, with FILL in each one replaced by plain words, so that the text
    spends just under its markup budget. cost is how much of the budget one piece spends:
    its syntax characters or its markup, whichever is more."""
    pieces = (markup_budget(repeat(" ", length)) - 8) // cost
    chunk = -(-length // pieces)  # rounded up, so that no more than `pieces` fit
    return repeat(piece.replace("FILL", repeat("so on and ", chunk - len(piece) + 4)), length)


def _table(length: int, rows: str) -> str:
    head = "| a | b | c |\n|---|:-:|--:|\n"
    return head + repeat(rows, length - len(head))


HOSTILE: dict[str, Callable[[int], str]] = {
    "[": lambda n: "[" * n,
    "[a](": lambda n: repeat("[a](", n),
    "<a ": lambda n: repeat("<a ", n),
    "![": lambda n: repeat("![", n),
    "](": lambda n: repeat("](", n),
    "[^1]": lambda n: repeat("[^1]", n),
    "<": lambda n: "<" * n,
    "<div>": lambda n: repeat("<div>", n),
    "<b>x": lambda n: repeat("<b>x", n),
    "<span> then </p>": lambda n: repeat("<span>", n // 2) + repeat("</p>", n - n // 2),
    "<http://a": lambda n: repeat("<http://a", n),
    "<!-- unclosed": lambda n: "<!--" + repeat("a -- ", n - 4),
    "&#": lambda n: repeat("&#", n),
    "\\*": lambda n: repeat("\\*", n),
    "*": lambda n: "*" * n,
    "*a ": lambda n: repeat("*a ", n),
    "_a": lambda n: repeat("_a", n),
    "**_": lambda n: repeat("**_", n),
    "*** a ***": lambda n: "*" * (n // 2) + "a" + "*" * (n - n // 2 - 1),
    "`a": lambda n: repeat("`a", n),
    "``` fences": lambda n: repeat("```\n", n),
    ">": lambda n: ">" * n,
    "> deepening": lambda n: _deepening(lambda depth: ">" * depth + " x\n", n),
    "- deepening": lambda n: _deepening(lambda depth: "  " * depth + "- x\n", n),
    "- on one line": lambda n: repeat("- ", n),
    "link definitions": lambda n: repeat("[r]: https://example.com/x 'title'\n", n),
    "long link label": lambda n: "[" + "a" * (n - 18) + "]: https://e.com\n",
    "| cells": lambda n: _table(n, "|"),
    "table rows": lambda n: _table(n, "| x | y | z |\n"),
    "wide table": lambda n: (
        repeat("|a", n // 4)
        + "|\n"
        + repeat("|-", n // 4)
        + "|\n"
        + repeat("x\n", n - 2 * (n // 4) - 4)
    ),
    "many wide tables": lambda n: repeat(
        "|a" * 500 + "|\n" + "|-" * 500 + "|\n" + "x\n" * 500 + "\n", n
    ),
    "one-column table": lambda n: "| a |\n|---|\n" + repeat("x\n", n - 12),
    "tiny tables": lambda n: repeat("x|\n-|\n\n", n),
    "- > nesting": lambda n: repeat("- > ", n),
    "distinct attributes": lambda n: (
        repeat("<b " + " ".join(f"a{i}" for i in range(n // 3)), n - 2) + ">x"
    ),
    "links to the budget": lambda n: _to_the_budget(n, "[x](https://example.com/) FILL", 3),
    "images to the budget": lambda n: _to_the_budget(n, "![x](https://example.com/a.png) FILL", 2),
    "quotes to the budget": lambda n: _to_the_budget(n, "> FILL\n\n", 4),
    "tags to the budget": lambda n: _to_the_budget(n, "<b>x</b> FILL", 4),
    "attributes to the budget": lambda n: _to_the_budget(
        n, "<b a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8>x</b> FILL", 4
    ),
    "aligned table to the budget": lambda n: (
        "| a | b | c |\n|:-:|:-:|:-:|\n" + _to_the_budget(n - 28, "| FILL | y | z |\n", 8)
    ),
    "code to the budget": lambda n: _to_the_budget(n, "`x` FILL", 2),
    "list items to the budget": lambda n: _to_the_budget(n, "1. FILL\n", 2),
}


def prose(length: int) -> str:
    return repeat(PROSE, length)
