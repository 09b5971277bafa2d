"""Writing the worksheet's formulas for people: plain text, LaTeX, and with numbers.

A formula such as ``(out_o1 - t1) * out_o1 * (1 - out_o1)`` is split into
tokens (names, numbers, operators, brackets) and written token by token:

>>> text("(out_o1 - t1) * out_o1 * (1 - out_o1)")
'(out_o1 − t1) · out_o1 · (1 − out_o1)'
>>> text("w1 * i1 + b_h1", {"w1": -0.6, "i1": 0.5, "b_h1": 0.1})
'(-0.6) · 0.5 + 0.1'
>>> latex("delta_o1 * out_h1")
'\\\\delta_{o1} \\\\cdot \\\\mathrm{out}_{h1}'
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*([A-Za-z_]\w*|\d+\.?\d*(?:e-?\d+)?|\*\*|[-+*/()])")

_TEXT_SYMBOLS = {"*": " · ", "-": " − ", "+": " + ", "/": "/", "sigmoid": "σ", "eta": "η"}
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

_LATEX_SYMBOLS = {"*": r" \cdot ", "-": " - ", "+": " + ", "/": " / ", "sigmoid": r"\sigma",
                  "tanh": r"\tanh", "relu": r"\operatorname{relu}", "step": r"\operatorname{step}",
                  "eta": r"\eta", "E": "E"}


def tokens(formula: str) -> list[str]:
    """The tokens of a formula, blanks dropped."""
    found = _TOKEN.findall(formula)
    if "".join(found) != formula.replace(" ", ""):
        raise ValueError(f"cannot read formula {formula!r}")
    return found


def format_number(value: float, decimals: int = 6) -> str:
    """A number as a student writes it: ``decimals`` places, trailing zeros dropped.

    Values too small to show at that precision keep three significant digits,
    so a small gradient is never printed as 0.

    >>> format_number(0.593269992), format_number(0.65), format_number(4.3e-08)
    ('0.59327', '0.65', '4.3e-08')
    """
    if value == 0:
        return "0"
    if abs(value) < 0.5 * 10.0 ** -decimals:
        mantissa, exponent = f"{value:.2e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def text(formula: str, values: dict | None = None, decimals: int = 6) -> str:
    """A formula in plain Unicode; with ``values``, its names replaced by numbers."""
    out, parts = [], tokens(formula)
    for k, token in enumerate(parts):
        if k > 0 and parts[k - 1] == "**":
            out[-1] = token.translate(_SUPERSCRIPTS)
            continue
        if values is not None and token in values:
            number = format_number(values[token], decimals)
            out.append(f"({number})" if number.startswith("-") and not _bracketed(parts, k)
                       else number)
        else:
            out.append(_TEXT_SYMBOLS.get(token, token))
    return "".join(out)


def _bracketed(parts: list[str], k: int) -> bool:
    """Whether token k stands alone between brackets, as the argument of σ(...)."""
    return 0 < k < len(parts) - 1 and parts[k - 1] == "(" and parts[k + 1] == ")"


def latex_name(name: str) -> str:
    r"""A contract name in LaTeX: ``net_h1`` → ``\mathrm{net}_{h1}``, ``dE_dw5`` → ∂E/∂w_5 ..."""
    if name in _LATEX_SYMBOLS:
        return _LATEX_SYMBOLS[name]
    if name.endswith("_new"):
        return latex_name(name[:-4]) + "^{+}"
    if name.startswith("dE_d"):
        return r"\frac{\partial E}{\partial " + latex_name(name[4:]) + "}"
    match = re.fullmatch(r"(net|out|delta|E|b)_(\w+)|([a-z])(\d+)", name)
    if not match:
        return rf"\mathrm{{{name}}}"
    if match[3]:
        return f"{match[3]}_{{{match[4]}}}"
    head = {"net": r"\mathrm{net}", "out": r"\mathrm{out}", "delta": r"\delta"}.get(match[1], match[1])
    return f"{head}_{{{match[2]}}}"


def latex(formula: str, values: dict | None = None, decimals: int = 6) -> str:
    """A formula in LaTeX math; with ``values``, its names replaced by numbers."""
    out, parts = [], tokens(formula)
    k = 0
    while k < len(parts):
        token = parts[k]
        if token == "**":
            out.append(f"^{{{parts[k + 1]}}}")
            k += 2
            continue
        if (token[0].isdigit() and k + 2 < len(parts) and parts[k + 1] == "/"
                and parts[k + 2][0].isdigit()):
            out.append(rf"\tfrac{{{token}}}{{{parts[k + 2]}}}")
            k += 3
            continue
        if values is not None and token in values:
            out.append(latex_number(values[token], decimals,
                                    parenthesize=not _bracketed(parts, k)))
        elif token[0].isalpha() or token[0] == "_":
            out.append(latex_name(token))
        else:
            out.append(_LATEX_SYMBOLS.get(token, token))
        k += 1
    return "".join(out).strip()


def latex_number(value: float, decimals: int = 6, parenthesize: bool = False) -> str:
    r"""A number for LaTeX math: ``4.3e-08`` → ``4.3 \times 10^{-8}``; negatives in brackets if asked."""
    number = format_number(value, decimals)
    if "e" in number:
        mantissa, exponent = number.split("e")
        number = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"({number})" if parenthesize and value < 0 else number


_LATEX_SPECIALS = {c: "\\" + c for c in "&%$#_{}"} | {"~": r"\textasciitilde{}", "^": r"\^{}",
                                                    "\\": r"\textbackslash{}"}


def latex_text(words: str) -> str:
    r"""Plain words made safe for LaTeX text mode: ``half_sse`` → ``half\_sse``."""
    return "".join(_LATEX_SPECIALS.get(c, c) for c in words)
