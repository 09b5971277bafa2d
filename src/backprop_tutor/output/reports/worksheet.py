"""Renderers of worked solutions: text for a terminal, Markdown, LaTeX, Typst and JSON.

Each renderer walks the worksheet's quantities; every line shows the general
formula, the formula with the numbers substituted, and the result, e.g.::

    delta_o1 = (out_o1 − t1) · out_o1 · (1 − out_o1)
             = (0.751365 − 0.01) · 0.751365 · (1 − 0.751365) = 0.138499

A *case* is one worked solution: a worksheet and, if asked for, its
finite-difference check (see ``gradcheck``).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import SECTIONS, Quantity, Worksheet
from backprop_tutor.output import json_data, notation

if TYPE_CHECKING:  # only for the annotations: gradcheck needs NumPy, solve does not
    from backprop_tutor.core.gradcheck import GradientCheck

WIDTH = 80
NOTE = "The backward pass uses the weights from before the update."


@dataclass(frozen=True)
class Case:
    """One worked solution to render."""

    worksheet: Worksheet
    check: GradientCheck | None = None
    round_to: int | None = None


def describe(network: Network) -> str:
    """One line naming the network's activations, loss and learning rate."""
    hidden = "/".join(dict.fromkeys(layer.activation for layer in network.layers[:-1]))
    parts = [f"hidden {hidden}"] if hidden else []
    parts += [f"output {network.output_activation}", f"loss {network.loss}",
              f"η = {notation.format_number(network.learning_rate)}"]
    return ", ".join(parts)


def _sections(worksheet: Worksheet):
    """(section key, heading, quantities) in worksheet order."""
    for section, heading in SECTIONS.items():
        yield section, heading, [q for q in worksheet.quantities if q.section == section]


def _equation(q: Quantity, values: dict, decimals: int, style: notation.Notation) -> list[str]:
    """The right-hand sides of a line: formula, formula with numbers, result.

    A formula that is a single name (dE_db_h1 = delta_h1) needs no line with
    numbers, and a result equal to the line before it is not repeated.
    """
    parts = [notation.write(q.formula, style)]
    if len(notation.tokens(q.formula)) > 1:
        parts.append(notation.write(q.formula, style, values, decimals))
    result = notation.number(q.value, style, decimals)
    return parts if parts[-1] == result else parts + [result]


def _check_summary(check: GradientCheck) -> str:
    if check.max_relative_error < 1e-5:
        verdict = "backpropagation agrees with finite differences."
    else:
        verdict = ("backpropagation and finite differences disagree (a relu unit with net "
                   "within h of 0, or rounding as you go, can cause this).")
    return f"max relative error {check.max_relative_error:.1e}: {verdict}"


# ---------------------------------------------------------------- text

def render_text(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions for a terminal, readable in 80 columns."""
    return "\n\n".join(_text_case(case, decimals, n, len(cases))
                       for n, case in enumerate(cases, start=1)).rstrip() + "\n"


def _text_case(case: Case, decimals: int, number: int, count: int) -> str:
    sheet = case.worksheet
    label = f"Case {number} of {count}: " if count > 1 else ""
    lines = [f"{label}{sheet.network.title or 'Network'}", describe(sheet.network), "=" * WIDTH,
             f"Loss: {LOSSES[sheet.network.loss].description}."]
    if case.round_to is not None:
        lines.append(f"Every intermediate value is rounded to {case.round_to} decimals as it is used.")
    lines += ["", "Given", *_text_given(sheet.given, decimals)]
    values = {**sheet.given, **sheet.values}
    for section, heading, quantities in _sections(sheet):
        lines += ["", heading]
        if section == "deltas":
            lines.append(f"  ({NOTE})")
        width = max(len(q.name) for q in quantities)
        for q in quantities:
            lines += _text_lines(q.name, _equation(q, values, decimals, notation.TEXT), width)
    if case.check is not None:
        lines += ["", *_text_check(case.check, decimals)]
    return "\n".join(lines)


def _text_given(given: dict[str, float], decimals: int) -> list[str]:
    """The given numbers by kind, wrapped at 80 columns."""
    kinds = {"inputs": "i", "targets": "t", "weights": "w", "biases": "b_", "learning rate": "eta"}
    lines = []
    for label, prefix in kinds.items():
        # No-break spaces keep "w1 = 0.3" together when the line is wrapped.
        items = ",  ".join(f"{notation.text(n)}\u00a0=\u00a0{notation.format_number(v, decimals)}"
                           for n, v in given.items() if n.startswith(prefix))
        if items:
            lines += [line.replace("\u00a0", " ") for line in
                      textwrap.wrap(f"{label:<15}{items}", WIDTH, initial_indent="  ",
                                    subsequent_indent=" " * 17)]
    return lines


def _text_lines(name: str, parts: list[str], width: int) -> list[str]:
    """One line if it fits in 80 columns, else the = signs aligned below each other."""
    line = f"  {name:<{width}} = " + " = ".join(parts)
    if len(line) <= WIDTH:
        return [line]
    indent = " " * (width + 3)
    rest = " = ".join(parts[1:])
    if len(indent) + 2 + len(rest) <= WIDTH:
        return [f"  {name:<{width}} = {parts[0]}", f"{indent}= {rest}"]
    return [f"  {name:<{width}} = {parts[0]}"] + [f"{indent}= {part}" for part in parts[1:]]


def _text_check(check: GradientCheck, decimals: int) -> list[str]:
    lines = [f"Finite-difference check: (E(p + h) − E(p − h)) / 2h with h = {check.h:g}",
             f"  {'gradient':<12}{'backprop':>16}{'finite diff.':>16}{'rel. error':>14}"]
    for name in check.backprop:
        lines.append(f"  {'dE_d' + name:<12}{notation.format_number(check.backprop[name], decimals):>16}"
                     f"{notation.format_number(check.finite_difference[name], decimals):>16}"
                     f"{check.relative_error(name):>14.1e}")
    lines.append(f"  {_check_summary(check).capitalize()}")
    return lines


# ---------------------------------------------------------------- Markdown

def render_markdown(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions in Markdown with $...$ math (GitHub, Jupyter)."""
    return "\n\n".join(_markdown_case(case, decimals) for case in cases).rstrip() + "\n"


def _markdown_case(case: Case, decimals: int) -> str:
    sheet = case.worksheet
    lines = [f"## {sheet.network.title or 'Network'}: {describe(sheet.network)}", ""]
    if case.round_to is not None:
        lines += [f"Every intermediate value is rounded to {case.round_to} decimals.", ""]
    lines += [f"**Given:** {_math_given(sheet.given, decimals, notation.LATEX)}", ""]
    values = {**sheet.given, **sheet.values}
    for section, heading, quantities in _sections(sheet):
        lines += [f"### {heading}", ""]
        if section == "deltas":
            lines += [NOTE, ""]
        lines += ["| Quantity | Formula | With the numbers | Value |", "|---|---|---|---|"]
        for q in quantities:
            parts = _equation(q, values, decimals, notation.LATEX)
            formula, substituted = parts[0], parts[1] if len(parts) == 3 else ""
            result = notation.number(q.value, notation.LATEX, decimals)
            lines.append(f"| `{q.name}` | ${formula}$ | {f'${substituted}$' if substituted else ''} "
                         f"| ${result}$ |")
        lines.append("")
    if case.check is not None:
        lines += ["### Finite-difference check", "",
                  f"Central differences with $h = {case.check.h:g}$: {_check_summary(case.check)}", ""]
    return "\n".join(lines)


def _math_given(given: dict[str, float], decimals: int, style: notation.Notation) -> str:
    return ", ".join(f"${notation.write(n, style)} = {notation.number(v, style, decimals)}$"
                     for n, v in given.items())


# ---------------------------------------------------------------- LaTeX and Typst

@dataclass(frozen=True)
class Markup:
    """How a typesetting language writes headings, plain words and aligned equations."""

    notation: notation.Notation
    heading: Callable[[int, str], str]     # level (1 = case, 2 = section), text
    escape: Callable[[str], str]           # plain words made safe
    aligned: Callable[[list[str]], str]    # rows "lhs &= rhs" as one display


LATEX_MARKUP = Markup(
    notation.LATEX,
    heading=lambda level, words: (r"\subsection*{" if level == 1 else r"\paragraph{") + words + "}",
    escape=notation.latex_text,
    aligned=lambda rows: "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}",
)

TYPST_MARKUP = Markup(
    notation.TYPST,
    heading=lambda level, words: "=" * (level + 1) + " " + words,
    escape=notation.typst_text,
    aligned=lambda rows: "$ " + " \\\n".join(rows) + " $",
)


def render_latex(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions as a LaTeX fragment (needs amsmath), ready to paste into notes."""
    return _render_markup(cases, decimals, LATEX_MARKUP)


def render_typst(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions as Typst markup (for the printable PDF)."""
    return _render_markup(cases, decimals, TYPST_MARKUP)


def _render_markup(cases: list[Case], decimals: int, markup: Markup) -> str:
    return "\n\n".join(_markup_case(case, decimals, markup) for case in cases).rstrip() + "\n"


def _markup_case(case: Case, decimals: int, markup: Markup) -> str:
    sheet, style = case.worksheet, markup.notation
    eta = f"${style.symbols['eta']}$"
    summary = markup.escape(describe(sheet.network)).replace("η", eta)
    lines = [markup.heading(1, f"{markup.escape(sheet.network.title or 'Network')}: {summary}"), ""]
    if case.round_to is not None:
        lines += [f"Every intermediate value is rounded to {case.round_to} decimals.", ""]
    lines += [f"Given: {_math_given(sheet.given, decimals, style)}.", ""]
    values = {**sheet.given, **sheet.values}
    for section, heading, quantities in _sections(sheet):
        lines += [markup.heading(2, heading), ""]
        if section == "deltas":
            lines += [NOTE, ""]
        rows = []
        for q in quantities:
            name, parts = notation.write(q.name, style), _equation(q, values, decimals, style)
            # Short lines stay on one row; long ones put the numbers on a second row.
            if len(" = ".join(_equation(q, values, decimals, notation.TEXT))) <= 50:
                rows.append(f"{name} &= " + " = ".join(parts))
            else:
                rows += [f"{name} &= {parts[0]}", "  &= " + " = ".join(parts[1:])]
        lines += [markup.aligned(rows), ""]
    if case.check is not None:
        lines.append(f"Finite-difference check (central differences, h = {case.check.h:g}): "
                     f"{markup.escape(_check_summary(case.check))}")
    return "\n".join(lines)


# ---------------------------------------------------------------- JSON

def case_json(case: Case) -> dict:
    """One case as a JSON-ready dict; numbers in full double precision."""
    sheet = case.worksheet
    network = sheet.network
    result = {
        "title": network.title,
        "hidden_activation": network.hidden_activation,
        "output_activation": network.output_activation,
        "activations": [layer.activation for layer in network.layers],
        "loss": network.loss,
        "learning_rate": network.learning_rate,
        "round_as_you_go": case.round_to,
        "given": sheet.given,
        "values": sheet.values,
        "formulas": {q.name: q.formula for q in sheet.quantities},
    }
    if case.check is not None:
        result["check"] = {"h": case.check.h, "max_relative_error": case.check.max_relative_error,
                           "finite_difference": case.check.finite_difference}
    return result


def render_json(cases: list[Case]) -> str:
    """``{"values": ...}`` for one case, ``{"cases": [...]}`` for several."""
    document = case_json(cases[0]) if len(cases) == 1 else {"cases": [case_json(c) for c in cases]}
    return json_data.dumps(document)
