"""The worked solution of one SGD step as a document; and as JSON.

Every line shows the general formula, the formula with the numbers
substituted, and the result, e.g.::

    delta_o1 = (out_o1 − t1) · out_o1 · (1 − out_o1)
             = (0.751365 − 0.01) · 0.751365 · (1 − 0.751365) = 0.138499

A *case* is one worked solution: a worksheet and, if asked for, its
finite-difference check (see ``gradcheck``). ``worksheet_blocks`` builds the
document; ``render(cases, "text" | "markdown" | "latex" | "typst")`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import SECTIONS, Quantity, Worksheet
from backprop_tutor.document import notation
from backprop_tutor.document.blocks import (
    Block,
    Equation,
    Equations,
    Heading,
    Math,
    Paragraph,
    Table,
)
from backprop_tutor.io import json_data
from backprop_tutor.output.writers import WRITERS

if TYPE_CHECKING:  # only for the annotations: gradcheck needs NumPy, solve does not
    from backprop_tutor.networks.gradcheck import GradientCheck

NOTE = "The backward pass uses the weights from before the update."

#: The given numbers by kind: the label and the prefix of their names.
GIVEN_KINDS = {"inputs": "i", "targets": "t", "weights": "w", "biases": "b_", "learning rate": "eta"}


@dataclass(frozen=True)
class Case:
    """One worked solution to render."""

    worksheet: Worksheet
    check: GradientCheck | None = None
    round_to: int | None = None


def describe(network: Network) -> str:
    """One line naming the network's activations, loss and learning rate.

    >>> from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
    >>> describe(load_network(DEFAULT_NETWORK))
    'hidden sigmoid, output sigmoid, loss ½·Σ (t − out)², η = 0.5'
    """
    hidden = "/".join(dict.fromkeys(layer.activation for layer in network.layers[:-1]))
    parts = [f"hidden {hidden}"] if hidden else []
    parts += [f"output {network.output_activation}", f"loss {LOSSES[network.loss].formula}",
              f"η = {notation.format_number(network.learning_rate)}"]
    return ", ".join(parts)


def render(cases: list[Case], output_format: str = "text", decimals: int = 6) -> str:
    """The worked solutions written as ``text``, ``markdown``, ``latex`` or ``typst``."""
    return WRITERS[output_format](worksheet_blocks(cases, decimals))


def render_text(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions for a terminal, readable in 80 columns."""
    return render(cases, "text", decimals)


def render_markdown(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions in Markdown with $...$ math (GitHub, Jupyter)."""
    return render(cases, "markdown", decimals)


def render_latex(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions as a LaTeX fragment (needs amsmath), ready to paste into notes."""
    return render(cases, "latex", decimals)


def render_typst(cases: list[Case], decimals: int = 6) -> str:
    """Worked solutions as Typst markup (for the printable PDF)."""
    return render(cases, "typst", decimals)


def worksheet_blocks(cases: list[Case], decimals: int = 6) -> list[Block]:
    """The worked solutions as document blocks, one level-1 heading per case."""
    return [block for n, case in enumerate(cases, start=1)
            for block in case_blocks(case, decimals, f"Case {n} of {len(cases)}: " if len(cases) > 1 else "")]


def case_blocks(case: Case, decimals: int = 6, label: str = "") -> list[Block]:
    """One worked solution: what is given, then each section of the step, then the check."""
    sheet = case.worksheet
    network = sheet.network
    blocks: list[Block] = [Heading(1, f"{label}{network.title or 'Network'}"), Paragraph(describe(network)),
              Paragraph(f"Loss: {LOSSES[network.loss].description}.")]
    if case.round_to is not None:
        blocks.append(Paragraph(f"Every intermediate value is rounded to {case.round_to} decimals "
                                "as it is used."))
    blocks += [Heading(2, "Given"), given_table(sheet.given, decimals)]
    values = {**sheet.given, **sheet.values}
    for section, heading in SECTIONS.items():
        blocks.append(Heading(2, heading))
        if section == "deltas":
            blocks.append(Paragraph(NOTE))
        blocks.append(Equations(tuple(_equation(q, values, decimals)
                                      for q in sheet.quantities if q.section == section)))
    if case.check is not None:
        blocks += _check_blocks(case.check, decimals)
    return blocks


def _math(formula: str, values: dict | None = None, decimals: int = 6) -> Math:
    return Math(notation.text(formula, values, decimals), notation.latex(formula, values, decimals))


def _number(value: float, decimals: int) -> Math:
    return Math(notation.number(value, notation.TEXT, decimals), notation.latex_number(value, decimals))


def given_kinds(given: dict[str, float]) -> list[tuple[str, list[str]]]:
    """The names of the given numbers by kind (inputs, targets, ...), kinds without one left out.

    >>> given_kinds({"i1": 0.5, "t1": 0.9, "w1": 0.3, "eta": 0.5})
    [('inputs', ['i1']), ('targets', ['t1']), ('weights', ['w1']), ('learning rate', ['eta'])]
    """
    kinds = [(label, [n for n in given if n.startswith(prefix)])
             for label, prefix in GIVEN_KINDS.items()]
    return [(label, found) for label, found in kinds if found]


def given_table(given: dict[str, float], decimals: int) -> Table:
    """The given numbers by kind, one row per kind."""
    rows = []
    for label, found in given_kinds(given):
        items = [Math(f"{notation.text(n)} = {notation.format_number(given[n], decimals)}",
                      f"{notation.latex_name(n)} = {notation.latex_number(given[n], decimals)}")
                 for n in found]
        rows.append((label, tuple(part for item in items for part in (item, ",  "))[:-1]))
    return Table(("given", "values"), tuple(rows), align="ll", stretch=(1,))


def _equation(q: Quantity, values: dict, decimals: int) -> Equation:
    """name = formula = formula with the numbers = result.

    A formula that is a single name (dE_db_h1 = delta_h1) needs no side with
    numbers, and a result equal to the side before it is not repeated.
    """
    sides = [_math(q.formula)]
    if len(notation.tokens(q.formula)) > 1:
        sides.append(_math(q.formula, values, decimals))
    result = _number(q.value, decimals)
    if sides[-1] != result:
        sides.append(result)
    return Equation(_math(q.name), tuple(sides))


def check_summary(check: GradientCheck) -> str:
    """One sentence on how backpropagation and finite differences compare."""
    if check.max_relative_error < 1e-5:
        verdict = "backpropagation agrees with finite differences."
    else:
        verdict = ("backpropagation and finite differences disagree (a relu unit with net "
                   "within h of 0, or rounding as you go, can cause this).")
    return f"max relative error {check.max_relative_error:.1e}: {verdict}"


def _check_blocks(check: GradientCheck, decimals: int) -> list[Block]:
    rows = tuple((_math(f"dE_d{name}"), notation.format_number(check.backprop[name], decimals),
                  notation.format_number(check.finite_difference[name], decimals),
                  f"{check.relative_error(name):.1e}")
                 for name in check.backprop)
    return [Heading(2, "Finite-difference check"),
            Paragraph(f"Central differences (E(p + h) − E(p − h)) / 2h with h = {check.h:g}."),
            Table(("gradient", "backprop", "finite diff.", "rel. error"), rows),
            Paragraph(check_summary(check).capitalize())]


# ---------------------------------------------------------------- JSON

def case_json(case: Case) -> dict:
    """One case as a JSON-ready dict; numbers in full double precision."""
    sheet = case.worksheet
    network = sheet.network
    result: dict[str, object] = {
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
