"""Loss functions E(out, t) for one sample with K output units.

Two conventions meet in the tutorial. Both are a sum of squares divided by a
number d, and they differ only in d:

* ``half_sse`` — the tutorial's (and most textbooks'):  E = 1/2 * sum_k (t_k - out_k)**2   (d = 2)
* ``mse``      — Keras' ``MeanSquaredError``:            E = 1/K * sum_k (t_k - out_k)**2   (d = K)

So dE/dout_k = 2/d * (out_k - t_k): (out_k - t_k) for ``half_sse`` and
2/K * (out_k - t_k) for ``mse``. With one output Keras' gradient is twice
the tutorial's; with two outputs they are the same.

>>> LOSSES["mse"].factor(1), LOSSES["half_sse"].factor(1)
(2.0, 1.0)
>>> LOSSES["mse"].gradient_formula("out_o1", "t1", 1)
'2 * (out_o1 - t1)'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Loss:
    """A loss convention: E = (1/d) * sum_k (t_k - out_k)**2, with d a function of K."""

    name: str
    formula: str                    # how prose writes E
    description: str
    divisor: Callable[[int], int]   # d, from the number of outputs K

    def value(self, out, target) -> float:
        """E for one sample: ``out`` and ``target`` are sequences (or arrays), one per output.

        Formula:
            E = 1/d * sum((t - out)**2)
        """
        squares = [(t - o) * (t - o) for o, t in zip(out, target, strict=True)]
        return float(sum(squares) / self.divisor(len(squares)))

    def factor(self, n_outputs: int) -> float:
        """The constant c in dE/dout_k = c * (out_k - t_k).

        Formula:
            c = 2/d     (1 for half_sse, 2/K for mse)
        """
        return 2.0 / self.divisor(n_outputs)

    def share_formula(self, out: str, target: str, n_outputs: int) -> str:
        """Worksheet formula of one output's share E_k = 1/d * (t_k - out_k)**2 of the loss."""
        return _times(_fraction(1, self.divisor(n_outputs)), f"({target} - {out})**2")

    def gradient_formula(self, out: str, target: str, n_outputs: int) -> str:
        """Worksheet formula of dE/dout_k = 2/d * (out_k - t_k)."""
        return _times(_fraction(2, self.divisor(n_outputs)), f"({out} - {target})")


def _fraction(top: int, bottom: int) -> str:
    """top/bottom in lowest terms, as a formula writes it: '1', '2', '1/2', '2/3'."""
    common = math.gcd(top, bottom)
    top, bottom = top // common, bottom // common
    return str(top) if bottom == 1 else f"{top}/{bottom}"


def _times(factor: str, term: str) -> str:
    # A factor of 1 is left out, as by hand.
    return term if factor == "1" else f"{factor} * {term}"


LOSSES = {
    "half_sse": Loss("half_sse", "½·Σ (t − out)²", "E = ½·Σ (t − out)², the tutorial's loss",
                     divisor=lambda k: 2),
    "mse": Loss("mse", "mean (t − out)²",
                "E = mean (t − out)² = (1/K)·Σ (t − out)², Keras' MeanSquaredError",
                divisor=lambda k: k),
}
