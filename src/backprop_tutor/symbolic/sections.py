"""The derivation's sections, as a lecture at the board writes them (see ``derivation.py``).

Each section reads the worksheet's own formulas (``SymbolicWorksheet``);
where it derives a step with SymPy, the result is checked against the
worksheet's formula (``require``).

Networks with at most ``FULL_LIMIT`` weights and biases are written in full:
every unit's formulas, every weight's gradient, and E written out in the
inputs, targets, weights and biases (that expression grows with the product
of the layer sizes). Larger networks show one representative unit and weight
per layer, and say so.

SymPy is imported inside the functions that use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from backprop_tutor.core import names
from backprop_tutor.core.activations import ACTIVATIONS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.worksheet import sent_by
from backprop_tutor.document import notation
from backprop_tutor.document.blocks import Equation, Math, Paragraph, Table
from backprop_tutor.document.formulas import (
    derivative_of,
    equation,
    expression,
    formula,
    partial,
    partial_of,
    product,
    total,
    total_by_line,
)
from backprop_tutor.symbolic.proof import TOLERANCE, PointCheck, Proof, how_proven
from backprop_tutor.symbolic.reading import (
    SymbolicWorksheet,
    equal,
    read,
    require,
    same_function,
    symbolic,
)

#: Networks with at most this many weights and biases are written in full (see above).
FULL_LIMIT = 40


@dataclass(frozen=True)
class Section:
    """A heading and its blocks, in order, as on the board.

    A block is a paragraph (a string in which a worksheet formula in
    backquotes, like `net_h1`, is shown as math; or a ``Paragraph`` of
    words and ``Math`` already), a group of equations
    aligned at their equals signs (a tuple of Equation), or a Table.
    ``output.reports.derivation`` turns sections into document blocks.
    """

    heading: str
    blocks: tuple


def _inline(formula_text: str, definitions: dict[str, str]) -> str:
    """``formula_text`` with every defined name replaced by its definition, recursively.

    A definition is bracketed unless it is a single name or call, or a term
    of a sum (which includes standing alone).

    >>> _inline("1/2 * (t1 - out_o1)**2", {"out_o1": "net_o1", "net_o1": "w1 * i1 + b_o1"})
    '1/2*(t1-(w1*i1+b_o1))**2'
    """
    parts = notation.tokens(formula_text)
    written = []
    for k, token in enumerate(parts):
        if token not in definitions:
            written.append(token)
            continue
        inner = _inline(definitions[token], definitions)
        before = parts[k - 1] if k > 0 else "("
        after = parts[k + 1] if k < len(parts) - 1 else ")"
        term = before in ("(", "+") and after in (")", "+", "-")
        written.append(inner if term or _atomic(notation.tokens(inner)) else f"({inner})")
    return "".join(written)


def _atomic(parts: list[str]) -> bool:
    """Whether tokens form a single name, number or call such as ``sigmoid(...)``."""
    if len(parts) == 1:
        return True
    if len(parts) < 3 or parts[1] != "(" or parts[-1] != ")":
        return False
    depth = 0
    for token in parts[1:-1]:
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth == 0:
            return False
    return True


# ---------------------------------------------------------------- sections

def _representatives(sheet: SymbolicWorksheet, every_weight: bool) -> list[str]:
    """The units whose formulas are shown: all, or the first of each layer."""
    return [u for layer in sheet.units[1:] for u in (layer if every_weight else layer[:1])]


def _likewise(shown: int, total: int) -> str:
    return (f"(Shown for one unit and one weight per layer: {shown} of {total} rows; the others "
            f"follow the same pattern.)" if shown < total else "")


def network_section(sheet: SymbolicWorksheet, every_weight: bool) -> Section:
    general = (equation(Math("net_u", r"\mathrm{net}_{u}"),
                        Math("Σ_s w_us · out_s + b_u", r"\sum_{s} w_{us} \cdot \mathrm{out}_{s} + b_{u}")),
               equation(Math("out_u", r"\mathrm{out}_{u}"), Math("f(net_u)", r"f(\mathrm{net}_{u})")))
    shares = sheet.names_of("E_")
    in_outputs = _inline(sheet.formulas["E"], {n: sheet.formulas[n] for n in shares})
    loss = (sheet.rows(shares) if len(shares) > 1 else ()) + (equation(formula("E"), formula(in_outputs)),)
    kind = "Keras' mean squared error" if sheet.network.loss == "mse" else "the tutorial's loss"
    return Section("The network and its loss", tuple(block for block in (
        "Backpropagation finds the derivative of the loss `E` with respect to every weight and "
        "bias by the chain rule, organised so that it is worked out backwards from the output layer.",
        "Every unit `u` forms the weighted sum of the outputs of the units `s` that feed it, plus "
        "its bias, and applies its activation `f`:",
        general,
        "In this network (the output of an input unit is the input itself):",
        sheet.rows([f"{kind}_{u}" for u in _representatives(sheet, every_weight) for kind in ("net", "out")]),
        _likewise(2 * len(_representatives(sheet, every_weight)), len(sheet.names_of("net_", "out_"))),
        f"The loss ({sheet.network.loss}, {kind}):",
        loss,
    ) if block))


def _derivative_steps(activation: str, x) -> list[tuple]:
    """The board's way from f(x) to the worksheet's f′(x): (expression, why) pairs.

    An expression may be a tuple of factors, shown side by side; ``None``
    stands for the worksheet's own form, which always comes last.
    """
    import sympy

    e = sympy.exp
    if activation == "sigmoid":
        return [(e(-x) / (1 + e(-x))**2, "quotient rule"),
                ((1 / (1 + e(-x)), e(-x) / (1 + e(-x))), ""),
                (None, "the first factor is `sigmoid(x)`, the second `1 - sigmoid(x)`")]
    if activation == "tanh":
        numerator, denominator = e(x) - e(-x), e(x) + e(-x)
        return [(1 - numerator**2 / denominator**2,
                 "quotient rule; numerator and denominator are each other's derivative"),
                (None, "")]
    if activation == "relu":
        return [(sympy.Heaviside(x), "the Heaviside step: 1 for positive x, 0 for negative x"),
                (None, "relu has no derivative at 0; take relu'(0) = 0, as TensorFlow does")]
    return [(None, "")]


def _activation_rows(activation: str) -> tuple[Equation, ...]:
    """f(x) by its definition, f′(x) by SymPy step by step, then f′ of a unit from its output.

    Formula:
        sigmoid'(x) = sigmoid(x) * (1 - sigmoid(x))
        tanh'(x)    = 1 - tanh(x)**2
        relu'(x)    = step(x)          (relu'(0) = 0)
        linear'(x)  = 1
    """
    import sympy

    x = sympy.Symbol("x")
    spec = ACTIVATIONS[activation]
    function_of_x = spec.output_formula.format(net="x")
    definition = read(function_of_x, {"x": x}).rewrite(sympy.exp)
    worksheet_form = spec.derivative_formula.format(out=function_of_x, net="x")
    previous = sympy.diff(definition, x)
    sides = []
    for shown, note in _derivative_steps(activation, x):
        if shown is None:
            value, math_ = read(worksheet_form, {"x": x}), formula(worksheet_form)
        elif isinstance(shown, tuple):
            value, math_ = sympy.Mul(*shown), product(*map(expression, shown))
        else:
            value, math_ = shown, expression(shown)
        require(same_function(value, previous, x), f"{activation}′(x) = {math_.text}")
        previous = value
        sides.append((math_, note))
    unit_form = spec.derivative_formula.format(out="out_u", net="net_u")
    return (equation(formula(f"{activation}(x)"), expression(definition)),
            equation(derivative_of(activation, "x"), *sides),
            equation(derivative_of(activation, "net_u"), formula(unit_form)))


def activation_section(sheet: SymbolicWorksheet) -> Section:
    used = dict.fromkeys(layer.activation for layer in sheet.network.layers)
    return Section("The derivatives of the activations", (
        "Each activation's derivative from its definition (SymPy differentiates and checks every "
        "step), then in the form the worksheet uses for a unit `u`:",
        *(_activation_rows(activation) for activation in used),
    ))


def delta_section() -> Section:
    return Section("The delta notation", (
        "Call the derivative of `E` with respect to the weighted sum of a unit the delta of the "
        "unit, its error signal:",
        (equation(Math("delta_u", r"\delta_{u}"),
                  Math("∂E/∂net_u", r"\frac{\partial E}{\partial \mathrm{net}_{u}}")),),
        "A weight or bias changes `E` only through the weighted sum it enters, and that sum is "
        "linear in it. So every gradient is the delta of the unit times what the weight "
        "multiplies (a bias multiplies 1):",
        (equation(Math("∂E/∂w_us", r"\frac{\partial E}{\partial w_{us}}"),
                  Math("∂E/∂net_u · ∂net_u/∂w_us",
                      r"\frac{\partial E}{\partial \mathrm{net}_{u}} \cdot "
                      r"\frac{\partial \mathrm{net}_{u}}{\partial w_{us}}"),
                  Math("delta_u · out_s", r"\delta_{u} \cdot \mathrm{out}_{s}")),
         equation(Math("∂E/∂b_u", r"\frac{\partial E}{\partial b_{u}}"), Math("delta_u", r"\delta_{u}"))),
        "What remains is the delta of every unit: first in the output layer, then backwards "
        "layer by layer.",
    ))


def _unit_factor_rows(sheet: SymbolicWorksheet, unit: str, weight: str) -> tuple[Equation, ...]:
    """∂out/∂net and ∂net/∂weight for a weight into ``unit``, the second derived by SymPy."""
    import sympy

    net, out = f"net_{unit}", f"out_{unit}"
    by_weight = sympy.diff(sheet.symbolic[net], sympy.Symbol(weight))
    return (equation(partial(out, net), derivative_of(sheet.activation(unit), net),
                     formula(sheet.derivative(unit))),
            equation(partial(net, weight), partial_of(weight, sheet.formulas[net]), expression(by_weight)))


def _layer_blocks(sheet: SymbolicWorksheet, layer: int, every_weight: bool) -> tuple:
    """The rows of one layer (0: first hidden), and a note if only some are shown."""
    shown = sheet.layer_quantities(layer, every_weight)
    note = _likewise(len(shown), len(sheet.layer_quantities(layer)))
    return (sheet.rows(shown), note) if note else (sheet.rows(shown),)


def output_section(sheet: SymbolicWorksheet, every_weight: bool) -> Section:
    import sympy

    outputs = sheet.units[-1]
    unit, target = outputs[0], names.target_names(len(outputs))[0]
    weight, sender = sheet.weights[-1][0][0], sheet.units[-2][0]
    out, net, delta, share = f"out_{unit}", f"net_{unit}", f"delta_{unit}", f"E_{unit}"
    gradient = f"dE_d{weight}"
    loss_gradient = LOSSES[sheet.network.loss].gradient_formula(out, target, len(outputs))
    by_output = sympy.diff(sheet.symbolic[share], sympy.Symbol(out))
    require(equal(by_output, symbolic(loss_gradient)), f"∂E/∂{out} = {loss_gradient}")
    factors = [f for f in (loss_gradient, sheet.derivative(unit), sent_by(sender)) if f != "1"]
    require(equal(sheet.with_delta(gradient), symbolic(" * ".join(factors))),
             f"{gradient} = {' * '.join(factors)}")
    only = f" (of `E`, only the share `{share}` depends on `{out}`)" if len(outputs) > 1 else ""
    return Section("The output layer", (
        f"Take the weight `{weight}` from `{sender}` to `{unit}`. It changes `E` only through "
        f"`{net}`, which changes `{out}`, which changes `E`. By the chain rule:",
        (equation(partial("E", weight), product(partial("E", out), partial(out, net),
                                                 partial(net, weight))),),
        f"Each factor in turn{only}:",
        (equation(partial("E", out), partial_of(out, sheet.formulas[share]),
                  expression(by_output), formula(loss_gradient)),
         *_unit_factor_rows(sheet, unit, weight)),
        "Together:",
        (equation(partial("E", weight), product(*map(formula, factors)),
                  formula(sheet.formulas[gradient])),),
        f"The first two factors are the same for every weight into `{unit}` and for its bias: "
        f"they are its delta.",
        (equation(formula(delta), partial("E", net), product(partial("E", out), partial(out, net)),
                  formula(sheet.formulas[delta])),),
        "So, for the whole output layer:",
        *_layer_blocks(sheet, len(sheet.network.layers) - 1, every_weight),
    ))


def hidden_section(sheet: SymbolicWorksheet, layer: int, every_weight: bool) -> Section:
    import sympy

    unit, fed = sheet.units[layer + 1][0], sheet.units[layer + 2]
    weight, sender = sheet.weights[layer][0][0], sheet.units[layer][0]
    out, net, delta, gradient = f"out_{unit}", f"net_{unit}", f"delta_{unit}", f"dE_d{weight}"
    by_output = [sympy.diff(sheet.symbolic[f"net_{u}"], sympy.Symbol(out)) for u in fed]
    path_sum = sum(sympy.Symbol(f"delta_{u}") * d for u, d in zip(fed, by_output, strict=True))
    chain = path_sum * symbolic(sheet.derivative(unit)) * sympy.Symbol(sent_by(sender))
    require(equal(sheet.with_delta(gradient), chain), f"{delta} = {sheet.formulas[delta]}")
    paths = [product(partial("E", f"net_{u}"), partial(f"net_{u}", out)) for u in fed]
    common = [partial(out, net), partial(net, weight)]
    path_rows = (equation(partial("E", f"net_{u}"), (formula(f"delta_{u}"), "found above")) for u in fed)
    weight_rows = (equation(partial(f"net_{u}", out), partial_of(out, sheet.formulas[f"net_{u}"]),
                            expression(d)) for u, d in zip(fed, by_output, strict=True))
    listed = ", ".join(f"`{u}`" for u in fed)
    return Section(f"Hidden layer {', '.join(sheet.units[layer + 1])}", (
        f"Take the weight `{weight}` from `{sender}` to `{unit}`. It changes `{net}` and so "
        f"`{out}`, and `E` depends on `{out}` through every unit it feeds: {listed}, one path "
        f"each. The chain rule for several variables adds up the paths:",
        (equation(partial("E", weight),
                  (total_by_line(*(product(path, *common) for path in paths)), "one term per path"),
                  (product(total(*paths), *common), "common factors taken out")),),
        "Each factor in turn:",
        (*path_rows, *weight_rows, *_unit_factor_rows(sheet, unit, weight)),
        "Together:",
        (equation(partial("E", weight), product(formula(sheet.formulas[delta]), formula(sent_by(sender))),
                  formula(sheet.formulas[gradient])),),
        f"All but the last factor are the same for every weight into `{unit}` and for its bias: "
        f"they are its delta, the deltas of the units it feeds, weighted by the connecting "
        f"weights and sent back through the derivative of its activation:",
        (equation(formula(delta), partial("E", net), product(total(*paths), partial(out, net)),
                  formula(sheet.formulas[delta])),
         equation(Math("delta_h", r"\delta_{h}"),
                  (Math("f′(net_h) · Σ_u w_uh · delta_u",
                       r"f'(\mathrm{net}_{h}) \cdot \sum_{u} w_{uh} \, \delta_{u}"),
                   "in general, summed over the units u that h feeds"))),
        "The weights in these deltas are those from before the update. So, for the whole layer:",
        *_layer_blocks(sheet, layer, every_weight),
    ))


def _shown_number(value: float) -> str:
    """A float to 12 significant digits; scientific notation when it is very large or small."""
    return f"{value + 0.0:.12g}"  # + 0.0: -0.0 is shown as 0


def proof_section(sheet: SymbolicWorksheet, proofs: tuple[Proof, ...],
                   points: tuple[PointCheck, ...], every_weight: bool) -> Section:
    failed = [p for p in proofs if not p.holds]
    shown = proofs if every_weight else tuple(dict.fromkeys(
        [next(p for p in proofs if p.gradient == f"dE_d{w}") for w in _first_weights(sheet)] + failed))
    # What the chain rule gave, SymPy-checked: the worksheet's formula of the gradient.
    rows = tuple((formula(p.gradient), formula(sheet.formulas[p.gradient]) if p.difference == "0"
                  else "not shown", p.exact, _shown_number(p.worksheet), "yes" if p.holds else "NO")
                 for p in shown)
    lossy = [p for p in proofs if p.holds and p.off > TOLERANCE * abs(p.value)]
    wrong_points = [c.point for c in points if not c.holds]
    verdict = (f"All {len(proofs)} gradients proven." if not failed and not wrong_points else
               "NOT proven: " + "; ".join(
                   [f"{', '.join(p.gradient for p in failed)}" if failed else "",
                    f"the gradient at random point {', '.join(map(str, wrong_points))} disagrees "
                    f"with mpmath's derivative of E" if wrong_points else ""]).strip("; ") + ".")
    if lossy:
        example = lossy[0]
        verdict += (f" At the file's numbers the worked solution has lost digits to rounding in "
                    f"{len(lossy)} of them (e.g. {example.gradient}: {_shown_number(example.worksheet)} "
                    f"against the exact {example.exact}, as when a sigmoid saturates in floating "
                    f"point); they agree within the float's own rounding.")
    relu = ("SymPy's derivative of max(0, x) is Heaviside(x), which leaves its value at the "
            "corner x = 0 open; it is taken as 0 there, the worksheet's relu'(0) = 0."
            if any(layer.activation == "relu" for layer in sheet.network.layers) else "")
    listed = ("" if every_weight else
              f"The table shows the first weight of each layer and any gradient not proven; "
              f"all {len(proofs)} were checked.")
    return Section("Proof", tuple(block for block in (
        "Every gradient of the worked solution is proven in three parts:",
        *(Paragraph((f"{k}. ", *sentence))
          for k, sentence in enumerate(how_proven(len(proofs), proofs[0].digits), 1)),
        relu,
        listed,
        Table(("gradient", "= by the chain rule", "exact", "worked solution", "proven"), rows,
              align="llrrl"),
        verdict,
    ) if block))


def _first_weights(sheet: SymbolicWorksheet) -> list[str]:
    return [layer[0][0] for layer in sheet.weights]


def written_out_section(sheet: SymbolicWorksheet, primitive: dict | None) -> Section:
    if primitive is None:
        return Section("The loss written out", (
            f"Written out in the inputs, targets, weights and biases, `E` would be one expression "
            f"whose size grows with the product of the layer sizes; it is shown for networks with "
            f"at most {FULL_LIMIT} weights and biases only (this one has "
            f"{len(sheet.names_of('dE_d'))}).",))
    forward = {n: sheet.formulas[n] for n in sheet.names_of("net_", "out_")}
    written_out = total_by_line(*(formula(_inline(sheet.formulas[share], forward))
                                  for share in sheet.names_of("E_")))
    return Section("The loss written out", (
        "Written out in the inputs, targets, weights and biases, the loss is",
        (equation(formula("E"), written_out),),
        "(The proof below does not need this expression: it works unit by unit.)",
    ))
