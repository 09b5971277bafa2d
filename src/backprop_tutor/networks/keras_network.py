"""Problem 4: the same network in Keras (TensorFlow 2), side by side with the NumPy network.

A network file becomes a ``keras.Sequential`` of ``Dense`` layers. Keras keeps
a layer's weights the other way round from the file: its kernel has shape
(inputs × units), so the file's row r (the weights into unit r) is column r of
the kernel::

    Keras      out = f(a_prev @ kernel + bias)      kernel: (inputs, units)
    the file   out = f(W @ a_prev + b)              W = kernel.T: (units, inputs)

Keras then does plain SGD on the file's one sample (a batch of one), while the
NumPy network of Problem 3 does the same from the very same start, with the
same loss convention:

* ``mse``      — Keras' built-in ``MeanSquaredError``:
  E = mean((t - out)**2)
* ``half_sse`` — the tutorial's, :func:`half_sum_of_squares`:
  E = 1/2 * sum((t - out)**2)

With K output units, dE/dout is (2/K)·(out - t) for the first and (out - t) for
the second: Keras' gradient is 2/K times the tutorial's. Keras' MSE with
learning rate η therefore takes exactly the tutorial's step with η·2/K.

TensorFlow is imported by the functions that need it, never when this module
is imported: ``backprop-tutor solve`` must not wait for it.

>>> from backprop_tutor.core.network import load_network, EXAMPLES
>>> mazur = load_network(EXAMPLES / "mazur.toml")
>>> result = compare_with_numpy(mazur, loss="half_sse")
>>> round(result.keras_values["w5"], 8), round(result.keras_values["w1"], 9)
(0.35891648, 0.149780716)
>>> result.max_abs_diff < 1e-12
True
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np

from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import solve
from backprop_tutor.extras import require
from backprop_tutor.networks.numpy_fit import batches
from backprop_tutor.networks.numpy_network import NumpyNetwork

#: The float types Keras can run in (keras_precision); float64 agrees with NumPy to rounding.
PRECISIONS = ("float64", "float32")


def import_keras():
    """Import TensorFlow's Keras quietly and return the ``keras`` module.

    The environment variables only take effect before TensorFlow's first import:
    TF_CPP_MIN_LOG_LEVEL=3 hides its C++ start-up messages, TF_ENABLE_ONEDNN_OPTS=0
    turns off oneDNN's reordered kernels (and their notice), so that TensorFlow
    sums in the plain order on every machine.

    The cyclic garbage collector waits during the import: TensorFlow's modules make
    hundreds of thousands of objects, hardly any of them garbage, and the collector would
    go through them again and again (about 0.4 s of CPU, a seventh of the import).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    require("tensorflow")
    with _collector_paused():
        import absl.logging
        import keras
        import tensorflow as tf

    absl.logging.set_verbosity(absl.logging.ERROR)
    tf.get_logger().setLevel("ERROR")
    return keras


@contextmanager
def _collector_paused():
    """The cyclic garbage collector off inside the block, then as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def keras_precision(dtype: str):
    """Run Keras in ``dtype`` ("float64" or "float32") inside the ``with`` block.

    Keras has two global settings for it: the dtype policy, read when a layer
    is created, and the float type ``floatx``, read when the optimizer's
    learning rate, the loss and its loss tracker are created. All must be
    float64 for agreement to rounding: a learning rate of 0.1 held in float32
    is 0.10000000149. Both settings are restored afterwards.
    """
    if dtype not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}; got {dtype!r}")
    keras = import_keras()
    previous_floatx, previous_policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)
    try:
        yield
    finally:
        keras.config.set_floatx(previous_floatx)
        keras.config.set_dtype_policy(previous_policy)


def half_sum_of_squares(y_true, y_pred):
    """The tutorial's loss as a Keras loss function.

    Formula:
        loss = 1/2 * sum((y_true - y_pred)**2)     summed over the output units

    Keras then averages it over the samples of the batch; with a batch of one
    sample that leaves it as it is.

    Args:
        y_true: targets, shape (batch, K).
        y_pred: the network's outputs, shape (batch, K).
    """
    from keras import ops

    return 0.5 * ops.sum(ops.square(y_true - y_pred), axis=-1)


def build_model(network: Network, loss: str = "mse", seed: int | None = None):
    """A compiled ``keras.Sequential`` with the network's layers and SGD(learning_rate).

    Formula:
        out = activation(a_prev @ kernel + bias)     one Dense layer, kernel = W.T
        w <- w - learning_rate * dE/dw              plain SGD: no momentum

    Without ``seed`` the layers hold the network's weights and biases. With a
    seed they start from Keras' default initialisers, seeded: Glorot-uniform
    kernels and zero biases. Call it inside ``with keras_precision(...)``.

    Args:
        network: layers, activations, biases (absent, trained or frozen), learning rate.
        loss: "mse" (Keras' ``MeanSquaredError``) or "half_sse" (:func:`half_sum_of_squares`).
        seed: None for the network's own weights, an integer for random ones.
    """
    model = _sequential(len(network.inputs),
                        [(len(layer.weights), layer.activation, layer.biases is not None,
                          layer.train_biases) for layer in network.layers],
                        0 if seed is None else seed)
    if seed is None:
        load_weights(model, network)
    return _compiled(model, network.learning_rate, loss)


def model_of(numpy_network: NumpyNetwork, learning_rate: float):
    """A compiled Keras model with the NumPy network's layers, weights, biases and loss.

    Call it inside ``with keras_precision(numpy_network.dtype.name)``.
    """
    layers = [(len(W), name, b is not None, trained) for W, b, name, trained in
              zip(numpy_network.weights, numpy_network.biases, numpy_network.activation_names,
                  numpy_network.train_biases, strict=True)]
    model = _sequential(numpy_network.sizes[0], layers, seed=0)
    for dense, W, b in zip(model.layers, numpy_network.weights, numpy_network.biases, strict=True):
        dense.kernel.assign(W.T)
        if b is not None:
            dense.bias.assign(b)
    return _compiled(model, learning_rate, numpy_network.loss)


def _sequential(inputs: int, layers, seed: int):
    """Dense layers from (units, activation, use_bias, train_bias); Glorot-uniform kernels."""
    keras = import_keras()
    # One generator for all layers, so that two layers of the same shape get different weights.
    seeds = keras.random.SeedGenerator(seed)
    dense_layers = [keras.layers.Dense(units, activation=activation, use_bias=use_bias,
                                       kernel_initializer=keras.initializers.GlorotUniform(
                                           seed=seeds),
                                       name="output" if k == len(layers) else f"hidden{k}")
                    for k, (units, activation, use_bias, _) in enumerate(layers, start=1)]
    model = keras.Sequential([keras.Input(shape=(inputs,)), *dense_layers])
    for dense, (_, _, use_bias, train_bias) in zip(model.layers, layers, strict=True):
        if use_bias and not train_bias:
            # A non-trainable variable is left out of model.trainable_variables,
            # so Keras neither computes its gradient nor lets the optimizer touch it.
            # (A bias_constraint that puts the old value back would also keep it,
            # but only after the optimizer has changed it.)
            dense.bias.trainable = False
    return model


def _compiled(model, learning_rate: float, loss: str):
    keras = import_keras()
    keras_losses = {"mse": keras.losses.MeanSquaredError(), "half_sse": half_sum_of_squares}
    if loss not in keras_losses:
        raise ValueError(f"loss must be one of {', '.join(keras_losses)}; got {loss!r}")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss=keras_losses[loss],
                  # No XLA: it may fuse operations and round differently from machine to machine.
                  jit_compile=False)
    return model


def fit_keras(model, X, T, *, epochs: int, batch_size: int | None = None,
              shuffle_seed: int | None = None) -> None:
    """Train a Keras model with the batches :meth:`NumpyNetwork.fit` uses, in the same order.

    Keras' own ``fit`` shuffles with its own generator; here every batch is
    given to ``train_on_batch``, as :func:`numpy_fit.batches` orders them.
    X and T must already be in the model's dtype.
    """
    rng = None if shuffle_seed is None else np.random.default_rng(shuffle_seed)
    for _ in range(epochs):
        for rows in batches(len(X), batch_size, rng):
            model.train_on_batch(X[rows], T[rows])


def load_weights(model, network: Network) -> None:
    """Copy the network's weights into the model: each kernel is the file's matrix transposed."""
    for dense, layer in zip(model.layers, network.layers, strict=True):
        dense.kernel.assign(np.array(layer.weights).T)
        if layer.biases is not None:
            dense.bias.assign(np.array(layer.biases))


def network_from_model(model, network: Network) -> Network:
    """The network with the model's current weights and biases, read back from Keras."""
    layers = tuple(replace(layer,
                           weights=tuple(map(tuple, dense.kernel.numpy().T.tolist())),
                           biases=tuple(dense.bias.numpy().tolist()) if dense.use_bias else None)
                   for dense, layer in zip(model.layers, network.layers, strict=True))
    return replace(network, layers=layers)


def gradient_factor(n_outputs: int) -> float:
    """Keras' MSE gradient over the tutorial's, for one sample with K output units.

    Formula:
        (2/K * (out - t)) / (out - t) = 2/K

    >>> gradient_factor(1), gradient_factor(2)
    (2.0, 1.0)
    """
    return LOSSES["mse"].factor(n_outputs) / LOSSES["half_sse"].factor(n_outputs)


def same_step_learning_rates(learning_rate: float, loss: str, n_outputs: int) -> dict[str, float]:
    """The learning rate of each convention that takes the step ``loss`` takes at ``learning_rate``.

    Formula:
        mse with η_mse = half_sse with η_half_sse   when   η_half_sse = η_mse * 2/K

    >>> same_step_learning_rates(0.5, "mse", n_outputs=1)
    {'mse': 0.5, 'half_sse': 1.0}
    >>> same_step_learning_rates(0.5, "half_sse", n_outputs=1)
    {'mse': 0.25, 'half_sse': 0.5}
    """
    factor = gradient_factor(n_outputs)
    mse = learning_rate if loss == "mse" else learning_rate / factor
    return {"mse": mse, "half_sse": mse * factor}


@dataclass(frozen=True)
class KerasComparison:
    """Keras and the NumPy network after the same SGD updates from the same start.

    ``start`` is the network both began with: its weights as Keras held them
    (the file's, or Keras' random ones) and its ``loss`` the NumPy network's
    name for the convention Keras used.
    """

    start: Network
    loss_convention: str
    precision: str
    seed: int | None
    keras_loss: list[float]
    keras_values: dict[str, float]
    numpy_loss: list[float]
    numpy_values: dict[str, float]

    @property
    def steps(self) -> int:
        return len(self.keras_loss)

    @property
    def max_abs_diff(self) -> float:
        """Formula: max over every weight and bias p of |p_Keras - p_NumPy|"""
        return max(abs(self.keras_values[name] - self.numpy_values[name])
                   for name in self.keras_values)

    @property
    def n_outputs(self) -> int:
        """K, the number of output units."""
        return len(self.start.targets)

    @property
    def factor(self) -> float:
        """2/K: Keras' MSE gradient over the tutorial's (see :func:`gradient_factor`)."""
        return gradient_factor(self.n_outputs)

    def same_step_learning_rates(self) -> dict[str, float]:
        """The learning rate with which each convention takes this run's SGD step."""
        return same_step_learning_rates(self.start.learning_rate, self.loss_convention,
                                        self.n_outputs)

    def by_hand_max_abs_diff(self) -> float | None:
        """After one update: max |p_Keras - p_new| over the worked solution's updated weights.

        The worked solution (``backprop-tutor solve``) of the same start and loss
        convention is the hand calculation; None after several updates.
        """
        if self.steps != 1:
            return None
        sheet = solve(self.start)
        return max(abs(value - sheet[f"{name}_new"]) for name, value in self.keras_values.items())

    def initial_loss(self) -> dict[str, float]:
        """E before the first update under each convention, by the NumPy network.

        Formula:
            half_sse = 1/2 * sum((t - out)**2)
            mse      = mean((t - out)**2) = 2/K * half_sse
        """
        outputs = NumpyNetwork.from_network(self.start).predict([self.start.inputs])[0]
        return {name: LOSSES[name].value(outputs, self.start.targets)
                for name in ("half_sse", "mse")}


def compare_with_numpy(network: Network, loss: str = "mse", steps: int = 1,
                       precision: str = "float64", seed: int | None = None) -> KerasComparison:
    """Train Keras and the NumPy network side by side: ``steps`` SGD updates on the one sample.

    Args:
        network: the network and its sample; its own ``loss`` is not used.
        loss: "mse" (Keras' MeanSquaredError) or "half_sse" (the tutorial's); the NumPy
            network uses the same.
        steps: number of SGD updates, each on a batch of the one sample.
        precision: "float64" (agreement to rounding) or "float32" (Keras in single precision).
        seed: None for the network's weights; an integer for Keras' seeded random start.
    """
    if not (isinstance(steps, int) and steps >= 1):
        raise ValueError(f"steps must be a whole number >= 1; got {steps!r}")
    with keras_precision(precision):
        model = build_model(network, loss, seed)
        start = replace(network_from_model(model, network), loss=loss)
        x, y = np.array([start.inputs], dtype=precision), np.array([start.targets], dtype=precision)
        # train_on_batch returns the loss of its forward pass, computed before the update.
        keras_loss = [float(model.train_on_batch(x, y)) for _ in range(steps)]
        keras_values = network_from_model(model, network).parameters()
    numpy_network = NumpyNetwork.from_network(start)
    # Step by step like Keras, which goes on past a divergence too: its nan is the result.
    with np.errstate(over="ignore", invalid="ignore"):
        numpy_loss = [numpy_network.sgd_step([start.inputs], [start.targets], start.learning_rate)
                      for _ in range(steps)]
    return KerasComparison(start, loss, precision, seed, keras_loss, keras_values,
                           numpy_loss, numpy_network.parameters())


def comparison_json(result: KerasComparison) -> dict:
    """The comparison as JSON-ready data: ``loss``, ``values``, ``numpy``, ``max_abs_diff``, ..."""
    return {
        "loss": result.keras_loss,
        "values": result.keras_values,
        "numpy": result.numpy_values,
        "max_abs_diff": result.max_abs_diff,
        "by_hand_max_abs_diff": result.by_hand_max_abs_diff(),
        "numpy_loss": result.numpy_loss,
        "start": result.start.parameters(),
        "loss_convention": result.loss_convention,
        "numpy_loss_convention": result.start.loss,
        "precision": result.precision,
        "steps": result.steps,
        "learning_rate": result.start.learning_rate,
        "seed": result.seed,
        "outputs": result.n_outputs,
        "factor": result.factor,
        "same_step_learning_rates": result.same_step_learning_rates(),
        "initial_loss": result.initial_loss(),
    }
