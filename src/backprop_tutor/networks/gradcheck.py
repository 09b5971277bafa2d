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
from backprop_tutor.networks.numpy_network import NumpyNetwork, array_loss_per_sample


def finite_difference_gradients(network: Network, h: float = 1e-6) -> dict[str, float]:
    """dE/dp for every weight and bias p of ``network``, by central differences.

    Moving one parameter of layer l changes the weighted sum of one unit of
    that layer, and nothing below it: w_uc by ±h moves net_u by ±h·out_c (the
    c-th output of the layer below), b_u moves it by ±h. So the forward pass
    is done once, and for each layer the weighted sums of every such move are
    stacked as the rows of one batch and carried through the layers above
    together: 2P forward passes of the rest of the network, as a few products.
    """
    model = NumpyNetwork.from_network(network)
    targets = np.array([network.targets], dtype=model.dtype)
    weight_estimates, bias_estimates = [], []
    # A saturated or overflowing network gives inf or nan here: that is the estimate, not a fault.
    with np.errstate(over="ignore", invalid="ignore"):
        nets, outs = model.forward([network.inputs])
        for layer, (W, b) in enumerate(zip(model.weights, model.biases, strict=True)):
            units, inputs = W.shape
            # Row k moves unit ``moved[k]`` by ``by[k]``: first the weights in the order of
            # their names (row by row), then the biases.
            moved = np.repeat(np.arange(units), inputs)
            by = h * np.tile(outs[layer][0], units)
            if b is not None:
                moved = np.concatenate([moved, np.arange(units)])
                by = np.concatenate([by, np.full(units, h)])
            estimates = np.empty(len(moved))
            for rows in _chunks(len(moved), max(model.sizes[layer + 1:])):
                above = _losses_above(model, layer, nets[layer][0], moved[rows], by[rows], targets)
                below = _losses_above(model, layer, nets[layer][0], moved[rows], -by[rows], targets)
                estimates[rows] = (above - below) / (2 * h)
            weight_estimates += estimates[:units * inputs].tolist()
            bias_estimates += estimates[units * inputs:].tolist()
    # parameters() names the weights of every layer first, then the biases: match that order.
    return dict(zip(model.parameters(), weight_estimates + bias_estimates, strict=True))


def _losses_above(model: NumpyNetwork, layer: int, net, moved, by, targets):
    """E of the sample with net_u of ``layer`` moved by ``by`` (one row per move), u = ``moved``."""
    nets = np.repeat(net[np.newaxis, :], len(moved), axis=0)
    nets[np.arange(len(moved)), moved] += by
    out = model.activations[layer].function(nets)
    for W, b, activation in zip(model.weights[layer + 1:], model.biases[layer + 1:],
                                model.activations[layer + 1:], strict=True):
        net_above = out @ W.T
        if b is not None:
            net_above += b
        out = activation.function(net_above)
    return array_loss_per_sample(out, targets, model.loss)


def _chunks(rows: int, width: int, size: int = 1 << 20):
    """Slices of ``rows`` rows, ``width`` numbers each, at most ``size`` numbers a slice.

    The stacked moves of a 1000 × 1000 layer would take gigabytes at once; slices stay a few
    megabytes.
    """
    step = max(1, size // width)
    return [slice(start, min(start + step, rows)) for start in range(0, rows, step)]


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
