"""The activation functions as the worked solution writes them (Problem 2).

For each activation f: how the worksheet writes a unit's output from its
weighted sum ``net``, and how it writes the derivative f'(net) — the way it is
done by hand, from the unit's output ``out`` where that is possible (sigmoid,
tanh), from ``net`` otherwise (relu).

This is the one registry of activations: every other table is made from it
(the activation cost's formulas, the exact arithmetic of the proof), except
the NumPy network's, as ``numpy_network.py`` stands alone. Its functions work
on single numbers, as a student with a calculator does; the NumPy network of
Problem 3 has its own, on arrays (``numpy_network.ARRAY_ACTIVATIONS``), and
``tests/test_registries.py`` holds the two to each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def sigmoid(x: float) -> float:
    """Logistic sigmoid.

    Formula:
        sigmoid(x) = 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2

    Computed in the tanh form, which cannot overflow: exp(-x) overflows for
    x < -709, while tanh stays in [-1, 1].
    """
    return 0.5 * (1.0 + math.tanh(0.5 * x))


def relu(x: float) -> float:
    """Formula: relu(x) = max(0, x)"""
    return max(0.0, x)


def heaviside(x: float) -> float:
    """Heaviside step, the derivative of relu; the worksheet's formulas call it ``step``.

    Formula:
        relu'(x) = heaviside(x) = 1 if x > 0 else 0

    relu is not differentiable at 0; like TensorFlow we take relu'(0) = 0.
    """
    return 1.0 if x > 0 else 0.0


@dataclass(frozen=True)
class Activation:
    """What an activation is, in one place.

    ``output_formula`` and ``derivative_formula`` are how the worksheet writes
    it: templates over ``{net}`` and ``{out}``. ``symbol`` and ``latex`` are
    how a formula shows its name; ``colour`` is its colour in every figure.

    The rest describes f over a number ``x`` without any library: ``definition``
    is the textbook formula (with ``exp``, ``tanh``, ``max``), which exact
    arithmetic evaluates; ``computed`` is f as the code computes it on an array,
    and ``computed_derivative`` is f′ from the stored output ``out``, as
    backpropagation computes it; each with the operations it costs per element
    (``tanh`` stands for the exponential inside it). An f made of comparisons
    only is exact in floating point.
    """

    name: str
    output_formula: str
    derivative_formula: str
    symbol: str
    latex: str
    colour: str
    definition: str
    computed: str
    computed_operations: dict[str, int]
    computed_derivative: str
    derivative_operations: dict[str, int]

    def output_of(self, unit: str) -> str:
        """The worksheet's out_unit, e.g. ``sigmoid(net_h1)``."""
        return self.output_formula.format(net=f"net_{unit}")

    def derivative_of(self, unit: str) -> str:
        """The worksheet's f'(net_unit), e.g. ``out_h1 * (1 - out_h1)``."""
        return self.derivative_formula.format(net=f"net_{unit}", out=f"out_{unit}")

    @property
    def exact(self) -> bool:
        """Whether f's float result is exact: only comparisons (relu), or nothing (linear)."""
        return set(self.computed_operations) <= {"compare"}


# Colours from the Okabe-Ito palette, which colour-blind readers can tell apart.
ACTIVATIONS = {
    "sigmoid": Activation(
        "sigmoid", "sigmoid({net})", "{out} * (1 - {out})", "σ", r"\sigma", "#0072B2",
        definition="1 / (1 + exp(-x))",
        computed="(1 + tanh(x/2))/2", computed_operations={"tanh": 1, "mul": 2, "add": 1},
        computed_derivative="out·(1 − out)", derivative_operations={"mul": 1, "add": 1}),
    "tanh": Activation(
        "tanh", "tanh({net})", "(1 - {out}**2)", "tanh", r"\tanh", "#D55E00",
        definition="tanh(x)",
        computed="tanh(x)", computed_operations={"tanh": 1},
        computed_derivative="1 − out²", derivative_operations={"mul": 1, "add": 1}),
    "relu": Activation(
        "relu", "relu({net})", "step({net})", "relu", r"\operatorname{relu}", "#009E73",
        definition="max(0, x)",
        computed="max(0, x)", computed_operations={"compare": 1},
        computed_derivative="out > 0", derivative_operations={"compare": 1}),
    "linear": Activation(
        "linear", "{net}", "1", "", "", "#666666",
        definition="x",
        computed="x", computed_operations={},
        computed_derivative="1", derivative_operations={}),
}

#: The hidden activations the tutorial compares, in its order.
TUTORIAL_ACTIVATIONS = ("sigmoid", "tanh", "relu")

#: The functions the worksheet's formulas may call, by the name the formulas use.
FORMULA_FUNCTIONS = {"sigmoid": sigmoid, "tanh": math.tanh, "relu": relu, "step": heaviside}
