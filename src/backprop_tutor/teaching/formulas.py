"""Checking a student's formulas for Problem 1 against the worked solution.

A student writes each delta or gradient as a Python expression, e.g.::

    {"delta_o1": "(out_o1 - t1) * out_o1 * (1 - out_o1)", "dE_dw1": "delta_h1 * i1"}

over the given names (``i1``, ``t1``, ``w1``, ``b_h1``, ...), the forward pass
(``net_h1``, ``out_h1``, ..., ``E``), every quantity the worked solution has
before the one written (``delta_o1`` before ``delta_h1``, a delta before its
gradients) and the functions ``sigmoid``, ``tanh``, ``relu``, ``step`` and
``exp``. A formula is right when it gives the worked solution's value at the
file's numbers *and* at several random sets of inputs, targets, weights and
biases: one that agrees by coincidence (``delta_h1`` for ``dE_dw2`` where
``i2 = 1``) is caught.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

from backprop_tutor.core.activations import FORMULA_FUNCTIONS
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import Worksheet, evaluate, solve

FUNCTIONS = {**FORMULA_FUNCTIONS, "exp": math.exp}


@dataclass(frozen=True)
class FormulaMark:
    """One checked formula.

    ``right`` is None for a formula not written yet (an empty string). For a
    wrong one, ``point`` says where it failed (0: the file's numbers, k: the
    k-th random set), ``value`` is what it gives there and ``expected`` the
    worked solution's value there; ``error`` is why it could not be evaluated.
    """

    name: str
    formula: str
    right: bool | None
    point: int = 0
    value: float | None = None
    expected: float | None = None
    error: str = ""


def random_networks(network: Network, count: int, seed: int) -> list[Network]:
    """``count`` copies with random inputs in [-2, 2], targets in [0.05, 0.95], parameters in [-2, 2]."""
    rng = random.Random(seed)
    copies = []
    for _ in range(count):
        parameters = {name: rng.uniform(-2, 2) for name in network.parameters()}
        copy = replace(network.with_parameters(parameters),
                       inputs=tuple(rng.uniform(-2, 2) for _ in network.inputs),
                       targets=tuple(rng.uniform(0.05, 0.95) for _ in network.targets))
        copies.append(copy)
    return copies


def known_before(sheet: Worksheet, name: str) -> dict[str, float]:
    """The given numbers and every quantity the worksheet works out before ``name``."""
    known = dict(sheet.given)
    for quantity in sheet.quantities:
        if quantity.name == name:
            return known
        known[quantity.name] = quantity.value
    raise KeyError(name)


def check_formulas(network: Network, formulas: dict[str, str], trials: int = 3,
                   seed: int = 1) -> list[FormulaMark]:
    """Mark each formula, in the order given: right if it gives the worked value at every point.

    The points are the file's numbers and ``trials`` random sets (seeded, so the
    marks are the same every time). Values agree when
    ``|value - expected| <= 1e-9 * |expected| + 1e-12``.
    """
    sheets = [solve(net) for net in [network, *random_networks(network, trials, seed)]]
    marks = []
    for name, formula in formulas.items():
        if not formula.strip():
            marks.append(FormulaMark(name, formula, None))
        elif name not in sheets[0].values:
            marks.append(FormulaMark(name, formula, False,
                                     error=f"{name} is not a quantity of this network"))
        else:
            marks.append(_mark(name, formula, sheets))
    return marks


def _mark(name: str, formula: str, sheets: list[Worksheet]) -> FormulaMark:
    for point, sheet in enumerate(sheets):
        try:
            value = float(evaluate(formula, known_before(sheet, name), FUNCTIONS))
        # Any error is the student's to see (a typo, a name not known yet, 1/0), not a crash.
        except Exception as error:  # noqa: BLE001
            return FormulaMark(name, formula, False, point, error=f"{type(error).__name__}: {error}")
        if not math.isclose(value, sheet[name], rel_tol=1e-9, abs_tol=1e-12):
            return FormulaMark(name, formula, False, point, value, sheet[name])
    return FormulaMark(name, formula, True)
