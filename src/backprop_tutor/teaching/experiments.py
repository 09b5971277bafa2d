"""Learning curves on the network's one sample (Problem 3): the network memorises that sample.

>>> from backprop_tutor.core.network import load_network, DEFAULT_NETWORK
>>> curves = learning_curves(load_network(DEFAULT_NETWORK), updates=10)
>>> sorted(curves), len(curves["tanh"])
(['relu', 'sigmoid', 'tanh'], 11)

The data; ``output.figures`` draws it. The lab (``teaching.lab``) trains on data sets.
"""

from __future__ import annotations

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import Network
from backprop_tutor.networks.numpy_network import NumpyNetwork


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


def _check_updates(updates) -> None:
    if isinstance(updates, bool) or not isinstance(updates, int) or updates < 0:
        raise ValueError(f"updates must be a whole number of at least 0; got {updates!r}")


def _model(network: Network, hidden_activation: str) -> tuple[NumpyNetwork, Network]:
    """The network with the given hidden activation, and a fresh NumPy network of it."""
    network = network.with_options(hidden_activation=hidden_activation)
    return NumpyNetwork.from_network(network), network
