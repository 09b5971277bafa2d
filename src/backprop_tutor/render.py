"""Renderers of worked solutions: text for a terminal, Markdown, LaTeX and JSON.

Each renderer walks the worksheet's quantities; every line shows the general
formula, the formula with the numbers substituted, and the result, e.g.::

    delta_o1 = (out_o1 − t1) · out_o1 · (1 − out_o1)
             = (0.751365 − 0.01) · 0.751365 · (1 − 0.751365) = 0.138499

A *case* is one worked solution: a worksheet and, if asked for, its
finite-difference check (see ``gradcheck``).
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass

from . import notation
from .gradcheck import GradientCheck
from .losses import LOSSES
from .network import Network
from .worksheet import SECTIONS, Worksheet

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


def _given_groups(given: dict[str, float]) -> dict[str, dict[str, float]]:
    """The given numbers grouped for display: inputs, targets, weights, biases, learning rate."""
    groups = {"inputs": "i", "targets": "t", "weights": "w", "biases": "b_", "learning rate": "eta"}
    return {label: {n: v for n, v in given.items() if n.startswith(prefix)}
            for label, prefix in groups.items()
            if any(n.startswith(prefix) for n in given)}


def _section_quantities(worksheet: Worksheet):
    for section, heading in SECTIONS.items():
        quantities = [q for q in worksheet.quantities if q.section == section]
        yield section, heading, quantities


# ---------------------------------------------------------------- text

def render_text(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions for a terminal, readable in 80 columns."""
    return "\n\n".join(_text_case(case, decimals, n, len(cases))
                       for n, case in enumerate(cases, start=1)).rstrip() + "\n"


def _text_case(case: Case, decimals: int, number: int, count: int) -> str:
    sheet = case.worksheet
    network = sheet.network
    title = network.title or "Network"
    label = f"Case {number} of {count}: " if count > 1 else ""
    lines = [f"{label}{title}", f"{describe(sheet.network)}", "=" * WIDTH]
    loss = LOSSES[network.loss]
    lines.append(f"Loss: {loss.description}.")
    if case.round_to is not None:
        lines.append(f"Every intermediate value is rounded to {case.round_to} decimals as it is used.")
    lines += ["", "Given"]
    for label, group in _given_groups(sheet.given).items():
        # No-break spaces keep "w1 = 0.3" together when the line is wrapped.
        items = ",  ".join(f"{notation.text(n)}\u00a0=\u00a0{notation.format_number(v, decimals)}"
                           for n, v in group.items())
        lines += [line.replace("\u00a0", " ") for line in
                  textwrap.wrap(f"{label:<15}{items}", WIDTH, initial_indent="  ",
                                subsequent_indent=" " * 17)]
    values = {**sheet.given, **sheet.values}
    for section, heading, quantities in _section_quantities(sheet):
        lines += ["", heading]
        if section == "deltas":
            lines.append(f"  ({NOTE})")
        width = max(len(q.name) for q in quantities)
        for q in quantities:
            lines += _text_quantity(q, values, decimals, width)
    if case.check is not None:
        lines += ["", *_text_check(case.check, decimals)]
    return "\n".join(lines)


def _text_quantity(q, values, decimals, width) -> list[str]:
    general = notation.text(q.formula)
    substituted = notation.text(q.formula, values, decimals)
    result = notation.format_number(q.value, decimals)
    # A formula that is a single name (dE_db_h1 = delta_h1) needs no substitution line.
    parts = [general] if len(notation.tokens(q.formula)) == 1 else [general, substituted]
    if parts[-1] != result:
        parts.append(result)
    line = f"  {q.name:<{width}} = " + " = ".join(parts)
    if len(line) <= WIDTH:
        return [line]
    indent = " " * (width + 3)
    lines = [f"  {q.name:<{width}} = {parts[0]}"]
    rest = " = ".join(parts[1:])
    if len(indent) + 2 + len(rest) <= WIDTH:
        return lines + [f"{indent}= {rest}"]
    return lines + [f"{indent}= {part}" for part in parts[1:]]


def _text_check(check: GradientCheck, decimals: int) -> list[str]:
    lines = [f"Finite-difference check: (E(p + h) − E(p − h)) / 2h with h = {check.h:g}",
             f"  {'gradient':<12}{'backprop':>16}{'finite diff.':>16}{'rel. error':>14}"]
    for name in check.backprop:
        lines.append(f"  {'dE_d' + name:<12}{notation.format_number(check.backprop[name], decimals):>16}"
                     f"{notation.format_number(check.finite_difference[name], decimals):>16}"
                     f"{check.relative_error(name):>14.1e}")
    lines.append(f"  Max relative error {check.max_relative_error:.1e}: {_verdict(check)}")
    return lines


def _verdict(check: GradientCheck) -> str:
    if check.max_relative_error < 1e-5:
        return "backpropagation agrees with finite differences."
    return ("backpropagation and finite differences disagree (a relu unit with net "
            "within h of 0, or rounding as you go, can cause this).")


# ---------------------------------------------------------------- Markdown

def render_markdown(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions in Markdown with $...$ math (GitHub, Jupyter)."""
    return "\n\n".join(_markdown_case(case, decimals) for case in cases).rstrip() + "\n"


def _markdown_case(case: Case, decimals: int) -> str:
    sheet = case.worksheet
    title = sheet.network.title or "Network"
    lines = [f"## {title}: {describe(sheet.network)}", ""]
    if case.round_to is not None:
        lines += [f"Every intermediate value is rounded to {case.round_to} decimals.", ""]
    given = ", ".join(f"${notation.latex_name(n)} = {notation.latex_number(v, decimals)}$"
                      for n, v in sheet.given.items())
    lines += [f"**Given:** {given}", ""]
    values = {**sheet.given, **sheet.values}
    for section, heading, quantities in _section_quantities(sheet):
        lines += [f"### {heading}", ""]
        if section == "deltas":
            lines += [NOTE, ""]
        lines += ["| Quantity | Formula | With the numbers | Value |", "|---|---|---|---|"]
        for q in quantities:
            lines.append(f"| `{q.name}` | ${notation.latex(q.formula)}$ "
                         f"| ${notation.latex(q.formula, values, decimals)}$ "
                         f"| ${notation.latex_number(q.value, decimals)}$ |")
        lines.append("")
    if case.check is not None:
        check = case.check
        lines += ["### Finite-difference check", "",
                  f"Central differences with $h = {check.h:g}$: "
                  f"max relative error {check.max_relative_error:.1e}, {_verdict(check)}", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- LaTeX

def render_latex(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions as a LaTeX fragment (needs amsmath), ready to paste into notes."""
    return "\n\n".join(_latex_case(case, decimals) for case in cases).rstrip() + "\n"


def _latex_case(case: Case, decimals: int) -> str:
    sheet = case.worksheet
    title = notation.latex_text(sheet.network.title or "Network")
    summary = notation.latex_text(describe(sheet.network)).replace("η", r"$\eta$")
    lines = [rf"\subsection*{{{title}: {summary}}}"]
    if case.round_to is not None:
        lines.append(f"Every intermediate value is rounded to {case.round_to} decimals.")
    given = ", ".join(f"${notation.latex_name(n)} = {notation.latex_number(v, decimals)}$"
                      for n, v in sheet.given.items())
    lines.append(f"Given: {given}.")
    values = {**sheet.given, **sheet.values}
    for section, heading, quantities in _section_quantities(sheet):
        lines.append(rf"\paragraph{{{heading}}}")
        if section == "deltas":
            lines.append(NOTE)
        rows = []
        for q in quantities:
            rows.append(rf"{notation.latex_name(q.name)} &= {notation.latex(q.formula)}")
            rows.append(rf"  &= {notation.latex(q.formula, values, decimals)}"
                        rf" = {notation.latex_number(q.value, decimals)}")
        lines += [r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]
    if case.check is not None:
        check = case.check
        lines.append(rf"Finite-difference check (central, $h = {check.h:g}$): max relative error "
                     rf"${notation.latex_number(check.max_relative_error, 2)}$.")
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
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
