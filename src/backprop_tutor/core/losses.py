"""Loss functions E(out, t) for one sample with K output units.

Two conventions meet in the tutorial:

* ``half_sse`` — the tutorial's (and most textbooks'):  E = 1/2 * sum_k (t_k - out_k)**2
* ``mse``      — Keras' ``MeanSquaredError``:            E = 1/K * sum_k (t_k - out_k)**2

Their gradients differ by a constant factor: dE/dout_k is (out_k - t_k) for
``half_sse`` and 2/K * (out_k - t_k) for ``mse``. With one output Keras'
gradient is twice the tutorial's; with two outputs they are the same.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Loss:
    """A loss convention: its value, its gradient factor and how the worksheet writes them."""

    name: str
    description: str

    def value(self, out, target) -> float:
        """E for one sample: ``out`` and ``target`` are sequences (or arrays), one per output.

        Formula:
            half_sse: E = 1/2 * sum((t - out)**2)
            mse:      E = mean((t - out)**2)
        """
        squares = [(t - o) ** 2 for o, t in zip(out, target, strict=True)]
        return float(sum(squares) / (2 if self.name == "half_sse" else len(squares)))

    def factor(self, n_outputs: int) -> float:
        """The constant c in dE/dout_k = c * (out_k - t_k).

        Formula:
            half_sse: c = 1
            mse:      c = 2/K
        """
        return 1.0 if self.name == "half_sse" else 2.0 / n_outputs

    def share_formula(self, out: str, target: str, n_outputs: int) -> str:
        """Worksheet formula of one output's share E_k of the loss."""
        if self.name == "half_sse":
            return f"1/2 * ({target} - {out})**2"
        return f"({target} - {out})**2 / {n_outputs}"

    def gradient_formula(self, out: str, target: str, n_outputs: int) -> str:
        """Worksheet formula of dE/dout_k."""
        if self.name == "half_sse":
            return f"({out} - {target})"
        factor = "2" if n_outputs == 1 else f"2/{n_outputs}"
        return f"{factor} * ({out} - {target})"


LOSSES = {
    "half_sse": Loss("half_sse", "E = ½·Σ (t − out)², the tutorial's loss"),
    "mse": Loss("mse", "E = mean (t − out)² = (1/K)·Σ (t − out)², Keras' MeanSquaredError"),
}
