"""The text writer: a document for a terminal, in 80 columns where the formulas allow."""

from __future__ import annotations

import textwrap

from backprop_tutor.document.blocks import (
    NEWLINE,
    Block,
    Code,
    Contents,
    Equation,
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

WIDTH = 80
_KEEP = "\u00a0"   # a space that wrapping must not break: inside a formula


def to_text(blocks: list[Block]) -> str:
    """The blocks as plain text, separated by blank lines."""
    return "\n\n".join("\n".join(lines) for lines in (_block(block, blocks) for block in blocks)
                       if lines) + "\n"


def inline(content: Inline) -> str:
    """Inline content as text: formulas by their text, `code` without its backquotes."""
    return write_inline(content, lambda m: m.text, str, str)


def _block(block: Block, document: list[Block]) -> list[str]:
    match block:
        case Contents(depth):
            return ["Contents"] + [f"  {h.text}" for h in headings(document, depth)]
        case Title(text):
            return [text, "=" * WIDTH]
        case Heading(level, text):
            return [text] + (["=-"[level - 1] * min(len(text), WIDTH)] if level <= 2 else [])
        case Paragraph(content):
            return _wrap(content)
        case Equations(rows):
            width = max(len(eq.lhs.text) for eq in rows)
            return [line for eq in rows for line in _equation(eq, width)]
        case Table():
            return _table(block)
        case Items(items):
            return [line for item in items
                    for line in [*_wrap(item.text, indent="  ", hang="  "),
                                 *(more for note in item.notes
                                   for more in _wrap(note, indent="      ", hang="  "))]]
        case Code(text):
            return ["    " + line if line else "" for line in text.rstrip().splitlines()]
        case Figure(path, caption):
            return _wrap(f"Figure: {caption} [{path}]")
        case Space() | PageBreak():
            return []
    raise TypeError(f"not a block: {block!r}")


def _wrap(content: Inline, width: int = WIDTH, indent: str = "", hang: str = "") -> list[str]:
    """Words wrapped at ``width`` columns after ``indent`` (``hang`` more on later lines).

    A formula is never broken inside.
    """
    kept = write_inline(content, lambda m: m.text.replace(" ", _KEEP), str, str)
    lines = textwrap.wrap(kept, width, initial_indent=indent, subsequent_indent=indent + hang,
                          break_on_hyphens=False)
    return [line.replace(_KEEP, " ") for line in lines]


def _equation(eq: Equation, width: int) -> list[str]:
    """One equation: on one line if it fits, else its steps below each other under the = sign."""
    sides = [side.text for side in eq.rhs]
    start, indent = f"  {eq.lhs.text:<{width}} = ", " " * (width + 3) + "= "
    plain = not any(eq.notes) and not any(NEWLINE in side for side in sides)
    if plain:
        line = start + " = ".join(sides)
        if len(line) <= WIDTH:
            return [line]
        if len(sides) > 1 and len(indent + " = ".join(sides[1:])) <= WIDTH:
            return [start + sides[0], indent + " = ".join(sides[1:])]
    lines = []
    for k, side in enumerate(sides):
        side_lines = side.split(NEWLINE)
        note = inline(eq.note(k))
        if note:
            side_lines[-1] += f"   ({note})"
        for n, side_line in enumerate(side_lines):
            first = (start if k == 0 else indent) if n == 0 else " " * (width + 5)
            lines += textwrap.wrap(first + side_line, WIDTH, subsequent_indent=" " * (width + 7),
                                   break_on_hyphens=False) or [first.rstrip()]
    return lines


def _table(table: Table) -> list[str]:
    """Columns aligned under a header and a rule; a long last column wraps under itself."""
    cells = [[inline(cell) for cell in row] for row in (table.header, *table.rows)]
    widths = [max(len(row[c]) for row in cells) for c in range(len(table.header))]
    align = table.alignment()
    last = sum(widths[:-1]) + 2 * len(widths)   # where the last column starts
    widths[-1] = min(widths[-1], max(WIDTH - last, 10))
    rule = ["-" * w for w in widths]
    lines = []
    for n, row in enumerate([cells[0], rule, *cells[1:]]):
        padded = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align, strict=True)]
        line = ("  " + "  ".join(padded)).rstrip()
        if len(line) > WIDTH and align[-1] == "l" and n >= 2:
            wrapped = _wrap(table.rows[n - 2][-1], width=WIDTH - last)
            line = ("  " + "  ".join([*padded[:-1], wrapped[0]])).rstrip()
            lines += [line] + [" " * last + more for more in wrapped[1:]]
        else:
            lines.append(line)
    return lines
