"""Formulas as the board shows them: Math values built from worksheet formulas and SymPy expressions.

``formula("delta_o1 * out_h1")`` is the worksheet's formula as text and LaTeX;
``expression(expr)`` a SymPy expression named the same way; ``equation`` an
argument written as a chain of equal sides, each with the reason it holds.

>>> formula("dE_dw5").text
'∂E/∂w5'
>>> prose("The delta `delta_o1` of the output.")[1].text
'delta_o1'
"""

from __future__ import annotations

import re

from backprop_tutor.document import notation
from backprop_tutor.document.blocks import NEWLINE, Equation, Math


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

    text = re.sub(r"\*\*(\d+)", lambda m: m[1].translate(notation.SUPERSCRIPTS),
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


def prose(paragraph: str) -> tuple[str | Math, ...]:
    """A paragraph whose worksheet formulas are in backquotes, as words and formulas."""
    return tuple(formula(part) if k % 2 else part
                 for k, part in enumerate(paragraph.split("`")) if part)
