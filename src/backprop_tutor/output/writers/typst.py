"""The Typst writer: Typst markup, and a whole document for the PDF (the ``typst`` package).

Typst math is made one way: the LaTeX of each formula translated by ``tex2typst``.
"""

from __future__ import annotations

import functools

from backprop_tutor import extras
from backprop_tutor.document.blocks import (
    LINE_BREAKS,
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
    write_inline,
)
from backprop_tutor.output.writers.latex import aligned_lines

_ESCAPES = str.maketrans({c: "\\" + c for c in "*_#$@<>[]`\\~/=+-"})

#: The paper sizes a document can be set on: the command line's name → Typst's, and the width in mm.
PAPERS = {"a4": ("a4", 210.0), "letter": ("us-letter", 215.9)}

#: Page margins in mm.
MARGIN_X, MARGIN_Y = 20, 22

#: A figure is printed this fraction of the text width wide.
FIGURE_WIDTH = 0.85

PREAMBLE = """\
#set document(title: "{title}", date: none)
#set page(paper: "{paper}", margin: (x: {margin_x}mm, y: {margin_y}mm), numbering: "1")
#set text(size: 10pt)
#set par(justify: true)
#show table: set par(justify: false)
#set heading(numbering: none)
#show math.equation: set block(breakable: true)
#show table: set block(breakable: false)
#show raw.where(block: true): set block(fill: luma(245), inset: 6pt, radius: 3pt, width: 100%)
#show raw: set text(size: 8pt)
"""


def to_typst(blocks: list[Block]) -> str:
    """The blocks as Typst markup, separated by blank lines."""
    return "\n\n".join(_block(block) for block in blocks) + "\n"


def typst_document(blocks: list[Block], title: str, paper: str = "a4") -> str:
    """A whole Typst document: page setup, then the blocks. No date: the same input, the same PDF.

    ``paper``: a key of ``PAPERS`` (``a4`` or ``letter``).
    """
    title = LINE_BREAKS.sub(" ", title).replace('"', "'").replace("\\", "")
    return PREAMBLE.format(title=title, paper=PAPERS[paper][0], margin_x=MARGIN_X,
                           margin_y=MARGIN_Y) + "\n" + to_typst(blocks)


#: Where a part of a document of parts begins: a new page numbered 1, the figures counted
#: from 1, and a mark that ``PART_PAGES`` finds.
_PART_START = ("#pagebreak(weak: true)\n#counter(page).update(1)\n"
               "#counter(figure.where(kind: image)).update(0)\n#metadata(none) <part>\n")

#: A Typst expression, evaluated on the compiled document of parts: the page each part starts on.
PART_PAGES = "query(<part>).map(part => part.location().page())"


def part(blocks: list[Block]) -> str:
    """The blocks as one part of a document of parts (``document_of_parts``)."""
    return _PART_START + to_typst(blocks)


def document_of_parts(parts: list[str], title: str, paper: str = "a4") -> str:
    """One document made of ``parts`` (each from ``part``): each starts on a new page, and its
    pages and figures are numbered from 1, as if it were a document of its own."""
    return typst_document([], title, paper) + "\n".join(parts)


def text_width(paper: str) -> float:
    """The width of the text on ``paper``, in mm."""
    return PAPERS[paper][1] - 2 * MARGIN_X


@functools.lru_cache(maxsize=4096)
def math(latex: str) -> str:
    """LaTeX math as Typst math. Cached: every student's sheet and key have the same names and
    formulas."""
    extras.require("tex2typst")
    from tex2typst import tex2typst

    return tex2typst(latex).strip()


def words(text: str) -> str:
    r"""Plain words made safe for Typst markup: ``half_sse`` → ``half\_sse``."""
    return LINE_BREAKS.sub(" ", text).translate(_ESCAPES)


def inline(content: Inline) -> str:
    """Words escaped, `code` as Typst raw text, formulas as $...$."""
    return write_inline(content, lambda m: f"${math(m.latex)}$", lambda c: f"`{c}`", words)


def _block(block: Block) -> str:
    match block:
        case Contents(depth):
            return f"#outline(depth: {depth})"
        case Title(text):
            return f'#align(center, text(16pt, weight: "bold")[{words(text)}])'
        case Heading(level, text):
            return f"{'=' * level} {words(text)}"
        case Paragraph(content):
            return inline(content)
        case Equations(rows):
            # Each line translated alone: tex2typst takes time quadratic in the length of what
            # it is given, and the lines of an aligned block translate the same either way.
            return "$ " + " \\\n".join(math(r"\begin{aligned}" + line + r"\end{aligned}")
                                        for line in aligned_lines(rows)) + " $"
        case Table(header, rows):
            align = ", ".join("left" if a == "l" else "right" for a in block.alignment())
            cells = [f"[*{inline(h)}*]" for h in header]
            cells += [f"[{inline(cell)}]" for row in rows for cell in row]
            rows = f"rows: (auto, {block.row_height}mm), " if block.row_height else ""
            # Typst measures every cell of an auto column; a stretched column it need not.
            columns = (str(len(header)) if not block.stretch else "(" + ", ".join(
                "1fr" if k in block.stretch else "auto" for k in range(len(header))) + ")")
            return (f"#table(columns: {columns}, align: ({align},), {rows}"
                    f"stroke: 0.5pt + luma(180),\n  " + ", ".join(cells) + ")")
        case Items(items):
            return "\n".join(f"- {inline(item.text)}"
                             + "".join(f"\n  - {inline(note)}" for note in item.notes)
                             for item in items)
        case Code(text, language):
            return f"```{language}\n{text.rstrip()}\n```"
        case Figure(path, caption, width):
            return (f'#figure(image("{path}", width: {width or FIGURE_WIDTH:.0%}), '
                    f'caption: [{words(caption)}])')
        case Space(label, share):
            return (f"#block(width: 100%, height: {share}fr, stroke: 0.5pt + luma(150), "
                    f"inset: 2mm)[#text(9pt, fill: luma(80))[{words(label)}]]")
        case PageBreak():
            return "#pagebreak(weak: true)"
    raise TypeError(f"not a block: {block!r}")
