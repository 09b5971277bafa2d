"""What an activation costs: NumPy time per element of f and f', measured.

Each function is timed on one large float64 array ``x`` (10⁶ elements drawn
uniformly from [-4, 4] with a fixed seed), several times; the median is kept,
because the fastest and slowest runs say more about the machine's other work
than about the function::

    ns per element = median over repeats of (seconds per call) / size * 10⁹
    ratio          = ns per element / ns per element of relu (functions)
                                                or of relu' (derivatives)

The functions timed are those the NumPy network uses (``numpy_network``);
the plain ``1 / (1 + exp(-x))`` is timed as well, to show what the
sigmoid's guard against overflow costs. The timings depend on the machine and
on the NumPy build; their order and rough ratios are the lesson (see
``EXPLANATION``).

>>> table = measure_costs(size=1000, repeats=3)
>>> [row.label for row in table.rows]
['sigmoid', "sigmoid'", 'tanh', "tanh'", 'relu', "relu'", 'sigmoid, plain']
>>> table.row("relu").ratio, table.row("relu'").ratio
(1.0, 1.0)
"""

from __future__ import annotations

import math
import statistics
import timeit
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

from backprop_tutor.networks.numpy_network import ACTIVATIONS


def plain_sigmoid(x):
    """The sigmoid as usually written; exp(-x) overflows (to inf, with a warning) for x < -709.

    Formula:
        sigmoid(x) = 1 / (1 + exp(-x))
    """
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class Timed:
    """A function to time: its table label, its activation, whether it is f or f', its formula."""

    label: str
    activation: str
    kind: str
    formula: str
    function: Callable


TIMED = (
    Timed("sigmoid", "sigmoid", "function", "(1 + tanh(x/2))/2, no overflow",
          ACTIVATIONS["sigmoid"].function),
    Timed("sigmoid'", "sigmoid", "derivative", "s·(1−s), s = sigmoid(x)",
          ACTIVATIONS["sigmoid"].derivative),
    Timed("tanh", "tanh", "function", "tanh(x)", ACTIVATIONS["tanh"].function),
    Timed("tanh'", "tanh", "derivative", "1 − tanh(x)²", ACTIVATIONS["tanh"].derivative),
    Timed("relu", "relu", "function", "max(0, x)", ACTIVATIONS["relu"].function),
    Timed("relu'", "relu", "derivative", "1 if x > 0 else 0", ACTIVATIONS["relu"].derivative),
    Timed("sigmoid, plain", "sigmoid", "function", "1/(1+exp(-x)), may overflow", plain_sigmoid),
)

#: The row each kind of function is compared with.
BASELINE = {"function": "relu", "derivative": "relu'"}


@dataclass(frozen=True)
class Cost:
    """One measured function: nanoseconds per element, and its ratio to relu (or to relu')."""

    label: str
    activation: str
    kind: str
    formula: str
    ns_per_element: float
    ratio: float


@dataclass(frozen=True)
class CostTable:
    """The measured costs and how they were measured."""

    size: int
    repeats: int
    seed: int
    numpy_version: str
    rows: tuple[Cost, ...]

    def row(self, label: str) -> Cost:
        """The row of the function labelled ``label``, e.g. ``"tanh'"``."""
        return next(row for row in self.rows if row.label == label)

    def to_dict(self) -> dict:
        """A JSON-ready dict: the settings, ``unit``, and one dict per row."""
        return {"size": self.size, "repeats": self.repeats, "seed": self.seed,
                "numpy": self.numpy_version, "unit": "ns per element",
                "ratio_to": BASELINE, "rows": [asdict(row) for row in self.rows]}


def benchmark_input(size: int, seed: int = 0) -> np.ndarray:
    """The array every function is timed on: ``size`` float64 numbers uniform in [-4, 4]."""
    return np.random.default_rng(seed).uniform(-4.0, 4.0, size)


def time_per_element(function: Callable, x: np.ndarray, repeats: int) -> float:
    """Median nanoseconds per element of ``function(x)`` over ``repeats`` timings.

    Each timing runs enough calls to process at least 10⁶ elements, since one
    call on a small array lasts less than the clock can resolve. One call before
    timing lets NumPy and the memory allocator settle.
    """
    calls = max(1, math.ceil(1_000_000 / x.size))
    function(x)
    seconds = timeit.Timer(lambda: function(x)).repeat(repeat=repeats, number=calls)
    return statistics.median(seconds) / calls / x.size * 1e9


def measure_costs(size: int = 1_000_000, repeats: int = 7, seed: int = 0) -> CostTable:
    """Time every function of ``TIMED`` on ``benchmark_input(size, seed)``.

    Args:
        size: number of float64 elements of the test array (at least 1).
        repeats: timings per function; their median is reported (at least 1).
        seed: seed of the test array.
    """
    for name, value in (("size", size), ("repeats", repeats)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1; got {value!r}")
    x = benchmark_input(size, seed)
    measured = {timed.label: time_per_element(timed.function, x, repeats) for timed in TIMED}
    rows = tuple(Cost(timed.label, timed.activation, timed.kind, timed.formula,
                      measured[timed.label],
                      measured[timed.label] / measured[BASELINE[timed.kind]])
                 for timed in TIMED)
    return CostTable(size, repeats, seed, np.__version__, rows)
