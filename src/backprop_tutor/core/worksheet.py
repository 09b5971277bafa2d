"""One SGD step as a list of named quantities: the worked solution of Problem 2.

Each quantity has a name from the naming contract (``net_h1``, ``delta_o1``,
``dE_dw5``, ``w5_new`` ...) and a formula: a Python expression over the names
of given numbers and of earlier quantities, e.g.::

    delta_o1 = (out_o1 - t1) * out_o1 * (1 - out_o1)

The formula string is the single source of truth. It is evaluated on floats
here, printed by the renderers, re-evaluated from a student's own numbers by
the answer checker, and evaluated on SymPy symbols by the derivation.

The step, for a unit u with weighted sum net_u and output out_u = f(net_u)::

    forward   net_u    = sum_s w_us * out_s + b_u        out_u = f(net_u)
    loss      E        = sum_k E_k                        (half_sse or mse)
    backward  delta_o  = dE/dout_o * f'(net_o)            for an output unit o
              delta_h  = (sum_u w_uh * delta_u) * f'(net_h)   summed over the units u fed by h
    gradients dE/dw_us = delta_u * out_s                  dE/db_u = delta_u
    update    w_new    = w - eta * dE/dw                  b_new   = b - eta * dE/db

The backward pass uses the weights from before the update.

Numbers too large for floating point: the step is computed as a student's
calculator would, a square that overflows is ``inf`` (not an OverflowError),
and ``inf - inf`` or ``0 * inf`` is ``nan``. ``Worksheet.require_finite``
refuses such a step with one line naming the first quantity that is not
finite; the commands that show a worked step call it.

Each unit's weighted sum is one formula; Python's parser nests a sum of n
terms n deep, so a layer has at most ``MAX_UNITS`` units here (the NumPy
network of Problem 3 has no such limit).
"""

from __future__ import annotations

import ast
import functools
import math
from dataclasses import dataclass

from backprop_tutor.core import names
from backprop_tutor.core.activations import ACTIVATIONS, FORMULA_FUNCTIONS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import Network
from backprop_tutor.errors import NetworkFileError

#: Section keys of a worksheet, in order, with their headings.
SECTIONS = {
    "forward": "Forward pass",
    "loss": "Loss",
    "deltas": "Backward pass: deltas",
    "gradients": "Gradients",
    "update": "SGD update",
}

#: Most units in one layer (inputs included) of a worked step: Python parses a
#: formula of 1,000 terms, not one of 3,000 (RecursionError).
MAX_UNITS = 1000


@dataclass(frozen=True)
class Step:
    """A quantity's definition: its section, name and formula (no number yet)."""

    section: str
    name: str
    formula: str


@dataclass(frozen=True)
class Quantity(Step):
    """A step with its value."""

    value: float = float("nan")


@dataclass(frozen=True)
class Worksheet:
    """One worked SGD step on a network: the given numbers and every quantity."""

    network: Network
    given: dict[str, float]
    quantities: list[Quantity]

    @property
    def values(self) -> dict[str, float]:
        """Every computed quantity by name, in worksheet order."""
        return {q.name: q.value for q in self.quantities}

    def __getitem__(self, name: str) -> float:
        return {**self.given, **self.values}[name]

    def require_finite(self) -> Worksheet:
        """This worksheet, or NetworkFileError naming the first quantity that is not finite."""
        for q in self.quantities:
            if not math.isfinite(q.value):
                raise NetworkFileError(
                    self.network.source, None,
                    f"the worked step is not finite from {q.name} on ({q.name} = {q.value}): "
                    f"the numbers are too large for floating point")
        return self


def given_values(network: Network) -> dict[str, float]:
    """The numbers a student starts from: inputs, targets, weights, biases and ``eta``."""
    inputs = dict(zip(names.unit_names(network.sizes)[0], network.inputs))
    targets = dict(zip(names.target_names(len(network.targets)), network.targets))
    return {**inputs, **targets, **network.parameters(), "eta": network.learning_rate}


def source(unit: str) -> str:
    """What a unit sends on: an input unit its input, any other unit its output."""
    return unit if unit.startswith("i") else f"out_{unit}"


def steps(network: Network) -> list[Step]:
    """The formulas of one SGD step on ``network``, in the order they are worked out."""
    _check_size(network)
    units = names.unit_names(network.sizes)
    weights = names.weight_names(network.sizes)
    loss = LOSSES[network.loss]
    outputs, targets = units[-1], names.target_names(len(units[-1]))
    result = []

    for layer, w, previous, current in zip(network.layers, weights, units, units[1:]):
        for r, unit in enumerate(current):
            terms = [f"{w[r][c]} * {source(s)}" for c, s in enumerate(previous)]
            if layer.biases is not None:
                terms.append(f"b_{unit}")
            result.append(Step("forward", f"net_{unit}", " + ".join(terms)))
            output = ACTIVATIONS[layer.activation].output_of(unit)
            result.append(Step("forward", f"out_{unit}", output))

    for o, t in zip(outputs, targets):
        result.append(Step("loss", f"E_{o}", loss.share_formula(f"out_{o}", t, len(outputs))))
    result.append(Step("loss", "E", " + ".join(f"E_{o}" for o in outputs)))

    for o, t in zip(outputs, targets):
        factors = [loss.gradient_formula(f"out_{o}", t, len(outputs)),
                   ACTIVATIONS[network.layers[-1].activation].derivative_of(o)]
        result.append(Step("deltas", f"delta_{o}", _product(factors)))
    for index in range(len(network.layers) - 2, -1, -1):
        downstream, w_next = units[index + 2], weights[index + 1]
        for c, unit in enumerate(units[index + 1]):
            paths = " + ".join(f"{w_next[r][c]} * delta_{u}" for r, u in enumerate(downstream))
            if len(downstream) > 1:
                paths = f"({paths})"
            factors = [paths, ACTIVATIONS[network.layers[index].activation].derivative_of(unit)]
            result.append(Step("deltas", f"delta_{unit}", _product(factors)))

    for w, previous, current in zip(weights, units, units[1:]):
        for r, unit in enumerate(current):
            for c, s in enumerate(previous):
                result.append(Step("gradients", f"dE_d{w[r][c]}", f"delta_{unit} * {source(s)}"))
    for layer, current in zip(network.layers, units[1:]):
        if layer.biases is not None:
            result.extend(Step("gradients", f"dE_db_{u}", f"delta_{u}") for u in current)

    for w in (name for layer in weights for row in layer for name in row):
        result.append(Step("update", f"{w}_new", f"{w} - eta * dE_d{w}"))
    for layer, current in zip(network.layers, units[1:]):
        if layer.biases is not None:
            for u in current:
                # A frozen bias keeps its value: its update is the identity.
                update = f"b_{u} - eta * dE_db_{u}" if layer.train_biases else f"b_{u}"
                result.append(Step("update", f"b_{u}_new", update))
    return result


def _check_size(network: Network) -> None:
    keys = ["inputs"] + [f"layers[{k}].weights" for k in range(1, len(network.layers) + 1)]
    for key, size in zip(keys, network.sizes):
        if size > MAX_UNITS:
            raise NetworkFileError(network.source, key,
                                   f"{size} units; a worked step has at most {MAX_UNITS} per layer "
                                   f"(train has no such limit)")


def _product(factors: list[str]) -> str:
    # A factor of 1 (the linear activation's derivative) is left out.
    return " * ".join(f for f in factors if f != "1")


def evaluate(formula: str, values: dict, functions: dict = FORMULA_FUNCTIONS):
    """The value of ``formula`` with the names in ``values`` and the given functions.

    The functions default to the NumPy ones; the derivation passes SymPy's.

    A square too large for a float is ``inf``, as for a product:

    >>> evaluate("w1 * i1 + b_h1", {"w1": 0.5, "i1": 2.0, "b_h1": 0.25})
    1.25
    >>> evaluate("1/2 * (t1 - out_o1)**2", {"t1": 1e200, "out_o1": 0.5})
    inf
    """
    namespace = {"__builtins__": {}, **functions}
    try:
        return eval(_compiled(formula), namespace, dict(values))  # noqa: S307 (our formulas)
    except OverflowError:
        # float ** raises where float * gives inf: the formula again, with squares as products.
        return eval(_squares_as_products(formula), namespace, dict(values))  # noqa: S307


@functools.lru_cache(maxsize=4096)
def _compiled(formula: str):
    # Parsing a formula costs more than evaluating it; a network's formulas are few and come
    # back at every solve (the variants' rejection sampling solves thousands of networks).
    return compile(formula, "<formula>", "eval")


def _squares_as_products(formula: str):
    tree = ast.parse(formula, mode="eval")
    for node in ast.walk(tree):
        if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow)
                and isinstance(node.right, ast.Constant) and node.right.value == 2):
            node.op, node.right = ast.Mult(), node.left
    return compile(tree, "<formula>", "eval")


def solve(network: Network, round_to: int | None = None) -> Worksheet:
    """Work one SGD step on ``network``, quantity by quantity.

    With ``round_to=N`` every computed value is rounded to N decimals before
    it is used further, as a student does with a calculator.

    >>> from backprop_tutor.core.network import load_network, EXAMPLES
    >>> sheet = solve(load_network(EXAMPLES / "mazur.toml"))
    >>> round(sheet["E"], 9)   # Mazur's published total error
    0.298371109
    """
    values = given_values(network)
    quantities = []
    for step in steps(network):
        value = float(evaluate(step.formula, values))
        if round_to is not None:
            value = round(value, round_to)
        values[step.name] = value
        quantities.append(Quantity(step.section, step.name, step.formula, value))
    return Worksheet(network, given_values(network), quantities)
