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

``solve_formula_by_formula`` works the step out as defined here, one formula
at a time. ``solve`` gives the very same numbers, bit for bit, from the same
formula strings written as the lines of one Python function, compiled once per
network shape (``core/compiled.py``): a step of a network with P weights and
biases then costs time in proportion to P.
"""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from backprop_tutor.core import compiled, names
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
class Definition:
    """A quantity's definition, one line of the worksheet: its section, name and formula (no number yet)."""

    section: str
    name: str
    formula: str


@dataclass(frozen=True)
class Quantity(Definition):
    """A definition with its value."""

    value: float = float("nan")


@dataclass(frozen=True)
class Worksheet:
    """One worked SGD step on a network: the given numbers and every quantity.

    ``values`` and the look-up ``sheet[name]`` are made once, when first read;
    treat the dictionaries they return as read-only.
    """

    network: Network
    given: dict[str, float]
    quantities: Sequence[Quantity]

    @functools.cached_property
    def values(self) -> dict[str, float]:
        """Every computed quantity by name, in worksheet order."""
        if isinstance(self.quantities, Quantities):
            return self.quantities.by_name()    # without making a Quantity per value
        return {q.name: q.value for q in self.quantities}

    @functools.cached_property
    def _known(self) -> dict[str, float]:
        return {**self.given, **self.values}

    def __getitem__(self, name: str) -> float:
        return self._known[name]

    def require_finite(self) -> Worksheet:
        """This worksheet, or NetworkFileError naming the first quantity that is not finite."""
        for name, value in self.values.items():
            if not math.isfinite(value):
                raise NetworkFileError(
                    self.network.source, None,
                    f"the worked step is not finite from {name} on ({name} = {value}): "
                    f"the numbers are too large for floating point")
        return self


class Quantities(Sequence):
    """The quantities of a worked step, each made from its definition and value when it is read.

    ``solve`` gets a step's values as one tuple; making a Quantity for each
    of them would cost more than the arithmetic that found them.
    """

    def __init__(self, definitions: Sequence[Definition], names: Sequence[str],
                 numbers: Sequence[float]):
        self.definitions, self.names, self.numbers = definitions, names, numbers

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[k] for k in range(len(self))[index]]
        line = self.definitions[index]
        return Quantity(line.section, line.name, line.formula, self.numbers[index])

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return repr(list(self))

    def by_name(self) -> dict[str, float]:
        """Every value by its quantity's name."""
        return dict(zip(self.names, self.numbers, strict=True))


class Shape(NamedTuple):
    """What a worksheet's formulas depend on: networks of one shape have the same formulas."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    has_biases: tuple[bool, ...]
    train_biases: tuple[bool, ...]
    loss: str

    @classmethod
    def of(cls, network: Network) -> Shape:
        layers = network.layers
        return cls((len(network.inputs), *[len(layer.weights) for layer in layers]),
                   tuple([layer.activation for layer in layers]),
                   tuple([layer.biases is not None for layer in layers]),
                   tuple([layer.train_biases for layer in layers]), network.loss)


def given_values(network: Network) -> dict[str, float]:
    """The numbers a student starts from: inputs, targets, weights, biases and ``eta``."""
    inputs = dict(zip(names.unit_names(network.sizes)[0], network.inputs, strict=True))
    targets = dict(zip(names.target_names(len(network.targets)), network.targets, strict=True))
    return {**inputs, **targets, **network.parameters(), "eta": network.learning_rate}


def sent_by(unit: str) -> str:
    """What a unit sends on: an input unit its input, any other unit its output."""
    return unit if unit.startswith("i") else f"out_{unit}"


def definitions(network: Network) -> list[Definition]:
    """The formulas of one SGD step on ``network``, in the order they are worked out."""
    shape = Shape.of(network)
    _check_size(shape, network.source)
    return list(_definitions(shape))


@functools.lru_cache(maxsize=64)
def _definitions(shape: Shape) -> tuple[Definition, ...]:
    # Written once per shape: variants and marking ask again for networks of the same shape.
    units = names.unit_names(shape.sizes)
    weights = names.weight_names(shape.sizes)
    loss = LOSSES[shape.loss]
    outputs, targets = units[-1], names.target_names(len(units[-1]))
    activations = [ACTIVATIONS[name] for name in shape.activations]
    result = []

    for activation, has_biases, w, previous, current in zip(activations, shape.has_biases,
                                                             weights, units[:-1], units[1:], strict=True):
        for r, unit in enumerate(current):
            terms = [f"{w[r][c]} * {sent_by(s)}" for c, s in enumerate(previous)]
            if has_biases:
                terms.append(f"b_{unit}")
            result.append(Definition("forward", f"net_{unit}", " + ".join(terms)))
            result.append(Definition("forward", f"out_{unit}", activation.output_of(unit)))

    for o, t in zip(outputs, targets, strict=True):
        result.append(Definition("loss", f"E_{o}", loss.share_formula(f"out_{o}", t, len(outputs))))
    result.append(Definition("loss", "E", " + ".join(f"E_{o}" for o in outputs)))

    for o, t in zip(outputs, targets, strict=True):
        factors = [loss.gradient_formula(f"out_{o}", t, len(outputs)),
                   activations[-1].derivative_of(o)]
        result.append(Definition("deltas", f"delta_{o}", _product(factors)))
    for index in range(len(activations) - 2, -1, -1):
        downstream, w_next = units[index + 2], weights[index + 1]
        for c, unit in enumerate(units[index + 1]):
            paths = " + ".join(f"{w_next[r][c]} * delta_{u}" for r, u in enumerate(downstream))
            if len(downstream) > 1:
                paths = f"({paths})"
            factors = [paths, activations[index].derivative_of(unit)]
            result.append(Definition("deltas", f"delta_{unit}", _product(factors)))

    for w, previous, current in zip(weights, units[:-1], units[1:], strict=True):
        for r, unit in enumerate(current):
            for c, s in enumerate(previous):
                result.append(Definition("gradients", f"dE_d{w[r][c]}", f"delta_{unit} * {sent_by(s)}"))
    for has_biases, current in zip(shape.has_biases, units[1:], strict=True):
        if has_biases:
            result.extend(Definition("gradients", f"dE_db_{u}", f"delta_{u}") for u in current)

    for weight in (name for layer in weights for row in layer for name in row):
        result.append(Definition("update", f"{weight}_new", f"{weight} - eta * dE_d{weight}"))
    for has_biases, trained, current in zip(shape.has_biases, shape.train_biases, units[1:], strict=True):
        if has_biases:
            for u in current:
                # A frozen bias keeps its value: its update is the identity.
                update = f"b_{u} - eta * dE_db_{u}" if trained else f"b_{u}"
                result.append(Definition("update", f"b_{u}_new", update))
    return tuple(result)


def _check_size(shape: Shape, source_name: str) -> None:
    for k, size in enumerate(shape.sizes):
        if size > MAX_UNITS:
            key = "inputs" if k == 0 else f"layers[{k}].weights"
            raise NetworkFileError(source_name, key,
                                   f"{size} units; a worked step has at most {MAX_UNITS} per layer "
                                   f"(train has no such limit)")


def _product(factors: list[str]) -> str:
    # A factor of 1 (the linear activation's derivative) is left out.
    return " * ".join(f for f in factors if f != "1")


#: The names a formula sees besides the values: the functions, and no builtins.
_NAMESPACE = {"__builtins__": {}, **FORMULA_FUNCTIONS}


def evaluate(formula: str, values: dict, functions: dict = FORMULA_FUNCTIONS):
    """The value of ``formula`` with the names in ``values`` and the given functions.

    The functions default to the NumPy ones; the derivation passes SymPy's.
    ``values`` is read, not copied (a copy per formula would make a worksheet's
    cost grow with the square of its size): a formula assigns nothing.

    A square too large for a float is ``inf``, as for a product:

    >>> evaluate("w1 * i1 + b_h1", {"w1": 0.5, "i1": 2.0, "b_h1": 0.25})
    1.25
    >>> evaluate("1/2 * (t1 - out_o1)**2", {"t1": 1e200, "out_o1": 0.5})
    inf
    """
    namespace = (_NAMESPACE if functions is FORMULA_FUNCTIONS
                 else {"__builtins__": {}, **functions})
    try:
        return eval(_code(formula), namespace, values)  # noqa: S307 (our formulas)
    except OverflowError:
        # float ** raises where float * gives inf: the formula again, with squares as products.
        return eval(_squares_as_products(formula), namespace, values)  # noqa: S307


@functools.lru_cache(maxsize=4096)
def _code(formula: str):
    # Parsing a formula costs more than evaluating it, and a network's formulas come back.
    return compile(formula, "<formula>", "eval")


def _squares_as_products(formula: str):
    tree = ast.parse(formula, mode="eval")
    for node in ast.walk(tree):
        if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow)
                and isinstance(node.right, ast.Constant) and node.right.value == 2):
            node.op, node.right = ast.Mult(), node.left
    return compile(tree, "<formula>", "eval")


def solve(network: Network) -> Worksheet:
    """Work one SGD step on ``network``, quantity by quantity, in floats.

    The step as a student works it, rounding every value as they go, is
    ``teaching.rounding.rounded_sheet`` (the sheets' one rounding rule).

    The numbers are those of ``solve_formula_by_formula``, bit for bit, found
    by the worksheet's formulas compiled into one function (``core/compiled.py``).

    >>> from backprop_tutor.core.network import load_network, EXAMPLES
    >>> sheet = solve(load_network(EXAMPLES / "mazur.toml"))
    >>> round(sheet["E"], 9)   # Mazur's published total error
    0.298371109
    """
    shape = Shape.of(network)
    _check_size(shape, network.source)
    step = _compiled_step(shape)
    try:
        given, numbers = step.function(network)
    except OverflowError:
        # A square too large for a float: evaluate() makes it inf, as a calculator would.
        return solve_formula_by_formula(network)
    return Worksheet(network, dict(zip(step.given_names, given, strict=True)),
                     Quantities(step.definitions, step.names, numbers))


def solve_formula_by_formula(network: Network) -> Worksheet:
    """``solve`` by the definition: each formula of ``definitions`` evaluated in turn."""
    values = given_values(network)
    given, quantities = dict(values), []
    for line in definitions(network):
        value = values[line.name] = float(evaluate(line.formula, values))
        quantities.append(Quantity(line.section, line.name, line.formula, value))
    return Worksheet(network, given, quantities)


class _CompiledStep(NamedTuple):
    function: compiled.WorkedStep
    definitions: tuple[Definition, ...]
    names: tuple[str, ...]      # of the computed quantities
    given_names: list[str]


@functools.lru_cache(maxsize=64)
def _compiled_step(shape: Shape) -> _CompiledStep:
    formulas = _definitions(shape)
    source_code = compiled.step_source(shape.sizes, shape.has_biases,
                                       [(s.name, s.formula) for s in formulas])
    return _CompiledStep(compiled.compile_step(source_code, FORMULA_FUNCTIONS), formulas,
                         tuple(s.name for s in formulas),
                         compiled.given_names(shape.sizes, shape.has_biases))
