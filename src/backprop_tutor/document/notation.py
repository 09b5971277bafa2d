"""Writing the worksheet's formulas for people: plain text and LaTeX, with or without numbers.

A formula such as ``(out_o1 - t1) * out_o1 * (1 - out_o1)`` is split into
tokens (names, numbers, operators, brackets) and written token by token in
one of two notations (the Typst writer translates the LaTeX):

>>> text("(out_o1 - t1) * out_o1 * (1 - out_o1)")
'(out_o1 − t1) · out_o1 · (1 − out_o1)'
>>> text("w1 * i1 + b_h1", {"w1": -0.6, "i1": 0.5, "b_h1": 0.1})
'(-0.6) · 0.5 + 0.1'
>>> print(latex("1/2 * (t1 - out_o1)**2"))
\\tfrac{1}{2} \\cdot (t_{1} - \\mathrm{out}_{o1})^{2}
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from backprop_tutor.core.activations import ACTIVATIONS

_TOKEN = re.compile(r"\s*([A-Za-z_]\w*|\d+\.?\d*(?:e-?\d+)?|\*\*|[-+*/()])")
_NAME = re.compile(r"(net|out|delta|E|b)_([a-z]+\d+)|([a-z])(\d+)")

#: Digits and minus as superscripts: "-20" → "⁻²⁰".
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def tokens(formula: str) -> list[str]:
    """The tokens of a formula, blanks dropped."""
    found = _TOKEN.findall(formula)
    if "".join(found) != formula.replace(" ", ""):
        raise ValueError(f"cannot read formula {formula!r}")
    return found


def format_number(value: float, decimals: int = 6) -> str:
    """A number as a student writes it: ``decimals`` places, trailing zeros dropped.

    Values too small to show at that precision keep three significant digits,
    so a small gradient is never printed as 0; values of a million or more
    are written in scientific notation, never as a 190-digit integer.

    >>> format_number(0.593269992), format_number(0.65), format_number(4.3e-08)
    ('0.59327', '0.65', '4.3e-08')
    >>> format_number(524288.0), format_number(1.5e190), format_number(float("-inf"))
    ('524288', '1.5e+190', '-inf')
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    if abs(value) < 0.5 * 10.0 ** -decimals:
        return _scientific(value, 3)
    if abs(value) >= 1e6:
        return _scientific(value, 7)
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def _scientific(value: float, digits: int) -> str:
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"


@dataclass(frozen=True)
class Notation:
    """How one notation writes operators, names, numbers and powers.

    Without ``subscript`` (and ``upright``, ``partial``, ``updated``, which go with it) names
    are written as they are (the text notation).
    """

    symbols: dict[str, str]                 # operators, function names, eta
    scientific: Callable[[str, int], str]   # a tiny number: mantissa, exponent
    power: Callable[[str], str]             # the exponent after **
    fraction: Callable[[str, str], str] | None = None   # number / number, if set apart
    upright: Callable[[str], str] | None = None         # a word: net, out
    subscript: Callable[[str, str], str] | None = None  # head, index: w_5, net_h1
    partial: Callable[[str], str] | None = None         # dE/d(inner)
    updated: Callable[[str], str] | None = None         # inner after the update

    def name(self, name: str) -> str:
        """A contract name: net_h1, delta_o1, dE_dw5, w5_new, ..."""
        if (self.subscript is None or self.upright is None or self.partial is None
                or self.updated is None):
            return name
        if name.endswith("_new"):
            return self.updated(self.name(name[:-4]))
        if name.startswith("dE_d"):
            return self.partial(self.name(name[4:]))
        match = _NAME.fullmatch(name)
        if not match:
            return self.upright(name)
        if match[3]:
            return self.subscript(match[3], match[4])
        head = {"net": self.upright("net"), "out": self.upright("out"),
                "delta": self.symbols["delta"]}.get(match[1], match[1])
        return self.subscript(head, match[2])


def write(formula: str, notation: Notation, values: dict | None = None, decimals: int = 6) -> str:
    """A formula in ``notation``; with ``values``, its names replaced by numbers."""
    out, parts, k = [], tokens(formula), 0
    while k < len(parts):
        token = parts[k]
        if token == "**":
            out.append(notation.power(parts[k + 1]))
            k += 2
        elif (notation.fraction and token[0].isdigit() and k + 2 < len(parts)
              and parts[k + 1] == "/" and parts[k + 2][0].isdigit()):
            out.append(notation.fraction(token, parts[k + 2]))
            k += 3
        else:
            if values is not None and token in values:
                out.append(number(values[token], notation, decimals,
                                  parenthesize=not _bracketed(parts, k)))
            elif token in notation.symbols:
                out.append(notation.symbols[token])
            elif token[0].isalpha():
                out.append(notation.name(token))
            else:
                out.append(token)
            k += 1
    return "".join(out).strip()


def number(value: float, notation: Notation, decimals: int = 6, parenthesize: bool = False) -> str:
    """A number in ``notation``: 4.3e-08 becomes 4.3 × 10⁻⁸; negatives bracketed if asked."""
    written = format_number(value, decimals)
    if "e" in written:
        mantissa, exponent = written.split("e")
        written = notation.scientific(mantissa, int(exponent))
    return f"({written})" if parenthesize and value < 0 else written


def _bracketed(parts: list[str], k: int) -> bool:
    """Whether token k stands alone between brackets, as the argument of σ(...)."""
    return 0 < k < len(parts) - 1 and parts[k - 1] == "(" and parts[k + 1] == ")"


# ---------------------------------------------------------------- the two notations

TEXT = Notation(
    symbols={"*": " · ", "-": " − ", "+": " + ", "/": "/", "eta": "η",
             **{a.name: a.symbol for a in ACTIVATIONS.values() if a.symbol}},
    scientific=lambda mantissa, exponent: f"{mantissa}e{exponent:+03d}",
    power=lambda exponent: exponent.translate(SUPERSCRIPTS),
)

LATEX = Notation(
    symbols={"*": r" \cdot ", "-": " - ", "+": " + ", "/": " / ", "step": r"\operatorname{step}",
             "eta": r"\eta", "delta": r"\delta", "E": "E",
             **{a.name: a.latex for a in ACTIVATIONS.values() if a.latex}},
    scientific=lambda mantissa, exponent: rf"{mantissa} \times 10^{{{exponent}}}",
    power=lambda exponent: f"^{{{exponent}}}",
    fraction=lambda a, b: rf"\tfrac{{{a}}}{{{b}}}",
    upright=lambda word: rf"\mathrm{{{word}}}",
    subscript=lambda head, index: f"{head}_{{{index}}}",
    partial=lambda inner: rf"\frac{{\partial E}}{{\partial {inner}}}",
    updated=lambda inner: inner + "^{+}",
)

def text(formula: str, values: dict | None = None, decimals: int = 6) -> str:
    """A formula in plain Unicode; with ``values``, its names replaced by numbers."""
    return write(formula, TEXT, values, decimals)


def latex(formula: str, values: dict | None = None, decimals: int = 6) -> str:
    """A formula in LaTeX math; with ``values``, its names replaced by numbers."""
    return write(formula, LATEX, values, decimals)


def latex_name(name: str) -> str:
    r"""A contract name in LaTeX: ``net_h1`` → ``\mathrm{net}_{h1}``, ``dE_dw5`` → ∂E/∂w_5 ..."""
    return write(name, LATEX)


def latex_number(value: float, decimals: int = 6) -> str:
    r"""A number for LaTeX math: ``4.3e-08`` → ``4.3 \times 10^{-8}``."""
    return number(value, LATEX, decimals)
