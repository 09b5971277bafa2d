"""The LaTeX writer: a fragment for lecture notes (needs amsmath; figures need graphicx)."""

from __future__ import annotations

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
    Item,
    Items,
    Math,
    PageBreak,
    Paragraph,
    Space,
    Table,
    Title,
    parts,
    write_inline,
)

_SPECIALS = {c: "\\" + c for c in "&%$#_{}"} | {"~": r"\textasciitilde{}", "^": r"\^{}",
                                              "\\": r"\textbackslash{}"}
# Symbols the prose writes in Unicode, written as math so that pdflatex needs no Unicode fonts.
_SYMBOLS = {"η": r"\eta", "σ": r"\sigma", "δ": r"\delta", "Σ": r"\Sigma", "·": r"\cdot",
            "−": "-", "½": r"\frac{1}{2}", "²": "^2", "′": "'", "⊙": r"\odot", "≈": r"\approx",
            "≤": r"\le", "≥": r"\ge", "×": r"\times", "→": r"\to", "∂": r"\partial",
            "ᵀ": r"^\top", "±": r"\pm", "≠": r"\neq"}
_SECTIONS = {1: "subsection*", 2: "subsubsection*"}


def to_latex(blocks: list[Block]) -> str:
    """The blocks as a LaTeX fragment, separated by blank lines."""
    return "\n\n".join(_block(block) for block in blocks) + "\n"


def words(text: str) -> str:
    r"""Plain words made safe for LaTeX text mode: ``half_sse`` → ``half\_sse``, η → $\eta$."""
    return "".join(f"${_SYMBOLS[c]}$" if c in _SYMBOLS else _SPECIALS.get(c, c) for c in text)


def inline(content: Inline) -> str:
    """Words escaped, `code` in typewriter, formulas as $...$."""
    return write_inline(content, lambda m: f"${m.latex}$", lambda c: rf"\texttt{{{words(c)}}}", words)


def aligned_rows(rows: tuple[Equation, ...]) -> str:
    r"""The rows of an aligned environment: ``lhs &= side \quad note``, one to a line."""
    return " \\\\\n".join(aligned_lines(rows))


def aligned_lines(rows: tuple[Equation, ...]) -> list[str]:
    r"""The lines of an aligned environment, each ``lhs &= side \quad note``.

    An equation whose text is short stays on one line; a longer one puts its
    first side on the first line and the rest on a second; one with notes, or
    with a side broken over lines, takes a line per side.
    """
    out = []
    for eq in rows:
        sides = [side.latex for side in eq.rhs]
        plain = not any(eq.notes) and not any(NEWLINE in side for side in sides)
        length = len(" = ".join(side.text for side in eq.rhs))
        if plain and (length <= 50 or len(sides) == 1):
            out.append(f"{eq.lhs.latex} &= " + " = ".join(sides))
        elif plain:
            out += [f"{eq.lhs.latex} &= {sides[0]}", "&= " + " = ".join(sides[1:])]
        else:
            for k, side in enumerate(sides):
                first, *rest = side.split(NEWLINE)
                out.append(f"{eq.lhs.latex if k == 0 else ''} &= {first}")
                out += [rf"&\quad {line}" for line in rest]
                note = eq.note(k)
                if note:
                    out[-1] += r" \quad " + "".join(
                        p.latex if isinstance(p, Math) else rf"\text{{{words(p)}}}"
                        for p in parts(note))
    return out


def _item(item: Item) -> str:
    notes = "".join(rf" \item {inline(note)}" for note in item.notes)
    return rf"\item {inline(item.text)}" + (rf" \begin{{itemize}}{notes} \end{{itemize}}" if notes else "")


def _block(block: Block) -> str:
    match block:
        case Contents():
            return r"\tableofcontents"
        case Title(text):
            return rf"\section*{{{words(text)}}}"
        case Heading(level, text):
            return rf"\{_SECTIONS.get(level, 'paragraph')}{{{words(text)}}}"
        case Paragraph(content):
            return inline(content)
        case Equations(rows):
            return "\\begin{align*}\n" + aligned_rows(rows) + "\n\\end{align*}"
        case Table(header, rows):
            lines = [rf"\begin{{tabular}}{{{block.alignment()}}}",
                     " & ".join(inline(h) for h in header) + r" \\ \hline",
                     *(" & ".join(inline(cell) for cell in row) + r" \\" for row in rows),
                     r"\end{tabular}"]
            return "\n".join(lines)
        case Items(items):
            return "\n".join([r"\begin{itemize}", *(_item(item) for item in items), r"\end{itemize}"])
        case Code(text):
            return "\\begin{verbatim}\n" + text.rstrip() + "\n\\end{verbatim}"
        case Figure(path, caption, width):
            share = f"{width:g}" if width else ""
            return ("\\begin{figure}[ht]\n\\centering\n"
                    rf"\includegraphics[width={share}\linewidth]{{{path}}}" + "\n"
                    rf"\caption{{{words(caption)}}}" + "\n\\end{figure}")
        case Space(label, share):
            return rf"\noindent\emph{{{words(label)}}}\par\vspace{{\stretch{{{share}}}}}"
        case PageBreak():
            return r"\clearpage"
    raise TypeError(f"not a block: {block!r}")
