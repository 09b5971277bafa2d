"""The Markdown writer: GitHub-flavoured Markdown with $...$ and $$...$$ math (GitHub, Jupyter).

Words are data, whatever they hold (a title, a description, a student ID from a
file): every character that Markdown or HTML would read as markup is written
with a backslash, and a line break is written as a space, so no text starts a
heading, a list, a table row or an HTML tag.
"""

from __future__ import annotations

import re

from backprop_tutor.document.blocks import (
    LINE_BREAKS,
    NEWLINE,
    Block,
    Code,
    Contents,
    Equations,
    Figure,
    Heading,
    Inline,
    Items,
    PageBreak,
    Paragraph,
    Space,
    Table,
    Title,
    headings,
    write_inline,
)
from backprop_tutor.output.writers.latex import aligned_rows

#: Markup inside a line: emphasis, links and images, HTML tags and entities, maths, strikethrough,
#: headings' closing #s, and the backslash itself. (A | is escaped in table cells, where it counts.)
_SPECIALS = str.maketrans({c: "\\" + c for c in "\\*_[]<>&$~#"})
#: What starts a block at the start of a line once the inline markup is escaped: a list item
#: (- + or 1. 1)), a setext underline or thematic break (= -), an indented code block.
_BLOCK_START = re.compile(r"^\s*(?:([-+=])|(\d+)([.)]))")


def to_markdown(blocks: list[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown, separated by blank lines."""
    return "\n\n".join(filter(None, (_block(block, blocks) for block in blocks))) + "\n"


def words(text: str) -> str:
    r"""Plain words as Markdown that shows them as they are.

    >>> print(words("Net <img src=x onerror=alert(1)> *a_b*\n# $5"))
    Net \<img src=x onerror=alert(1)\> \*a\_b\* \# \$5
    """
    return LINE_BREAKS.sub(" ", text).translate(_SPECIALS)


def inline(content: Inline) -> str:
    """Words escaped (`code` spans as they are), formulas as $LaTeX$."""
    return write_inline(content, lambda m: f"${m.latex}$", lambda c: f"`{c}`", words)


def _paragraph(content: Inline) -> str:
    r"""A paragraph that cannot start a list, a heading underline or a code block.

    >>> print(_paragraph("  - 1. not a list"), _paragraph("2) nor this"), sep="\n")
    \- 1. not a list
    2\) nor this
    """
    text = inline(content)
    match = _BLOCK_START.match(text)
    if match is None:
        return text
    if match[1]:
        return "\\" + text[match.start(1):]
    return text[match.start(2):match.end(2)] + "\\" + text[match.start(3):]


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.

    >>> anchor("Problem 1: deriving backpropagation")
    'problem-1-deriving-backpropagation'
    """
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def _block(block: Block, document: list[Block]) -> str:
    match block:
        case Contents(depth):
            links = [f"- [{words(h.text)}](#{anchor(h.text)})" for h in headings(document, depth)]
            return "**Contents**\n\n" + "\n".join(links)
        case Title(text):
            return f"# {words(text)}"
        case Heading(level, text):
            return f"{'#' * min(level, 6)} {words(text)}"
        case Paragraph(content):
            return _paragraph(content)
        case Equations(rows):
            return "$$\n\\begin{aligned}\n" + aligned_rows(rows) + "\n\\end{aligned}\n$$"
        case Table(header, rows):
            rule = ["---:" if a == "r" else "---" for a in block.alignment()]
            lines = [_row([inline(h) for h in header]), _row(rule),
                     *(_row([inline(cell) for cell in row]) for row in rows)]
            return "\n".join(lines)
        case Items(items):
            return "\n".join(f"- {_paragraph(item.text)}"
                             + "".join(f"\n  - {_paragraph(note)}" for note in item.notes)
                             for item in items)
        case Code(text, language):
            # A fence longer than any run of backquotes in the text: nothing in it ends the block.
            fence = "`" * max(3, 1 + max(map(len, re.findall("`+", text)), default=0))
            return f"{fence}{language}\n{text.rstrip()}\n{fence}"
        case Figure(path, caption):
            return f"![{words(caption)}]({path})\n\n*{words(caption)}*"
        case Space() | PageBreak():
            return ""
    raise TypeError(f"not a block: {block!r}")


def _row(cells) -> str:
    # A | inside a cell, even inside math or code, ends the cell unless escaped (GFM).
    return "| " + " | ".join(cell.replace("|", r"\|").replace(NEWLINE, " ") for cell in cells) + " |"
