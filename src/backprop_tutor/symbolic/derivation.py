"""Problem 1: backpropagation derived step by step with SymPy, and proven.

The derivation goes as a lecture at the board does:

1. the network's formulas and its loss;
2. each activation's derivative, derived from its definition;
3. the delta notation::

       delta_u = dE/dnet_u        dE/dw_us = delta_u * out_s        dE/db_u = delta_u

4. the output layer, for a weight w from unit s into output unit o::

       dE/dw = dE/dout_o * dout_o/dnet_o * dnet_o/dw = delta_o * out_s

5. each hidden layer, where E depends on a unit h along one path through
   each unit u that h feeds::

       delta_h = f'(net_h) * sum_u w_uh * delta_u

6. the proof: for every weight and bias p::

       chain rule(p) - d/dp E(inputs, targets, weights, biases) = 0     (SymPy)
       chain rule(p) at the file's numbers = the worksheet's dE_dp

Every formula on the board is the worksheet's own (``worksheet.steps``), read
by SymPy instead of evaluated on floats, so that the derivation, the worked
solution and the answer checker cannot drift apart. Where the board derives a
step with SymPy, the result is checked against the worksheet's formula.

SymPy is imported inside the functions that use it: importing this module,
or starting the command line, does not import it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from backprop_tutor import extras
from backprop_tutor.core import names
from backprop_tutor.core.activations import ACTIVATIONS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import given_values, solve, source
from backprop_tutor.output import notation
from backprop_tutor.output.document import Equation, Math, Table
from backprop_tutor.output.formulas import (
    derivative_of,
    equation,
    expression,
    formula,
    number,
    partial,
    partial_of,
    product,
    total,
    total_by_line,
)
from backprop_tutor.symbolic.reading import (
    SymbolicWorksheet,
    equal,
    read,
    require,
    same_function,
    symbolic,
    zero_by,
)

#: The chain rule at the file's numbers and the worksheet must agree this closely (relative).
TOLERANCE = 1e-12
HEADING = "Problem 1, backpropagation derived"


@dataclass(frozen=True)
class Section:
    """A heading and its blocks, in order, as on the board.

    A block is a paragraph (a string in which a worksheet formula in
    backquotes, like `net_h1`, is shown as math), a group of equations
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

def _network_section(sheet: SymbolicWorksheet) -> Section:
    general = (equation(Math("net_u", r"\mathrm{net}_{u}"),
                        Math("Σ_s w_us · out_s + b_u", r"\sum_{s} w_{us} \cdot \mathrm{out}_{s} + b_{u}")),
               equation(Math("out_u", r"\mathrm{out}_{u}"), Math("f(net_u)", r"f(\mathrm{net}_{u})")))
    shares = sheet.names_of("E_")
    in_outputs = _inline(sheet.formulas["E"], {n: sheet.formulas[n] for n in shares})
    loss = (sheet.rows(shares) if len(shares) > 1 else ()) + (equation(formula("E"), formula(in_outputs)),)
    kind = "Keras' mean squared error" if sheet.network.loss == "mse" else "the tutorial's loss"
    return Section("The network and its loss", (
        "Backpropagation finds the derivative of the loss `E` with respect to every weight and "
        "bias by the chain rule, organised so that it is worked out backwards from the output layer.",
        "Every unit `u` forms the weighted sum of the outputs of the units `s` that feed it, plus "
        "its bias, and applies its activation `f`:",
        general,
        "In this network (the output of an input unit is the input itself):",
        sheet.rows(sheet.names_of("net_", "out_")),
        f"The loss ({sheet.network.loss}, {kind}):",
        loss,
    ))


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


def _activation_section(sheet: SymbolicWorksheet) -> Section:
    used = dict.fromkeys(layer.activation for layer in sheet.network.layers)
    return Section("The derivatives of the activations", (
        "Each activation's derivative from its definition (SymPy differentiates and checks every "
        "step), then in the form the worksheet uses for a unit `u`:",
        *(_activation_rows(activation) for activation in used),
    ))


def _delta_section() -> Section:
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


def _output_section(sheet: SymbolicWorksheet) -> Section:
    import sympy

    outputs = sheet.units[-1]
    unit, target = outputs[0], names.target_names(len(outputs))[0]
    weight, sender = sheet.weights[-1][0][0], sheet.units[-2][0]
    out, net, delta, share = f"out_{unit}", f"net_{unit}", f"delta_{unit}", f"E_{unit}"
    gradient = f"dE_d{weight}"
    loss_gradient = LOSSES[sheet.network.loss].gradient_formula(out, target, len(outputs))
    by_output = sympy.diff(sheet.symbolic[share], sympy.Symbol(out))
    require(equal(by_output, symbolic(loss_gradient)), f"∂E/∂{out} = {loss_gradient}")
    factors = [f for f in (loss_gradient, sheet.derivative(unit), source(sender)) if f != "1"]
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
        sheet.layer_rows(len(sheet.network.layers) - 1),
    ))


def _hidden_section(sheet: SymbolicWorksheet, layer: int) -> Section:
    import sympy

    unit, fed = sheet.units[layer + 1][0], sheet.units[layer + 2]
    weight, sender = sheet.weights[layer][0][0], sheet.units[layer][0]
    out, net, delta, gradient = f"out_{unit}", f"net_{unit}", f"delta_{unit}", f"dE_d{weight}"
    by_output = [sympy.diff(sheet.symbolic[f"net_{u}"], sympy.Symbol(out)) for u in fed]
    path_sum = sum(sympy.Symbol(f"delta_{u}") * d for u, d in zip(fed, by_output))
    chain = path_sum * symbolic(sheet.derivative(unit)) * sympy.Symbol(source(sender))
    require(equal(sheet.with_delta(gradient), chain), f"{delta} = {sheet.formulas[delta]}")
    paths = [product(partial("E", f"net_{u}"), partial(f"net_{u}", out)) for u in fed]
    common = [partial(out, net), partial(net, weight)]
    path_rows = (equation(partial("E", f"net_{u}"), (formula(f"delta_{u}"), "found above")) for u in fed)
    weight_rows = (equation(partial(f"net_{u}", out), partial_of(out, sheet.formulas[f"net_{u}"]),
                            expression(d)) for u, d in zip(fed, by_output))
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
        (equation(partial("E", weight), product(formula(sheet.formulas[delta]), formula(source(sender))),
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
        sheet.layer_rows(layer),
    ))


def _proof_section(sheet: SymbolicWorksheet, proofs: tuple[Proof, ...]) -> Section:
    forward = {n: sheet.formulas[n] for n in sheet.names_of("net_", "out_")}
    written_out = total_by_line(*(formula(_inline(sheet.formulas[share], forward))
                                  for share in sheet.names_of("E_")))
    rows = tuple((formula(p.gradient), Math(p.difference, p.difference) if p.difference == "0"
                  else Math("not 0", r"\neq 0"), number(p.value), number(p.worksheet),
                  "yes" if p.holds else "NO")
                 for p in proofs)
    failed = [p.gradient for p in proofs if not p.holds]
    by_simplify = sum(p.method == "simplify" for p in proofs)
    verdict = (f"All {len(proofs)} gradients proven: each chain-rule result equals SymPy's direct "
               f"derivative of `E` and, at the file's numbers, the worked solution's value "
               f"(relative difference at most {TOLERANCE:g})."
               if not failed else f"NOT proven: {', '.join(failed)}.")
    if by_simplify:
        verdict += f" ({by_simplify} of the differences needed sympy.simplify.)"
    relu = ("SymPy's derivative of max(0, x) is Heaviside(x), which leaves its value at the "
            "corner x = 0 open; it is taken as 0 there, the worksheet's relu'(0) = 0."
            if any(layer.activation == "relu" for layer in sheet.network.layers) else "")
    return Section("Proof", tuple(block for block in (
        "Written out in the inputs, targets, weights and biases, the loss is",
        (equation(formula("E"), written_out),),
        "SymPy differentiates this with respect to each weight and bias directly, without deltas. "
        "For each, the difference between the chain-rule result above (with every delta, out "
        "and net replaced by its definition) and SymPy's derivative simplifies to 0; and at the "
        "file's numbers the chain-rule result is the value of the worked solution "
        "(backprop-tutor solve).",
        relu,
        Table(("gradient", "difference", "at the file's numbers", "worked solution", "proven"),
              rows),
        verdict,
    ) if block))


# ---------------------------------------------------------------- the derivation and its proof

@dataclass(frozen=True)
class Proof:
    """The check of one gradient dE/dp.

    ``difference`` is the chain-rule expression minus SymPy's direct
    derivative: ``"0"`` when proven (``method`` says how, see ``zero_by``);
    ``value`` is the chain-rule expression at the file's numbers and
    ``worksheet`` the worked solution's value.
    """

    gradient: str
    difference: str
    method: str | None
    value: float
    worksheet: float

    @property
    def holds(self) -> bool:
        """Formula: difference = 0 and |value - worksheet| <= 1e-12 * |worksheet| + 1e-15."""
        return self.difference == "0" and math.isclose(self.value, self.worksheet,
                                                       rel_tol=TOLERANCE, abs_tol=1e-15)


@dataclass(frozen=True)
class Derivation:
    """The derivation of backpropagation for one network, with its proof.

    The expressions are strings that ``sympy.sympify`` reads back:

    * ``loss`` (E) and ``gradients``: written out in the primitive symbols
      only: inputs ``i1 ...``, targets ``t1 ...``, weights ``w1 ...``, biases
      ``b_h1 ..., b_o1 ...``;
    * ``definitions`` (``net_u``, ``out_u``, ``E_o``, ``E``) and ``delta_form``
      (``delta_u``, ``dE_dw...``, ``dE_db_...``): each over the names it reads,
      as the worksheet writes it.
    """

    network: Network
    sections: tuple[Section, ...]
    loss: str
    definitions: dict[str, str]
    delta_form: dict[str, str]
    gradients: dict[str, str]
    proofs: tuple[Proof, ...]

    @property
    def proven(self) -> bool:
        return all(proof.holds for proof in self.proofs)


def prove(sheet: SymbolicWorksheet) -> tuple[Proof, ...]:
    """For every weight and bias p: chain rule(p) − ∂E/∂p by SymPy, and both at the file's numbers.

    SymPy's derivative of Max(0, x) is Heaviside(x), whose value at 0 is
    left as 1/2; it is set to 0 there, the worksheet's relu'(0) = 0.
    """
    import sympy

    network = sheet.network
    exact = {sheet.primitive[n]: sympy.Rational(v)  # the file's doubles, exactly
             for n, v in given_values(network).items() if n != "eta"}
    worked = solve(network).values
    proofs = []
    for gradient in sheet.names_of("dE_d"):
        chain = sheet.primitive[gradient]
        direct = sympy.diff(sheet.primitive["E"], sheet.primitive[gradient[4:]]).replace(
            lambda e: isinstance(e, sympy.Heaviside), lambda e: sympy.Heaviside(e.args[0], 0))
        method = zero_by(chain - direct)
        proofs.append(Proof(gradient, "0" if method else str(chain - direct), method,
                            float(chain.xreplace(exact)), worked[gradient]))
    return tuple(proofs)


def derive(network: Network) -> Derivation:
    """Derive backpropagation for ``network`` with SymPy, and prove every gradient.

    >>> from backprop_tutor.core.network import load_network, DEFAULT_NETWORK
    >>> derivation = derive(load_network(DEFAULT_NETWORK))
    >>> derivation.delta_form["delta_o1"], derivation.proven
    ('out_o1*(1 - out_o1)*(out_o1 - t1)', True)
    """
    extras.require("sympy")
    sheet = SymbolicWorksheet.of(network)
    proofs = prove(sheet)
    hidden = [_hidden_section(sheet, layer) for layer in range(len(network.layers) - 2, -1, -1)]
    sections = (_network_section(sheet), _activation_section(sheet), _delta_section(),
                _output_section(sheet), *hidden, _proof_section(sheet, proofs))
    defined = sheet.names_of("net_", "out_", "E")
    worked_back = sheet.names_of("delta_", "dE_d")
    return Derivation(network, sections, loss=str(sheet.primitive["E"]),
                      definitions={n: str(sheet.symbolic[n]) for n in defined},
                      delta_form={n: str(sheet.symbolic[n]) for n in worked_back},
                      gradients={n: str(sheet.primitive[n]) for n in sheet.names_of("dE_d")},
                      proofs=proofs)


# ---------------------------------------------------------------- JSON

def derivation_json(derivation: Derivation) -> dict:
    """The derivation's results as a JSON-ready dict (see ``Derivation`` for the expressions)."""
    network = derivation.network
    given = given_values(network)
    return {
        "title": network.title,
        "activations": [layer.activation for layer in network.layers],
        "loss": network.loss,
        "symbols": {kind: [n for n in given if re.fullmatch(pattern, n)]
                    for kind, pattern in (("inputs", r"i\d+"), ("targets", r"t\d+"),
                                          ("weights", r"w\d+"), ("biases", r"b_\w+"))},
        "E": derivation.loss,
        "gradients": derivation.gradients,
        "delta_form": derivation.delta_form,
        "definitions": derivation.definitions,
        "proof": {
            "proven": derivation.proven,
            "tolerance": TOLERANCE,
            "gradients": {p.gradient: {"difference": p.difference, "method": p.method,
                                       "value": p.value, "worksheet": p.worksheet,
                                       "holds": p.holds}
                          for p in derivation.proofs},
        },
    }


def render_json(derivation: Derivation) -> str:
    return json.dumps(derivation_json(derivation), indent=2, ensure_ascii=False) + "\n"
