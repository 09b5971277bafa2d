"""The naming contract (docs/network-file.md, "Names"): units, weights and biases.

* Units: inputs ``i1, i2, ...``; hidden units ``h1, h2, ...``; outputs ``o1, o2, ...``.
  With several hidden layers the hidden units are numbered on across layers:
  in a 2-3-2-1 network the first hidden layer is h1..h3, the second h4, h5.
* Weights ``w1 ... wN`` are numbered layer by layer; inside a layer unit by
  unit, and for each unit input by input. That is the row-major order of each
  layer's weight matrix, whose row r holds the weights into unit r.
* Biases ``b_<unit>``, targets ``t1, t2, ...``.

>>> unit_names([2, 2, 1])
[['i1', 'i2'], ['h1', 'h2'], ['o1']]
>>> weight_names([2, 2, 1])
[[['w1', 'w2'], ['w3', 'w4']], [['w5', 'w6']]]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence


def unit_names(sizes: Sequence[int]) -> list[list[str]]:
    """Names of the units of every layer, input layer first."""
    names = [[f"i{j + 1}" for j in range(sizes[0])]]
    hidden = 0
    for size in sizes[1:-1]:
        names.append([f"h{hidden + j + 1}" for j in range(size)])
        hidden += size
    names.append([f"o{j + 1}" for j in range(sizes[-1])])
    return names


def weight_names(sizes: Sequence[int]) -> list[list[list[str]]]:
    """Names of the weights of every layer, as matrices shaped like the weights."""
    names, k = [], 0
    for n_in, n_out in itertools.pairwise(sizes):
        names.append([[f"w{k + r * n_in + c + 1}" for c in range(n_in)] for r in range(n_out)])
        k += n_in * n_out
    return names


def target_names(n_outputs: int) -> list[str]:
    """``t1, t2, ...``, one per output unit."""
    return [f"t{k + 1}" for k in range(n_outputs)]
