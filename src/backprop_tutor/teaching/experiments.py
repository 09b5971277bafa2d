"""Training experiments on the network's one sample: learning curves and a learning-rate sweep.

>>> from backprop_tutor.core.network import load_network, DEFAULT_NETWORK
>>> curves = learning_curves(load_network(DEFAULT_NETWORK), updates=10)
>>> sorted(curves), len(curves["tanh"])
(['relu', 'sigmoid', 'tanh'], 11)

Each returns data; ``output.figures`` draws it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import Network
from backprop_tutor.networks.numpy_network import NumpyNetwork

SWEEP_LEARNING_RATES = tuple(np.logspace(-3, 3, 31).tolist())


def learning_curves(network: Network, updates: int = 1000,
                    activations=TUTORIAL_ACTIVATIONS) -> dict[str, list[float]]:
    """Loss E after 0, 1, ..., ``updates`` SGD updates, for each hidden activation.

    Every run starts from the same weights, those of ``network``, and trains
    the NumPy network on the network's one sample with its learning rate;
    only the hidden activation changes. Entry k of a curve is E after k updates.
    """
    _check_updates(updates)
    curves = {}
    for name in activations:
        model, net = _model(network, name)
        history = model.fit([net.inputs], [net.targets], learning_rate=net.learning_rate,
                            epochs=updates)
        curves[name] = history.loss
    return curves


#: An output unit whose activation has slope f'(net) below this is saturated.
SATURATED_SLOPE = 1e-3


@dataclass(frozen=True)
class LearningRateSweep:
    """Training runs that differ only in the learning rate, and how each ended.

    ``final_loss[activation][k]`` is E after ``updates`` updates with
    ``learning_rates[k]``: nan or inf where the weights overflowed.
    ``saturated[activation][k]`` says whether every output unit ended
    saturated, f'(net) < ``SATURATED_SLOPE``: its δ is then about 0 and
    learning has all but stopped. ``initial_loss[activation]`` is E before training.
    """

    learning_rates: tuple[float, ...]
    updates: int
    initial_loss: dict[str, float]
    final_loss: dict[str, tuple[float, ...]]
    saturated: dict[str, tuple[bool, ...]]

    def diverged(self, activation: str) -> tuple[bool, ...]:
        """Per learning rate: did the run end worse than it started (or overflow)?"""
        start = self.initial_loss[activation]
        return tuple(not (math.isfinite(loss) and loss <= start)
                     for loss in self.final_loss[activation])


def learning_rate_sweep(network: Network, learning_rates=SWEEP_LEARNING_RATES,
                        updates: int = 100,
                        activations=TUTORIAL_ACTIVATIONS) -> LearningRateSweep:
    """Train from the same start with each learning rate; keep how each run ended.

    Too small a learning rate leaves E where it started. Too large a one
    overshoots: with a sigmoid output E stays bounded, but the first steps can
    throw the output into a flat end of the sigmoid (out ≈ 0 or 1), where its
    δ is about 0 and learning stops; or E can end above where it started.
    Overflowing weights give nan or inf, without warnings.
    """
    _check_updates(updates)
    for rate in learning_rates:
        if not (isinstance(rate, (int, float)) and math.isfinite(rate) and rate > 0):
            raise ValueError(f"learning_rates must be positive finite numbers; got {rate!r}")
    initial, final, saturated = {}, {}, {}
    for name in activations:
        model, net = _model(network, name)
        initial[name] = model.loss_value([net.inputs], [net.targets])
        runs = [_train_run(net, learning_rate, updates) for learning_rate in learning_rates]
        final[name] = tuple(loss for loss, _ in runs)
        saturated[name] = tuple(flat for _, flat in runs)
    return LearningRateSweep(tuple(learning_rates), updates, initial, final, saturated)


def _train_run(network: Network, learning_rate: float, updates: int) -> tuple[float, bool]:
    """E after ``updates`` SGD updates from the network's weights; whether the outputs saturated.

    A run that diverges stops there (``NumpyNetwork.fit``): its E is nan, inf or huge.
    """
    model = NumpyNetwork.from_network(network)
    history = model.fit([network.inputs], [network.targets], learning_rate=learning_rate,
                        epochs=updates)
    with np.errstate(over="ignore", invalid="ignore"):
        _, outs = model.forward([network.inputs])
        slopes = model.activations[-1].derivative_from_output(outs[-1])
    return history.loss[-1], bool(np.all(slopes < SATURATED_SLOPE))


def _check_updates(updates) -> None:
    if isinstance(updates, bool) or not isinstance(updates, int) or updates < 0:
        raise ValueError(f"updates must be a whole number of at least 0; got {updates!r}")


def _model(network: Network, hidden_activation: str) -> tuple[NumpyNetwork, Network]:
    """The network with the given hidden activation, and a fresh NumPy network of it."""
    network = network.with_options(hidden_activation=hidden_activation)
    return NumpyNetwork.from_network(network), network
