"""One document model: the blocks every report builds, whatever it is written in.

A report (a worked solution, a derivation, marks, the tutorial pack) is a list
of blocks; ``output.writers`` writes the same list as plain text, Markdown,
LaTeX or Typst. Nothing outside the writers knows a markup syntax.

Inline content (in a paragraph, a table cell, a note) is a string, a
``Math``, or a tuple of them. In a string, words in `backquotes` are code
(a command, a file, a Python name).

>>> from backprop_tutor.output.writers import to_text
>>> print(to_text([Heading(2, "Loss"), Paragraph(("The loss is ", Math("E = 0.5", "E = 0.5"), "."))]))
Loss
----
<BLANKLINE>
The loss is E = 0.5.
<BLANKLINE>
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Math:
    """A formula ready to show: as plain Unicode text and as LaTeX math (Typst is made from it).

    A side of an equation may hold ``NEWLINE`` to break a long sum over lines.
    """

    text: str
    latex: str


#: Breaks a side of an equation (a Math) into lines.
NEWLINE = "\n"

#: Every line break CommonMark or a browser knows, and the other vertical spaces: in words from a
#: file, a writer turns them into a space, so that no text starts a heading or a list of its own.
LINE_BREAKS = re.compile(r"[\n\r\v\f\x85\u2028\u2029]+")

Inline = str | Math | tuple


@dataclass(frozen=True)
class Title:
    """The document's title."""

    text: str


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is the top of a report."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """Running text: a string, or a tuple of strings and formulas."""

    content: Inline


@dataclass(frozen=True)
class Equation:
    """``lhs = rhs[0] = rhs[1] = ...``, one step of the argument per right-hand side.

    ``notes[k]`` says why ``rhs[k]`` holds ("" if it needs no word).
    """

    lhs: Math
    rhs: tuple[Math, ...]
    notes: tuple[Inline, ...] = ()

    def note(self, k: int) -> Inline:
        return self.notes[k] if k < len(self.notes) else ""


@dataclass(frozen=True)
class Equations:
    """A group of equations aligned at their equals signs."""

    rows: tuple[Equation, ...]


@dataclass(frozen=True)
class Table:
    """A table; ``align`` has one letter per column, ``l`` or ``r`` (default: first left, rest right).

    ``row_height``: on paper, every row but the header at least this high, in mm (boxes to
    write in by hand); ``stretch``: on paper, the columns that share the width the others
    leave (none: every column as wide as its content). Formats that are not printed
    ignore both.
    """

    header: Sequence[str]
    rows: Sequence[Sequence[Inline]]
    align: str = ""
    row_height: float = 0
    stretch: tuple[int, ...] = ()

    def alignment(self) -> str:
        return self.align or "l" + "r" * (len(self.header) - 1)


@dataclass(frozen=True)
class Code:
    """A block of code or of preformatted text, shown as it is."""

    text: str
    language: str = "python"


@dataclass(frozen=True)
class Figure:
    """An image file (relative to the document) with its caption.

    ``width``: the fraction of the text width it is printed at, where a page has a
    width (None: the writer's own choice).
    """

    path: str
    caption: str
    width: float | None = None


@dataclass(frozen=True)
class Item:
    """One entry of a list, and the notes below it."""

    text: Inline
    notes: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class Items:
    """A list of entries, each with notes indented below it."""

    items: tuple[Item, ...]


@dataclass(frozen=True)
class Space:
    """On paper, a framed empty box to work in by hand, headed ``label``.

    It takes ``share`` parts of what is left of its page (the spaces on a page
    share it in proportion). Text and Markdown leave it out.
    """

    label: str
    share: int = 1


@dataclass(frozen=True)
class PageBreak:
    """On paper, what follows starts a new page; text and Markdown leave it out."""


@dataclass(frozen=True)
class Contents:
    """A list of the document's headings of level ``depth`` or above (links where the format has them)."""

    depth: int = 1


Block = (Title | Heading | Paragraph | Equations | Table | Items | Code | Figure | Contents | Space
         | PageBreak)


def demoted(blocks: list[Block], levels: int) -> list[Block]:
    """The blocks with every heading ``levels`` deeper: a report placed inside a bigger document.

    >>> demoted([Heading(1, "Forward pass")], 2)
    [Heading(level=3, text='Forward pass')]
    """
    return [replace(b, level=b.level + levels) if isinstance(b, Heading) else b for b in blocks]


def headings(blocks: list[Block], depth: int) -> list[Heading]:
    """The headings of level ``depth`` or above, in order."""
    return [b for b in blocks if isinstance(b, Heading) and b.level <= depth]


def write_inline(content: Inline, math: Callable[[Math], str], code: Callable[[str], str],
                 words: Callable[[str], str]) -> str:
    """Inline content in one format: each formula by ``math``, `code` by ``code``, the rest by ``words``.

    >>> write_inline(("E is ", Math("½", r"\\tfrac12"), " in `half_sse`"), lambda m: m.text,
    ...              str.upper, str)
    'E is ½ in HALF_SSE'
    """
    written = []
    for part in parts(content):
        if isinstance(part, Math):
            written.append(math(part))
        else:
            written += [code(piece) if k % 2 else words(piece)
                        for k, piece in enumerate(part.split("`")) if piece]
    return "".join(written)


def parts(content: Inline) -> tuple[str | Math, ...]:
    """Inline content as a flat tuple of strings and formulas."""
    if isinstance(content, tuple):
        return tuple(p for item in content for p in parts(item))
    return (content,) if content != "" else ()
