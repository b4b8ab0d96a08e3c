"""Hostile Markdown of a given length, and plain prose of the same length as its floor.

Each shape repeats one piece of syntax that a parser or the sanitiser has to
look back or ahead from: unclosed brackets and tags, deep nesting, long runs
of delimiters, tables padded far past their rows. tests/markup renders each
one at the answer's size limit.
"""

from collections.abc import Callable

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
}


def prose(length: int) -> str:
    return repeat(PROSE, length)
