"""The initialisers that draw a network's starting weights: Keras' names, and their formulas.

This is the registry the command line (``train --init``) and the lab offer;
it needs no NumPy, so ``solve`` does not wait for it. The NumPy network
draws the weights (``numpy_network.initial_weights``, whose ``Formula:``
block states the same formulas; a test holds the two to each other). Biases
start at 0. fan_in and fan_out count the units a layer's weights come from
and go to.

>>> INITIALISERS["he_uniform"].formula
'uniform(-l, l),  l = sqrt(6 / fan_in)'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Initialiser:
    """An initialiser: its Keras name and the distribution it draws each weight from."""

    name: str
    formula: str


INITIALISERS = {initialiser.name: initialiser for initialiser in (
    Initialiser("glorot_uniform", "uniform(-l, l),  l = sqrt(6 / (fan_in + fan_out))"),
    Initialiser("glorot_normal", "truncated normal, std = sqrt(2 / (fan_in + fan_out))"),
    Initialiser("he_uniform", "uniform(-l, l),  l = sqrt(6 / fan_in)"),
    Initialiser("he_normal", "truncated normal, std = sqrt(2 / fan_in)"),
    Initialiser("random_normal", "normal, std = scale"),
    Initialiser("zeros", "0: every unit of a layer stays the same, symmetry never breaks"),
)}
