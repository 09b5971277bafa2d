"""Problem 3: the network from scratch in NumPy, in matrix form, trained with SGD.

This is the second, independent route to the numbers of the worksheet: the
same mathematics written with matrices instead of named scalars. For layer l
with weight matrix W (row r = weights into unit r), bias vector b and
activation f::

    forward    net = W @ a_prev + b              a = f(net)
    output     delta_L = dE/da_L * f'(net_L)     (elementwise)
    hidden     delta_l = (W_next.T @ delta_next) * f'(net_l)
    gradients  dE/dW = outer(delta, a_prev)      dE/db = delta
    SGD        W <- W - learning_rate * dE/dW    b <- b - learning_rate * dE/db

The backward pass uses the weights from before the update: all gradients are
computed first, then every weight is changed.

>>> from backprop_tutor.core.network import load_network, EXAMPLES
>>> net = NumpyNetwork.from_network(load_network(EXAMPLES / "mazur.toml"))
>>> losses = net.train([0.05, 0.10], [0.01, 0.99], learning_rate=0.5, epochs=1)
>>> round(losses[0], 9)   # Mazur's published total error before the update
0.298371109
>>> round(net.parameters()["w5"], 8)   # his w5 after the update
0.35891648
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from backprop_tutor.core import names
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import Network

# ---------------------------------------------------------------- activations on arrays

def sigmoid(x):
    """Logistic sigmoid, elementwise.

    Formula:
        sigmoid(x) = 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2

    Computed in the tanh form, which cannot overflow: exp(-x) is inf (with a
    warning) for x < -709, while tanh stays in [-1, 1].
    """
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def sigmoid_derivative(x):
    """Formula: sigmoid'(x) = sigmoid(x) * (1 - sigmoid(x))"""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    """Formula: tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))"""
    return np.tanh(np.asarray(x, dtype=float))


def tanh_derivative(x):
    """Formula: tanh'(x) = 1 - tanh(x)**2"""
    return 1.0 - np.tanh(np.asarray(x, dtype=float)) ** 2


def relu(x):
    """Formula: relu(x) = max(0, x)"""
    return np.maximum(0.0, np.asarray(x, dtype=float))


def step(x):
    """Formula: relu'(x) = step(x) = 1 if x > 0 else 0   (relu'(0) = 0, as in TensorFlow)"""
    return (np.asarray(x, dtype=float) > 0).astype(float)


def linear(x):
    """Formula: linear(x) = x"""
    return np.asarray(x, dtype=float)


def linear_derivative(x):
    """Formula: linear'(x) = 1"""
    return np.ones_like(np.asarray(x, dtype=float))


class Activation(NamedTuple):
    """An activation f and its derivative f', both on arrays of weighted sums."""

    function: Callable
    derivative: Callable


ACTIVATIONS = {
    "sigmoid": Activation(sigmoid, sigmoid_derivative),
    "tanh": Activation(tanh, tanh_derivative),
    "relu": Activation(relu, step),
    "linear": Activation(linear, linear_derivative),
}


# ---------------------------------------------------------------- the network


class NumpyNetwork:
    """A fully connected network: one weight matrix, optional bias vector and activation per layer.

    Args:
        weights: one matrix per layer, shape (units of this layer, units of the previous layer).
        biases: one vector per layer, or None for a layer without biases.
        activations: one name per layer: "sigmoid", "tanh", "relu" or "linear".
        loss: "half_sse" (E = 1/2 sum (t - out)^2) or "mse" (E = mean (t - out)^2).
        train_biases: one flag per layer; a frozen bias keeps its value.
    """

    def __init__(self, weights, biases, activations, loss="half_sse", train_biases=None):
        self.weights = [np.array(w, dtype=float) for w in weights]
        self.biases = [None if b is None else np.array(b, dtype=float) for b in biases]
        self.activations = [ACTIVATIONS[name] for name in activations]
        self.loss = LOSSES[loss]
        self.train_biases = list(train_biases) if train_biases is not None else [True] * len(weights)

    @classmethod
    def from_network(cls, network: Network) -> NumpyNetwork:
        """The NumPy network with the weights, biases and activations of a network file."""
        layers = network.layers
        return cls([layer.weights for layer in layers], [layer.biases for layer in layers],
                   [layer.activation for layer in layers], network.loss,
                   [layer.train_biases for layer in layers])

    def forward(self, x):
        """Weighted sums and outputs of every layer: (nets, outs), outs[0] being the input."""
        outs, nets = [np.asarray(x, dtype=float)], []
        for W, b, activation in zip(self.weights, self.biases, self.activations):
            net = W @ outs[-1] + (b if b is not None else 0.0)
            nets.append(net)
            outs.append(activation.function(net))
        return nets, outs

    def loss_value(self, x, target) -> float:
        """E for one sample, with the network's loss convention."""
        return self.loss.value(self.forward(x)[1][-1], target)

    def backward(self, x, target):
        """Gradients (dE/dW per layer, dE/db per layer) for one sample."""
        nets, outs = self.forward(x)
        # dE/dout = c * (out - t), with c = 1 (half_sse) or 2/K (mse)
        dE_dout = self.loss.factor(outs[-1].size) * (outs[-1] - np.asarray(target, dtype=float))
        delta = dE_dout * self.activations[-1].derivative(nets[-1])
        weight_grads, bias_grads = [], []
        for layer in range(len(self.weights) - 1, -1, -1):
            weight_grads.insert(0, np.outer(delta, outs[layer]))
            bias_grads.insert(0, delta)
            if layer > 0:
                f_prime = self.activations[layer - 1].derivative(nets[layer - 1])
                delta = (self.weights[layer].T @ delta) * f_prime
        return weight_grads, bias_grads

    def sgd_step(self, x, target, learning_rate: float) -> None:
        """One SGD update on one sample: every gradient first, then every weight."""
        weight_grads, bias_grads = self.backward(x, target)
        for layer, (dW, db) in enumerate(zip(weight_grads, bias_grads)):
            self.weights[layer] -= learning_rate * dW
            if self.biases[layer] is not None and self.train_biases[layer]:
                self.biases[layer] -= learning_rate * db

    def train(self, x, target, learning_rate: float, epochs: int, progress=None) -> list[float]:
        """Repeat the SGD step ``epochs`` times; return E before each update.

        ``progress``, if given, is called with the number of updates done so far.
        """
        losses = []
        for epoch in range(epochs):
            losses.append(self.loss_value(x, target))
            self.sgd_step(x, target, learning_rate)
            if progress is not None:
                progress(epoch + 1)
        return losses

    def parameters(self) -> dict[str, float]:
        """Every weight and bias by its name: ``w1 ... wN``, then ``b_h1 ...``, ``b_o1 ...``."""
        sizes = [self.weights[0].shape[1]] + [w.shape[0] for w in self.weights]
        values = {}
        for W, layer_names in zip(self.weights, names.weight_names(sizes)):
            values.update(zip((n for row in layer_names for n in row), W.ravel().tolist()))
        for b, units in zip(self.biases, names.unit_names(sizes)[1:]):
            if b is not None:
                values.update({f"b_{u}": value for u, value in zip(units, b.tolist())})
        return values
