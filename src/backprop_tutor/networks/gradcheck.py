"""Central finite differences: a check of backpropagation that needs no derivative.

Formula:
    dE/dp ≈ (E(p + h) - E(p - h)) / (2 h)

The error of this estimate is of order h²·E''' plus rounding of order
eps·E/h; h = 1e-6 balances the two for the small networks here, leaving
about 1e-10 of noise. Near a relu kink (net within h of 0) the estimate is
meaningless, which is worth seeing once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tutor.core.network import Network
from backprop_tutor.networks.numpy_network import NumpyNetwork


def finite_difference_gradients(network: Network, h: float = 1e-6) -> dict[str, float]:
    """dE/dp for every weight and bias p of ``network``, by central differences.

    One NumPy network is built; each parameter is moved by ±h in place and
    put back, so the cost is 2P forward passes, not 2P networks built.
    """
    model = NumpyNetwork.from_network(network)
    x, t = [network.inputs], [network.targets]
    # parameters() names the weights of every layer first, then the biases: match that order.
    arrays = model.weights + [b for b in model.biases if b is not None]
    slots = [(array, index) for array in arrays for index in np.ndindex(array.shape)]
    estimates = []
    # A saturated or overflowing network gives inf or nan here: that is the estimate, not a fault.
    with np.errstate(over="ignore", invalid="ignore"):
        for array, index in slots:
            p = array[index]
            array[index] = p + h
            above = model.loss_value(x, t)
            array[index] = p - h
            below = model.loss_value(x, t)
            array[index] = p
            estimates.append((above - below) / (2 * h))
    return dict(zip(model.parameters(), estimates, strict=True))


@dataclass(frozen=True)
class GradientCheck:
    """Backpropagation's gradients beside the finite-difference estimates."""

    backprop: dict[str, float]
    finite_difference: dict[str, float]
    h: float

    def relative_error(self, name: str) -> float:
        """|bp - fd| / max(|bp|, |fd|, 1e-8): relative, but not blown up by gradients near 0."""
        bp, fd = self.backprop[name], self.finite_difference[name]
        return abs(bp - fd) / max(abs(bp), abs(fd), 1e-8)

    @property
    def max_relative_error(self) -> float:
        return max(self.relative_error(name) for name in self.backprop)


def check_gradients(worksheet, h: float = 1e-6) -> GradientCheck:
    """Compare every ``dE_dw…``/``dE_db…`` of a worksheet with finite differences."""
    estimates = finite_difference_gradients(worksheet.network, h)
    backprop = {name: worksheet[f"dE_d{name}"] for name in estimates}
    return GradientCheck(backprop, estimates, h)
