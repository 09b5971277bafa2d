"""The NumPy network of Problem 3 on its own."""

import math
import warnings

import numpy as np
import pytest

from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.networks.numpy_network import ACTIVATIONS, NumpyNetwork, sigmoid


def test_mazur_after_one_update():
    """Mazur's published weights after one update (biases frozen in his example)."""
    net = NumpyNetwork.from_network(load_network(EXAMPLES / "mazur.toml"))
    net.sgd_step([0.05, 0.10], [0.01, 0.99], learning_rate=0.5)
    expected = {"w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229,
                "w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121,
                "b_h1": 0.35, "b_h2": 0.35, "b_o1": 0.6, "b_o2": 0.6}
    assert net.parameters() == pytest.approx(expected, abs=6e-9)


def test_mazur_after_10000_updates():
    """Mazur: "After repeating this process 10,000 times ... the error plummets to 0.0000351085".

    His figure is the error at the 10,000th pass, measured before its update.
    """
    network = load_network(EXAMPLES / "mazur.toml")
    losses = NumpyNetwork.from_network(network).train(network.inputs, network.targets, 0.5,
                                                      epochs=10_000)
    assert losses[9_999] == pytest.approx(0.0000351085, abs=5e-11)


def test_parameters_follow_the_naming_contract():
    net = NumpyNetwork.from_network(load_network(EXAMPLES / "deep.toml"))
    names = list(net.parameters())
    assert names[:14] == [f"w{k}" for k in range(1, 15)]
    assert names[14:] == ["b_h1", "b_h2", "b_h3", "b_h4", "b_h5", "b_o1"]
    # w7 is the weight from h1 into h4: row 0, column 0 of the second layer.
    assert net.parameters()["w7"] == 0.5 and net.parameters()["w10"] == 0.2


def test_training_lowers_the_loss_for_every_hidden_activation():
    for activation in ("sigmoid", "tanh", "relu"):
        network = load_network(DEFAULT_NETWORK).with_options(hidden_activation=activation)
        losses = NumpyNetwork.from_network(network).train(
            network.inputs, network.targets, network.learning_rate, epochs=200)
        assert losses[-1] < losses[0] / 10, activation


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", divide="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        values = sigmoid(np.array([-1e4, -745.0, 0.0, 745.0, 1e4]))
    assert values.tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]


def test_sigmoid_equals_the_textbook_formula():
    """1 / (1 + exp(-x)), evaluated with math.exp where it does not overflow."""
    x = np.linspace(-30, 30, 601)
    textbook = np.array([1 / (1 + math.exp(-v)) for v in x])
    assert np.max(np.abs(sigmoid(x) - textbook)) < 3e-16


def test_relu_derivative_at_zero_is_zero_as_in_tensorflow():
    assert ACTIVATIONS["relu"].derivative(np.array([-1.0, 0.0, 2.0])).tolist() == [0.0, 0.0, 1.0]
