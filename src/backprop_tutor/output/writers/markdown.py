"""The Markdown writer: GitHub-flavoured Markdown with $...$ and $$...$$ math (GitHub, Jupyter)."""

from __future__ import annotations

from backprop_tutor.document.blocks import (
    NEWLINE,
    Block,
    Code,
    Contents,
    Equations,
    Figure,
    Heading,
    Inline,
    Items,
    Paragraph,
    Table,
    Title,
    headings,
    write_inline,
)
from backprop_tutor.output.writers.latex import aligned_rows


def to_markdown(blocks: list[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown, separated by blank lines."""
    return "\n\n".join(_block(block, blocks) for block in blocks) + "\n"


def inline(content: Inline) -> str:
    """Words as they are (`code` spans included), formulas as $LaTeX$."""
    return write_inline(content, lambda m: f"${m.latex}$", lambda c: f"`{c}`", str)


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
            links = [f"- [{h.text}](#{anchor(h.text)})" for h in headings(document, depth)]
            return "**Contents**\n\n" + "\n".join(links)
        case Title(text):
            return f"# {text}"
        case Heading(level, text):
            return f"{'#' * min(level, 6)} {text}"
        case Paragraph(content):
            return inline(content)
        case Equations(rows):
            return "$$\n\\begin{aligned}\n" + aligned_rows(rows) + "\n\\end{aligned}\n$$"
        case Table(header, rows):
            rule = ["---:" if a == "r" else "---" for a in block.alignment()]
            lines = [_row([inline(h) for h in header]), _row(rule)] + [_row([inline(cell) for cell in row]) for row in rows]
            return "\n".join(lines)
        case Items(items):
            return "\n".join(f"- {inline(item.text)}" + "".join(f"\n  - {inline(note)}" for note in item.notes)
                             for item in items)
        case Code(text, language):
            return f"```{language}\n{text.rstrip()}\n```"
        case Figure(path, caption):
            return f"![{caption}]({path})\n\n*{caption}*"
    raise TypeError(f"not a block: {block!r}")


def _row(cells) -> str:
    # A | inside a cell, even inside math or code, ends the cell unless escaped (GFM).
    return "| " + " | ".join(cell.replace("|", r"\|").replace(NEWLINE, " ") for cell in cells) + " |"
