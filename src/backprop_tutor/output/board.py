"""A derivation as a teacher writes it on the board: paragraphs, aligned equations, tables.

A Document is a list of sections, each a list of blocks: paragraphs, in which
a worksheet formula in backquotes (`net_h1`) is shown as math; groups of
equations aligned at their equals signs; tables. Every formula is kept twice,
as plain text and as LaTeX, so that one document is written three ways:

* text, for a terminal:  ∂E/∂w5 = delta_o1 · out_h1
* Markdown with $...$ and $$...$$ math, for GitHub and Jupyter;
* a LaTeX fragment with align* environments, for lecture notes.

SymPy is imported only to print a SymPy expression (``expression``).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Callable

from backprop_tutor.output import notation
from backprop_tutor.output.reports.worksheet import WIDTH

# ---------------------------------------------------------------- the document

@dataclass(frozen=True)
class Math:
    """A formula ready to show: as plain text and as LaTeX (math mode)."""

    text: str
    latex: str


@dataclass(frozen=True)
class Equation:
    """``lhs = rhs[0] = rhs[1] = ...``, one step of the argument per right-hand side.

    ``notes[k]`` says why ``rhs[k]`` holds ("" if it needs no word); like a
    paragraph it may hold formulas in backquotes (see ``Section``).
    """

    lhs: Math
    rhs: tuple[Math, ...]
    notes: tuple[str, ...]


#: Breaks a side of an equation (a Math) into lines.
NEWLINE = "\n"


@dataclass(frozen=True)
class Table:
    """A table of formulas, numbers and words; the header and words are plain text."""

    header: tuple[str, ...]
    rows: tuple[tuple[Math | str, ...], ...]


@dataclass(frozen=True)
class Section:
    """A heading and its blocks, in order.

    A block is a paragraph (a string in which a worksheet formula in
    backquotes, like `net_h1`, is shown as math), a group of equations
    aligned at their equals signs (a tuple of Equation), or a Table.
    """

    heading: str
    blocks: tuple


@dataclass(frozen=True)
class Document:
    """A heading, a title, a one-line summary, and numbered sections."""

    heading: str
    title: str
    summary: str
    sections: tuple[Section, ...]


# ---------------------------------------------------------------- formulas

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def formula(text: str) -> Math:
    """A worksheet formula or name as the worked solutions show it; ``dE_dw5`` as ∂E/∂w5.

    The board's general names (``x``, ``u``, ``out_u`` ...) read as math too.
    """
    if re.fullmatch(r"dE_d\w+", text):
        return partial("E", text[4:])
    return Math(notation.text(text), _general_names(notation.latex(text)))


_HEADS = {"net": r"\mathrm{net}", "out": r"\mathrm{out}", "delta": r"\delta"}


def _general_names(latex: str) -> str:
    """``\\mathrm{x}`` as x and ``\\mathrm{out_u}`` as out with index u.

    Notation writes a name outside the naming contract upright, as is; the
    board's general names (a unit u, a variable x) are no contract names.
    """
    def written(match) -> str:
        head, _, index = match[1].partition("_")
        if not index:
            return head if len(head) == 1 else match[0]
        return f"{_HEADS.get(head, head)}_{{{index}}}"
    return re.sub(r"\\mathrm\{([a-z]+(?:_[a-z]+)?)\}", written, latex)


def expression(expr) -> Math:
    """A SymPy expression, its symbols named as in the worked solutions."""
    import sympy

    text = re.sub(r"\*\*(\d+)", lambda m: m[1].translate(_SUPERSCRIPTS),
                  sympy.sstr(expr, order="old"))
    text = text.replace("*", " · ").replace("-", "−").replace("Max(", "max(")
    latex_names = {s: notation.latex_name(s.name) for s in expr.free_symbols if s.name != "x"}
    return Math(text, sympy.latex(expr, order="old", symbol_names=latex_names))


def partial(top: str, bottom: str) -> Math:
    """∂top/∂bottom, for two names."""
    return Math(f"∂{notation.text(top)}/∂{notation.text(bottom)}",
                rf"\frac{{\partial {notation.latex_name(top)}}}{{\partial {notation.latex_name(bottom)}}}")


def partial_of(bottom: str, formula_text: str) -> Math:
    """∂/∂bottom [formula]: a derivative about to be taken."""
    inner = formula(formula_text)
    return Math(f"∂/∂{notation.text(bottom)} [{inner.text}]",
                rf"\frac{{\partial}}{{\partial {notation.latex_name(bottom)}}}\left[{inner.latex}\right]")


def product(*factors: Math) -> Math:
    """The factors side by side, with a dot."""
    return Math(" · ".join(f.text for f in factors), r" \cdot ".join(f.latex for f in factors))


def total(*terms: Math) -> Math:
    """The terms added up, in brackets when there are several."""
    if len(terms) == 1:
        return terms[0]
    return Math("(" + " + ".join(t.text for t in terms) + ")",
                r"\left(" + " + ".join(t.latex for t in terms) + r"\right)")


def total_by_line(*terms: Math) -> Math:
    """The terms added up, one per line: a side of an equation too long for one."""
    return Math(f"{NEWLINE}+ ".join(t.text for t in terms), f"{NEWLINE}+ ".join(t.latex for t in terms))


def derivative_of(activation: str, argument: str) -> Math:
    """f′(argument) for an activation f, e.g. σ′(net_h1)."""
    f, x = formula(activation), formula(argument)
    return Math(f"{f.text}′({x.text})", rf"{f.latex}'({x.latex})")


def number(value: float) -> Math:
    """A number to 12 decimals (trailing zeros dropped)."""
    return Math(notation.format_number(value, 12), notation.latex_number(value, 12))


def equation(lhs: Math, *rhs) -> Equation:
    """An equation; each right-hand side is a Math or a (Math, note) pair.

    A side needs no brackets around all of it; a step that only writes the
    previous one again is left out.
    """
    sides = [item if isinstance(item, tuple) else (item, "") for item in rhs]
    sides = [(Math(_unbracketed(m.text), _unbracketed(m.latex)), note) for m, note in sides]
    kept = [side for k, side in enumerate(sides) if k == 0 or side[0] != sides[k - 1][0]]
    return Equation(lhs, tuple(m for m, _ in kept), tuple(note for _, note in kept))


def _unbracketed(text: str) -> str:
    """The text without one pair of brackets around all of it."""
    depth = 0
    for k, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and k < len(text) - 1:
            return text
    return text[1:-1] if text.startswith("(") else text


# ---------------------------------------------------------------- writers

def _with_math(paragraph: str, math_: Callable[[str], str], words: Callable[[str], str]) -> str:
    """A paragraph with its backquoted formulas written by ``math_``, the rest by ``words``."""
    return "".join(math_(part) if k % 2 else words(part)
                   for k, part in enumerate(paragraph.split("`")) if part)


def _in_text(paragraph: str) -> str:
    return _with_math(paragraph, lambda f: formula(f).text, str)


def _cell(cell: Math | str, math_: Callable[[Math], str], words: Callable[[str], str]) -> str:
    return math_(cell) if isinstance(cell, Math) else words(cell)


# ---------------------------------------------------------------- text

def render_text(document: Document) -> str:
    """The document for a terminal, in 80 columns where the formulas allow."""
    lines = [document.heading, document.title, document.summary, "=" * WIDTH]
    for index, section in enumerate(document.sections, start=1):
        heading = f"{index}. {section.heading}"
        lines += ["", heading, "-" * len(heading)]
        for block in section.blocks:
            lines.append("")
            if isinstance(block, str):
                lines += textwrap.wrap(_in_text(block), WIDTH)
            elif isinstance(block, Table):
                lines += _text_table(block)
            else:
                lines += _text_equations(block)
    return "\n".join(lines) + "\n"


def _text_equations(group: tuple[Equation, ...]) -> list[str]:
    """Equations aligned at their equals signs; a side's further lines start under it."""
    width = max(len(eq.lhs.text) for eq in group)
    lines = []
    for eq in group:
        for k, (side, note) in enumerate(zip(eq.rhs, eq.notes)):
            start = f"  {eq.lhs.text:<{width}} = " if k == 0 else " " * (width + 3) + "= "
            side_lines = side.text.split(NEWLINE)
            side_lines[-1] += f"   ({_in_text(note)})" if note else ""
            for n, side_line in enumerate(side_lines):
                indented = (start if n == 0 else " " * (width + 5)) + side_line
                lines += textwrap.wrap(indented, WIDTH, subsequent_indent=" " * (width + 7),
                                       break_on_hyphens=False)
    return lines


def _text_table(table: Table) -> list[str]:
    cells = [table.header] + [tuple(_cell(c, lambda m: m.text, str) for c in row)
                              for row in table.rows]
    widths = [max(len(row[c]) for row in cells) for c in range(len(table.header))]
    return ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
            for row in cells]


# ---------------------------------------------------------------- Markdown and LaTeX

def _aligned(group: tuple[Equation, ...]) -> str:
    """The rows of an aligned environment: ``lhs &= side \\quad note``, a sum's further lines indented."""
    rows = []
    for eq in group:
        for k, (side, note) in enumerate(zip(eq.rhs, eq.notes)):
            lhs = eq.lhs.latex if k == 0 else ""
            side_rows = side.latex.split(NEWLINE)
            rows.append(f"{lhs} &= {side_rows[0]}")
            rows += [rf"&\quad {line}" for line in side_rows[1:]]
            if note:
                rows[-1] += rf" \quad {_with_math(note, lambda f: formula(f).latex, _latex_words)}"
    return " \\\\\n".join(rows)


def _latex_words(words: str) -> str:
    """Words inside math."""
    return rf"\text{{{notation.latex_text(words)}}}"


@dataclass(frozen=True)
class Markup:
    """How one markup language writes the parts of a document."""

    words: Callable[[str], str]                  # plain words made safe
    math: Callable[[str], str]                   # LaTeX math in this language's math
    title: Callable[[str], str]                  # the document's title line
    heading: Callable[[str], str]                # a section heading
    table: Callable[[list[str], list[list[str]]], list[str]]  # header, rows (already written)
    display: Callable[[str], list[str]]          # an aligned group of equations (LaTeX rows)


def _write(document: Document, markup: Markup) -> str:
    """The document in a markup language: one walk, the language's own pieces."""
    def inline(latex: str) -> str:
        return f"${markup.math(latex)}$"

    lines = [markup.title(markup.words(f"{document.heading}: {document.title}")), "",
             markup.words(document.summary) + ".", ""]
    for index, section in enumerate(document.sections, start=1):
        lines += [markup.heading(markup.words(f"{index}. {section.heading}")), ""]
        for block in section.blocks:
            if isinstance(block, str):
                lines.append(_with_math(block, lambda f: inline(formula(f).latex), markup.words))
            elif isinstance(block, Table):
                rows = [[_cell(c, lambda m: inline(m.latex), markup.words) for c in row]
                        for row in block.rows]
                lines += markup.table([markup.words(h) for h in block.header], rows)
            else:
                lines += markup.display(_aligned(block))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _identity(text: str) -> str:
    return text


MARKDOWN = Markup(
    words=_identity, math=_identity,
    title=lambda text: f"## {text}", heading=lambda text: f"### {text}",
    table=lambda header, rows: ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
                                *("| " + " | ".join(row) + " |" for row in rows)],
    display=lambda rows: ["$$", r"\begin{aligned}", rows, r"\end{aligned}", "$$"],
)

LATEX = Markup(
    words=notation.latex_text, math=_identity,
    title=lambda text: rf"\subsection*{{{text}}}",
    heading=lambda text: rf"\subsubsection*{{{text}}}",
    table=lambda header, rows: [r"\begin{tabular}{" + "l" * len(header) + "}",
                                " & ".join(header) + r" \\ \hline",
                                *(" & ".join(row) + r" \\" for row in rows), r"\end{tabular}"],
    display=lambda rows: [r"\begin{align*}", rows, r"\end{align*}"],
)


def _tex2typst(latex: str) -> str:
    from tex2typst import tex2typst

    return tex2typst(latex)


TYPST = Markup(
    words=notation.typst_text, math=_tex2typst,
    title=lambda text: f"== {text}", heading=lambda text: f"=== {text}",
    table=lambda header, rows: [f"#table(columns: {len(header)}, stroke: 0.5pt + luma(180), "
                                + ", ".join(f"[{cell}]" for cell in
                                            [f"*{h}*" for h in header] + sum(rows, [])) + ")"],
    display=lambda rows: ["$ " + _tex2typst(r"\begin{aligned}" + rows + r"\end{aligned}") + " $"],
)


def render_markdown(document: Document) -> str:
    """The document in Markdown with $...$ and $$...$$ math (GitHub, Jupyter)."""
    return _write(document, MARKDOWN)


def render_latex(document: Document) -> str:
    """The document as a LaTeX fragment (needs amsmath), ready to paste into notes."""
    return _write(document, LATEX)


def render_typst(document: Document) -> str:
    """The document as Typst markup (for the printable PDF); ``tex2typst`` translates the math."""
    return _write(document, TYPST)
