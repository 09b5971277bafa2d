"""Activation functions f and their derivatives f'.

Each activation is given twice, on purpose:

* as NumPy functions of the weighted sum ``net`` (used by the NumPy network of
  Problem 3 and by the worksheet's arithmetic), and
* as formula templates for the worked solution of Problem 2, where the
  derivative is written the way it is done by hand: from the unit's output
  ``out`` where that is possible (sigmoid, tanh), from ``net`` otherwise (relu).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def sigmoid(x):
    """Logistic sigmoid.

    Formula:
        sigmoid(x) = 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2

    Computed in the tanh form, which cannot overflow: exp(-x) is inf for
    x < -709, while tanh stays in [-1, 1]. So sigmoid(-1e4) is 0.0 and
    sigmoid(1e4) is 1.0, without warnings, and it costs no more than tanh.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def sigmoid_derivative(x):
    """Formula: sigmoid'(x) = sigmoid(x) * (1 - sigmoid(x))"""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    """Formula: tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))"""
    return np.tanh(np.asarray(x, dtype=float))


def tanh_derivative(x):
    """Formula: tanh'(x) = 1 - tanh(x)**2"""
    return 1.0 - np.tanh(np.asarray(x, dtype=float)) ** 2


def relu(x):
    """Formula: relu(x) = max(0, x)"""
    return np.maximum(0.0, np.asarray(x, dtype=float))


def step(x):
    """Heaviside step, the derivative of relu.

    Formula:
        relu'(x) = step(x) = 1 if x > 0 else 0

    relu is not differentiable at 0; like TensorFlow we take relu'(0) = 0.
    """
    return (np.asarray(x, dtype=float) > 0).astype(float)


def linear(x):
    """Formula: linear(x) = x"""
    return np.asarray(x, dtype=float)


def linear_derivative(x):
    """Formula: linear'(x) = 1"""
    return np.ones_like(np.asarray(x, dtype=float))


@dataclass(frozen=True)
class Activation:
    """An activation function, its derivative, and how the worksheet writes them.

    ``output_formula`` and ``derivative_formula`` are templates over ``{net}``
    and ``{out}``, the names of the unit's weighted sum and output.
    """

    name: str
    function: Callable
    derivative: Callable
    output_formula: str
    derivative_formula: str


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative,
                          "sigmoid({net})", "{out} * (1 - {out})"),
    "tanh": Activation("tanh", tanh, tanh_derivative,
                       "tanh({net})", "(1 - {out}**2)"),
    "relu": Activation("relu", relu, step,
                       "relu({net})", "step({net})"),
    "linear": Activation("linear", linear, linear_derivative,
                         "{net}", "1"),
}

#: The functions the worksheet's formulas may call, by name.
FORMULA_FUNCTIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "step": step}

