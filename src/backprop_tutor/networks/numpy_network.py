"""Problem 3: a fully connected network from scratch in NumPy, trained with SGD.

This file needs nothing but NumPy: copy it into an empty folder and run
``python numpy_network.py`` to see the tutorial's worked step come out of it.
Training on a data set in epochs of batches (``fit``) is ``numpy_fit.py``.

The network takes a batch of samples at once: ``X`` has one row per sample
(shape n × inputs), ``T`` one row of targets per sample (n × outputs). For
layer l with weight matrix W (row r = the weights into unit r, shape
units × units of the previous layer), bias vector b and activation f::

    forward    net = A_prev @ W.T + b                 A = f(net)       one row per sample
    output     delta_L = c * (A_L - T) * f'(A_L) / n                   c = 1 (half_sse), 2/K (mse)
    hidden     delta_l = (delta_next @ W_next) * f'(A_l)
    gradients  dE/dW = delta.T @ A_prev                 dE/db = sum of delta over the samples
    SGD        W <- W - learning_rate * dE/dW          b <- b - learning_rate * dE/db

E of a batch is the mean over its samples of the per-sample E, so its gradient
is the mean of the per-sample gradients: that is the 1/n in delta_L. With one
sample it is the worksheet's single step. f' is read from the stored outputs
A (sigmoid' = A (1 - A), tanh' = 1 - A², relu' = 1 where A > 0), as
backpropagation does, instead of being computed again from net. The backward
pass uses the weights from before the update: every gradient is computed
first, then every weight is changed.

Mazur's published example ("A Step by Step Backpropagation Example", 2015):

>>> net = NumpyNetwork([[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
...                    [[0.35, 0.35], [0.60, 0.60]], ["sigmoid", "sigmoid"])
>>> round(net.sgd_step([[0.05, 0.10]], [[0.01, 0.99]], learning_rate=0.5), 9)  # E before
0.298371109
>>> round(net.parameters()["w5"], 8)   # w5 after the update
0.35891648
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from backprop_tutor.networks.numpy_fit import History

# ---------------------------------------------------------------- activations on arrays


def sigmoid(x):
    """Logistic sigmoid, elementwise.

    Formula:
        sigmoid(x) = 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2

    Computed in the tanh form, which cannot overflow: exp(-x) is inf (with a
    warning) for x < -709, while tanh stays in [-1, 1].
    """
    out = np.multiply(x, 0.5)
    # In place: one array instead of three temporaries, which matters for big batches.
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def heaviside(x):
    """Heaviside step, elementwise: relu's derivative (relu'(0) = 0, as in TensorFlow).

    Formula:
        heaviside(x) = 1 if x > 0 else 0
    """
    x = np.asarray(x)
    return (x > 0).astype(x.dtype if x.dtype.kind == "f" else float)


class ArrayActivation(NamedTuple):
    """An activation f on arrays, and its derivative f' written with the output out = f(net).

    Backpropagation stores out in the forward pass; for these four activations
    f' is a cheap function of it, so net need not be kept or f computed again.
    """

    function: Callable
    derivative_from_output: Callable

    def derivative(self, net):
        """f'(net), for plots: f' of the output f(net)."""
        return self.derivative_from_output(self.function(net))


#: This file's own table of activations, on arrays (the package's registry of activations,
#: core/activations.py, works on single numbers; tests/test_registries.py holds the two together).
ARRAY_ACTIVATIONS = {
    # sigmoid' = sigmoid (1 - sigmoid)
    "sigmoid": ArrayActivation(sigmoid, lambda out: out * (1 - out)),
    # tanh' = 1 - tanh²
    "tanh": ArrayActivation(np.tanh, lambda out: 1 - out * out),
    # relu' = heaviside(net) = heaviside(out), as relu(net) > 0 exactly where net > 0
    "relu": ArrayActivation(lambda net: np.maximum(net, 0), heaviside),
    "linear": ArrayActivation(lambda net: np.asarray(net), np.ones_like),
}

# ---------------------------------------------------------------- losses over a batch

#: This file's own table of losses (core/losses.py's, as a test holds them): for one sample
#: with K outputs E = 1/d * sum_k (t_k - out_k)**2 and dE/dout_k = 2/d * (out_k - t_k), with
#: the divisor d = 2 (half_sse) or K (mse).
ARRAY_LOSS_DIVISORS = {"half_sse": lambda k: 2, "mse": lambda k: k}


def array_loss_per_sample(outputs, targets, loss: str):
    """E of every sample (one value per row).

    Formula:
        half_sse: E = 1/2 * sum_k (t_k - out_k)**2
        mse:      E = 1/K * sum_k (t_k - out_k)**2
    """
    error = targets - outputs
    squares = (error * error).sum(axis=1)
    return squares / ARRAY_LOSS_DIVISORS[loss](outputs.shape[1])


def mean_loss(outputs, targets, loss: str) -> float:
    """E of a batch: the mean over its samples of the per-sample E."""
    per_sample = array_loss_per_sample(outputs, targets, loss)
    return float(per_sample.sum()) / len(per_sample)


# ---------------------------------------------------------------- initialisation

#: Keras' truncated normal keeps values within 2 standard deviations and divides
#: the standard deviation by this (the std of a unit normal truncated at ±2).
TRUNCATED_STD = 0.87962566103423978


def initial_weights(rng, units_out: int, units_in: int, init: str, scale: float = 0.05):
    """One layer's weight matrix (units_out × units_in), drawn as Keras' initialiser ``init``.

    Formula:
        glorot_uniform  uniform(-l, l),  l = sqrt(6 / (fan_in + fan_out))
        glorot_normal   truncated normal, std = sqrt(2 / (fan_in + fan_out))
        he_uniform      uniform(-l, l),  l = sqrt(6 / fan_in)
        he_normal       truncated normal, std = sqrt(2 / fan_in)
        random_normal   normal, std = scale
        zeros           0: every unit of a layer stays the same, symmetry never breaks

    The distributions are Keras'; the numbers drawn are NumPy's (``rng``).
    """
    shape, fan_in, fan_out = (units_out, units_in), units_in, units_out
    if init in ("glorot_uniform", "he_uniform"):
        limit = np.sqrt(6 / (fan_in + fan_out if init == "glorot_uniform" else fan_in))
        return rng.uniform(-limit, limit, shape)
    if init in ("glorot_normal", "he_normal"):
        std = np.sqrt(2 / (fan_in + fan_out) if init == "glorot_normal" else 2 / fan_in)
        return std / TRUNCATED_STD * truncated_normal(rng, shape)
    if init == "random_normal":
        return rng.normal(0.0, scale, shape)
    if init == "zeros":
        return np.zeros(shape)
    raise ValueError(f"init must be one of {', '.join(INIT_NAMES)}; got {init!r}")


#: The initialisers ``initial_weights`` draws from, by name (the package's registry is
#: core/initialisers.py; a test holds the two together).
INIT_NAMES = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "random_normal", "zeros")


def truncated_normal(rng, shape):
    """Unit normal draws, redrawn until they lie within ±2."""
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = rng.standard_normal(outside.sum())
        outside = np.abs(values) > 2
    return values


# ---------------------------------------------------------------- the network


class NumpyNetwork:
    """A fully connected network: one weight matrix, optional bias vector and activation per layer.

    Args:
        weights: one matrix per layer, shape (units of this layer, units of the previous layer).
        biases: one vector per layer, or None for a layer without biases.
        activations: one name per layer: "sigmoid", "tanh", "relu" or "linear".
        loss: "half_sse" (E = 1/2 sum (t - out)^2) or "mse" (E = mean (t - out)^2).
        train_biases: one flag per layer; a frozen bias keeps its value.
        dtype: "float64" or "float32", for the parameters and every computation.
    """

    def __init__(self, weights, biases, activations, loss="half_sse", train_biases=None,
                 dtype="float64"):
        if dtype not in ("float64", "float32"):
            raise ValueError(f"dtype must be float64 or float32; got {dtype!r}")
        if loss not in ARRAY_LOSS_DIVISORS:
            raise ValueError(f"loss must be half_sse or mse; got {loss!r}")
        self.dtype = np.dtype(dtype)
        self.weights = [np.array(w, dtype=self.dtype, ndmin=2) for w in weights]
        self.biases = [None if b is None else np.array(b, dtype=self.dtype) for b in biases]
        self.activation_names = list(activations)
        self.activations = [ARRAY_ACTIVATIONS[name] for name in self.activation_names]
        self.loss = loss
        self.train_biases = [True] * len(weights) if train_biases is None else list(train_biases)
        for layer, W in enumerate(self.weights):
            units_in = self.sizes[layer]
            if W.ndim != 2 or W.shape[1] != units_in:
                raise ValueError(f"weights[{layer}] must have shape (units, {units_in}); "
                                 f"got {W.shape}")
            b = self.biases[layer]
            if b is not None and b.shape != (W.shape[0],):
                raise ValueError(f"biases[{layer}] must have shape ({W.shape[0]},); got {b.shape}")

    @classmethod
    def from_network(cls, network, dtype="float64") -> NumpyNetwork:
        """The NumPy network of a network file: only ``network.loss`` and ``network.layers``
        (``weights``, ``biases``, ``activation``, ``train_biases``) are read, no import needed."""
        layers = network.layers
        return cls([layer.weights for layer in layers], [layer.biases for layer in layers],
                   [layer.activation for layer in layers], network.loss,
                   [layer.train_biases for layer in layers], dtype)

    @classmethod
    def initialised(cls, sizes, activations, *, init="glorot_uniform", seed=0, loss="half_sse",
                    dtype="float64", scale=0.05, biases=True) -> NumpyNetwork:
        """A network of the given layer sizes with seeded random weights and zero biases.

        Args:
            sizes: units per layer, inputs first: (2, 16, 1) is 2 inputs, 16 hidden, 1 output.
            activations: one name per layer after the inputs.
            init: one of ``INIT_NAMES``, the names of Keras' initialisers.
            seed: seed of the one generator that draws every layer, first to last.
            scale: standard deviation of ``random_normal``.
            biases: False for layers without biases.
        """
        if len(activations) != len(sizes) - 1:
            raise ValueError(f"{len(sizes) - 1} layers need {len(sizes) - 1} activations; "
                             f"got {len(activations)}")
        rng = np.random.default_rng(seed)
        weights = [initial_weights(rng, n_out, n_in, init, scale)
                   for n_in, n_out in itertools.pairwise(sizes)]
        return cls(weights, [np.zeros(len(W)) if biases else None for W in weights],
                   activations, loss, dtype=dtype)

    @property
    def sizes(self) -> list[int]:
        """Units per layer, inputs first."""
        return [self.weights[0].shape[1]] + [W.shape[0] for W in self.weights]

    def batch(self, X, width: int, name: str = "X"):
        """``X`` as an (n, width) array of the network's dtype; one sample may be a flat vector.

        Any other shape is an error naming the expected one: a transposed X
        would otherwise broadcast silently against the biases.
        """
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1 and X.shape[0] == width:
            X = X[np.newaxis, :]
        if X.ndim != 2 or X.shape[1] != width:
            raise ValueError(f"{name} must have shape (samples, {width}); got shape {X.shape}")
        return X

    def forward(self, X):
        """Weighted sums and outputs of every layer for a batch, one row per sample.

        Returns ``(nets, outs)``: ``nets[l]`` of layer l + 1 (n × units),
        ``outs[0]`` the inputs X and ``outs[l + 1]`` = f(``nets[l]``).
        """
        return self._forward(self.batch(X, self.sizes[0]))

    def _forward(self, X):   # forward() on a batch already checked (fit checks its data once)
        outs, nets = [X], []
        for W, b, activation in zip(self.weights, self.biases, self.activations, strict=True):
            net = outs[-1] @ W.T
            if b is not None:
                net += b
            nets.append(net)
            outs.append(activation.function(net))
        return nets, outs

    def predict(self, X):
        """The outputs of the last layer, one row per sample."""
        return self.forward(X)[1][-1]

    def loss_value(self, X, T) -> float:
        """E of the batch: the mean over its samples of the per-sample E."""
        return mean_loss(self.predict(X), self.batch(T, self.sizes[-1], "T"), self.loss)

    def backward(self, outs, T):
        """Gradients (dE/dW per layer, dE/db per layer) of the batch's E from the outputs ``outs``
        of its forward pass: each the mean of the per-sample gradients."""
        return self._backpropagate(outs, outs[-1] - T, scale=1.0, every_bias=True)

    def _backpropagate(self, outs, error, scale: float, every_bias: bool):
        """The gradients times ``scale``, from the outputs ``outs`` and their ``error`` = out - T.

        Every delta is linear in the output layer's, so scaling that one scales
        every gradient: with the learning rate as ``scale`` they are the
        update's steps, and no gradient needs a multiplication of its own.
        Without ``every_bias`` a layer whose bias does not train (absent or
        frozen) gets None for dE/db: the update does not need it.
        """
        out, n = outs[-1], error.shape[0]
        delta = (scale * (2.0 / ARRAY_LOSS_DIVISORS[self.loss](out.shape[1])) / n) * error
        delta *= self.activations[-1].derivative_from_output(out)
        weight_grads, bias_grads = [None] * len(self.weights), [None] * len(self.weights)
        for layer in range(len(self.weights) - 1, -1, -1):
            weight_grads[layer] = delta.T @ outs[layer]
            if every_bias or self._trains_bias(layer):
                bias_grads[layer] = delta.sum(axis=0)
            if layer > 0:
                delta = delta @ self.weights[layer]
                delta *= self.activations[layer - 1].derivative_from_output(outs[layer])
        return weight_grads, bias_grads

    def _trains_bias(self, layer: int) -> bool:
        return self.biases[layer] is not None and self.train_biases[layer]

    def gradients(self, X, T):
        """Gradients (dE/dW per layer, dE/db per layer) of the batch's E: per-sample means."""
        return self.backward(self.forward(X)[1], self.batch(T, self.sizes[-1], "T"))

    def sgd_step(self, X, T, learning_rate: float) -> float:
        """One SGD update on a batch, every gradient first, then every weight; returns E of the
        batch before the update, from the forward pass the update needs anyway."""
        return self._sgd_step(self.batch(X, self.sizes[0]), self.batch(T, self.sizes[-1], "T"),
                              learning_rate)

    def _sgd_step(self, X, T, learning_rate: float) -> float:   # on a batch already checked
        _, outs = self._forward(X)
        error = outs[-1] - T
        self._descend(outs, error, learning_rate)
        return self._loss_of(error)

    def _descend(self, outs, error, learning_rate: float) -> None:
        """p <- p - learning_rate * dE/dp, the steps found scaled by the learning rate."""
        for layer, (dW, db) in enumerate(zip(*self._backpropagate(outs, error, learning_rate,
                                                                  every_bias=False), strict=True)):
            self.weights[layer] -= dW
            if db is not None:
                self.biases[layer] -= db

    def _loss_of(self, error) -> float:
        """E of a batch from its error out - T, in one product.

        Formula:
            E = sum of error**2 / (d * n)      d = 2 (half_sse) or K (mse), n samples
        """
        n, k = error.shape
        return float(np.vdot(error, error)) / (ARRAY_LOSS_DIVISORS[self.loss](k) * n)

    def update(self, gradients, learning_rate: float) -> None:
        """Formula: p <- p - learning_rate * dE/dp, for every weight and every trained bias."""
        for layer, (dW, db) in enumerate(zip(*gradients, strict=True)):
            dW *= learning_rate  # in place: the gradient is not needed after this
            self.weights[layer] -= dW
            if self._trains_bias(layer):
                self.biases[layer] -= learning_rate * db

    def fit(self, X, T, **options) -> History:
        """Train in epochs of batches of (X, T): ``numpy_fit.fit(self, X, T, **options)``."""
        from backprop_tutor.networks.numpy_fit import fit  # a file of its own: needed here only

        return fit(self, X, T, **options)

    def parameters(self) -> dict[str, float]:
        """Every weight and bias by its name: ``w1 ... wN``, then ``b_h1 ...``, ``b_o1 ...``.

        Weights are numbered layer by layer, unit by unit, input by input (the
        rows of each W in order); hidden units h1, h2, ... across hidden layers.
        """
        weights = [w for W in self.weights for w in W.ravel().tolist()]
        values = {f"w{k}": w for k, w in enumerate(weights, start=1)}
        hidden = 0
        for layer, b in enumerate(self.biases):
            if layer == len(self.biases) - 1:
                units = [f"o{k}" for k in range(1, len(self.weights[layer]) + 1)]
            else:
                units = [f"h{hidden + k}" for k in range(1, len(self.weights[layer]) + 1)]
                hidden += len(units)
            if b is not None:
                values.update({f"b_{u}": value for u, value in zip(units, b.tolist(), strict=True)})
        return values


if __name__ == "__main__":
    # The tutorial's network (examples/tutorial.toml): 2-2-1, sigmoid units, η = 0.5.
    network = NumpyNetwork([[[0.3, 0.4], [-0.6, 0.1]], [[0.7, -0.5]]], [[0.1, 0.1], [0.2]],
                           ["sigmoid", "sigmoid"])
    x, t = [[0.5, 1.0]], [[0.9]]
    nets, outs = network.forward(x)
    print("out_h1, out_h2 =", outs[1][0].tolist(), "  out_o1 =", outs[2][0, 0])
    print("E before the update =", network.sgd_step(x, t, learning_rate=0.5))
    for name, value in network.parameters().items():
        print(f"{name}_new = {value:.9f}")
