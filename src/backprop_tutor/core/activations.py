"""The activation functions as the worked solution writes them (Problem 2).

For each activation f: how the worksheet writes a unit's output from its
weighted sum ``net``, and how it writes the derivative f'(net) — the way it is
done by hand, from the unit's output ``out`` where that is possible (sigmoid,
tanh), from ``net`` otherwise (relu).

The functions here work on single numbers, as a student with a calculator
does; the NumPy network of Problem 3 has its own, on arrays
(``numpy_network``). The tests hold the two routes against each other.
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


def step(x: float) -> float:
    """Heaviside step, the derivative of relu.

    Formula:
        relu'(x) = step(x) = 1 if x > 0 else 0

    relu is not differentiable at 0; like TensorFlow we take relu'(0) = 0.
    """
    return 1.0 if x > 0 else 0.0


@dataclass(frozen=True)
class Activation:
    """What an activation is, in one place.

    ``output_formula`` and ``derivative_formula`` are how the worksheet writes
    it: templates over ``{net}`` and ``{out}``. ``symbol`` and ``latex`` are
    how a formula shows its name; ``colour`` is its colour in every figure.
    """

    name: str
    output_formula: str
    derivative_formula: str
    symbol: str
    latex: str
    colour: str

    def output_of(self, unit: str) -> str:
        """The worksheet's out_unit, e.g. ``sigmoid(net_h1)``."""
        return self.output_formula.format(net=f"net_{unit}")

    def derivative_of(self, unit: str) -> str:
        """The worksheet's f'(net_unit), e.g. ``out_h1 * (1 - out_h1)``."""
        return self.derivative_formula.format(net=f"net_{unit}", out=f"out_{unit}")


# Colours from the Okabe-Ito palette, which colour-blind readers can tell apart.
ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", "sigmoid({net})", "{out} * (1 - {out})",
                          "σ", r"\sigma", "#0072B2"),
    "tanh": Activation("tanh", "tanh({net})", "(1 - {out}**2)", "tanh", r"\tanh", "#D55E00"),
    "relu": Activation("relu", "relu({net})", "step({net})",
                       "relu", r"\operatorname{relu}", "#009E73"),
    "linear": Activation("linear", "{net}", "1", "", "", "#666666"),
}

#: The hidden activations the tutorial compares, in its order.
TUTORIAL_ACTIVATIONS = ("sigmoid", "tanh", "relu")

#: The functions the worksheet's formulas may call, by name.
FORMULA_FUNCTIONS = {"sigmoid": sigmoid, "tanh": math.tanh, "relu": relu, "step": step}
