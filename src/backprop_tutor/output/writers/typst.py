"""The Typst writer: Typst markup, and a whole document for the PDF (the ``typst`` package).

Typst math is made one way: the LaTeX of each formula translated by ``tex2typst``.
"""

from __future__ import annotations

from backprop_tutor import extras
from backprop_tutor.document.blocks import (
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
    write_inline,
)
from backprop_tutor.output.writers.latex import aligned_rows

_SPECIALS = {c: "\\" + c for c in "*_#$@<>[]`\\~/=+-"}

PREAMBLE = """\
#set document(title: "{title}", date: none)
#set page(paper: "a4", margin: (x: 2cm, y: 2.2cm), numbering: "1")
#set text(size: 10pt)
#set par(justify: true)
#set heading(numbering: none)
#show math.equation: set block(breakable: true)
#show table: set block(breakable: false)
#show raw.where(block: true): set block(fill: luma(245), inset: 6pt, radius: 3pt, width: 100%)
#show raw: set text(size: 8pt)
"""


def to_typst(blocks: list[Block]) -> str:
    """The blocks as Typst markup, separated by blank lines."""
    return "\n\n".join(_block(block) for block in blocks) + "\n"


def typst_document(blocks: list[Block], title: str) -> str:
    """A whole Typst document: page setup, then the blocks. No date: the same input, the same PDF."""
    return PREAMBLE.format(title=title.replace('"', "'").replace("\\", "")) + "\n" + to_typst(blocks)


def math(latex: str) -> str:
    """LaTeX math as Typst math."""
    extras.require("tex2typst")
    from tex2typst import tex2typst

    return tex2typst(latex).strip()


def words(text: str) -> str:
    r"""Plain words made safe for Typst markup: ``half_sse`` → ``half\_sse``."""
    return "".join(_SPECIALS.get(c, c) for c in text)


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
            return "$ " + math(r"\begin{aligned}" + aligned_rows(rows) + r"\end{aligned}") + " $"
        case Table(header, rows):
            align = ", ".join("left" if a == "l" else "right" for a in block.alignment())
            cells = [f"[*{inline(h)}*]" for h in header]
            cells += [f"[{inline(cell)}]" for row in rows for cell in row]
            return (f"#table(columns: {len(header)}, align: ({align},), "
                    f"stroke: 0.5pt + luma(180),\n  " + ", ".join(cells) + ")")
        case Items(items):
            return "\n".join(f"- {inline(item.text)}" + "".join(f"\n  - {inline(note)}" for note in item.notes)
                             for item in items)
        case Code(text, language):
            return f"```{language}\n{text.rstrip()}\n```"
        case Figure(path, caption):
            return f'#figure(image("{path}", width: 85%), caption: [{words(caption)}])'
    raise TypeError(f"not a block: {block!r}")
