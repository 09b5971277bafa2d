"""A small document model with two writers: Markdown and Typst (for the PDF).

The tutorial pack is built once as a list of blocks and written twice, so the
Markdown and the PDF always have the same content. Paragraph text is plain
words (Unicode for η, σ, Σ ...) with `code` spans in backticks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backprop_tutor.output.notation import typst_text


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Code:
    text: str
    language: str = "python"


@dataclass(frozen=True)
class Figure:
    path: str          # relative to the document
    caption: str


@dataclass(frozen=True)
class Rendered:
    """Content already written in both languages (worked solutions, the derivation)."""

    markdown: str
    typst: str


Block = Title | Heading | Paragraph | Table | Code | Figure | Rendered


# ---------------------------------------------------------------- Markdown

def to_markdown(blocks: list[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown."""
    written = (_markdown(block).rstrip() for block in blocks)
    return "\n\n".join(text for text in written if text) + "\n"


def _markdown(block: Block) -> str:
    match block:
        case Title(text):
            return f"# {text}"
        case Heading(level, text):
            return f"{'#' * level} {text}"
        case Paragraph(text):
            return text
        case Table(header, rows):
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
        case Code(text, language):
            return f"```{language}\n{text.rstrip()}\n```"
        case Figure(path, caption):
            return f"![{caption}]({path})\n\n*{caption}*"
        case Rendered(markdown, _):
            return markdown
    raise TypeError(f"not a block: {block!r}")


# ---------------------------------------------------------------- Typst

TYPST_PREAMBLE = """\
#set document(title: "{title}")
#set page(paper: "a4", margin: (x: 2cm, y: 2.2cm), numbering: "1")
#set text(size: 10pt)
#set par(justify: true)
#set heading(numbering: none)
#show heading.where(level: 1, outlined: true): it => {{ pagebreak(weak: true); it }}
#show math.equation: set block(breakable: true)
#show raw.where(block: true): set block(fill: luma(245), inset: 6pt, radius: 3pt, width: 100%)
#show raw: set text(size: 8.5pt)
"""


def to_typst(blocks: list[Block], title: str) -> str:
    """The blocks as a Typst document (compile with the ``typst`` package)."""
    written = (_typst(block).rstrip() for block in blocks)
    body = "\n\n".join(text for text in written if text)
    return TYPST_PREAMBLE.format(title=title.replace('"', "'")) + "\n" + body + "\n"


def _typst(block: Block) -> str:
    match block:
        case Title(text):
            return f"#align(center, text(16pt, weight: \"bold\")[{_typst_words(text)}])"
        case Heading(level, text):
            return f"{'=' * level} {_typst_words(text)}"
        case Paragraph(text):
            return _typst_words(text)
        case Table(header, rows):
            cells = [f"[*{_typst_words(h)}*]" for h in header]
            cells += [f"[{_typst_words(cell)}]" for row in rows for cell in row]
            return (f"#table(columns: {len(header)}, align: (left,) + (right,) * {len(header) - 1}, "
                    f"stroke: 0.5pt + luma(180),\n  " + ", ".join(cells) + ")")
        case Code(text, language):
            return f"```{language}\n{text.rstrip()}\n```"
        case Figure(path, caption):
            return f'#figure(image("{path}", width: 100%), caption: [{_typst_words(caption)}])'
        case Rendered(_, typst):
            return typst
    raise TypeError(f"not a block: {block!r}")


def _typst_words(text: str) -> str:
    """Plain words with `code` spans, made safe for Typst markup (code spans kept)."""
    pieces = re.split(r"(`[^`]*`)", text)
    return "".join(piece if piece.startswith("`") else typst_text(piece) for piece in pieces)
