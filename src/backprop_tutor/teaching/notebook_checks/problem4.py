"""The check cells of the Problem 4 notebook (Keras): the weights, one update, random weights."""

from __future__ import annotations

import numpy as np

from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.names import unit_names, weight_names
from backprop_tutor.core.worksheet import solve
from backprop_tutor.document.notation import format_number
from backprop_tutor.networks.numpy_network import NumpyNetwork
from backprop_tutor.teaching.notebook_checks.cells import (
    NotWritten,
    as_floats,
    call,
    close,
    differ,
    given,
    run_check,
)

# ---------------------------------------------------------------- Problem 4

class Problem4:
    """Checks of Problem 4's Keras model: its weights, one update, a random start.

    Every check runs Keras in float64, where it agrees with Problem 2 to rounding.
    """

    def __init__(self, network):
        self.network = network
        self.names = [n for layer in weight_names(network.sizes) for row in layer for n in row]
        self.x, self.t = np.array([network.inputs]), np.array([network.targets])

    def parameters(self, model) -> dict[str, float]:
        """The model's weights and biases by name (each Dense kernel is W.T), or NotWritten."""
        sizes = [len(layer.weights) for layer in self.network.layers]
        try:
            got = [dense.get_weights() for dense in model.layers]
            shapes = [tuple(w.shape for w in pair) for pair in got]
        except (AttributeError, TypeError):
            print(f"✗ the model is {type(model).__name__}, not a keras.Sequential")
            raise NotWritten from None
        expected = [((n_in, n), (n,)) for n_in, n in zip(self.network.sizes[:-1], sizes, strict=True)]
        if shapes != expected:
            print(f"✗ the model's (kernel, bias) shapes are {shapes}; expected {expected}")
            raise NotWritten
        weights = [w for kernel, _ in got for w in kernel.T.ravel()]
        units = [u for layer in unit_names(self.network.sizes)[1:] for u in layer]
        biases = [b for _, bias in got for b in bias]
        return {**dict(zip(self.names, weights, strict=True)),
                **{f"b_{u}": b for u, b in zip(units, biases, strict=True)}}

    @run_check
    def weights(self, build_model):
        """build_model(network) holds the network's weights and biases."""
        with _float64():
            got = self.parameters(call(build_model, "build_my_model", self.network))
        if not _differ_named(got, self.network.parameters()):
            print(f"✓ {' '.join(got)} as the network file (each kernel is W.T)")

    @run_check
    def update(self, build_model, train_step, loss: str = "mse"):
        """One train_step of build_model(network) against the step worked by hand with ``loss``.

        Returns the weights and biases after the update (None if they are wrong).
        """
        with _float64():
            model = call(build_model, "build_my_model", self.network)
            before = given(call(train_step, "train_step", model, self.x.copy(), self.t.copy()),
                           train_step, "train_step")
            after = self.parameters(model)
        sheet = solve(self.network.with_options(loss=loss))
        other = solve(self.network.with_options(loss="half_sse" if loss == "mse" else "mse"))
        hint = (f"that is the step with {LOSSES[other.network.loss].description}"
                if close(list(after.values()), [other[f"{p}_new"] for p in after]) else "")
        if _differ_named(after, {p: sheet[f"{p}_new"] for p in after}, hint, " after the update"):
            return None
        before = as_floats(before, (), "train_step's loss")
        if loss == "mse" and differ("Keras' loss before the update (E with Keras' MSE)",
                                    before, sheet["E"]):
            return None
        print(f"✓ Keras' loss before the update: {format_number(float(before))}; after it "
              f"{', '.join(after)} as the step worked by hand with {LOSSES[loss].formula} "
              f"(w5_new = {format_number(after['w5'])})")
        return after

    @run_check
    def random_start(self, build_random_model, train_step, seed: int = 42, updates: int = 10,
                     loss: str = "mse"):
        """build_random_model(network, seed) trained ``updates`` times, as the NumPy network."""
        with _float64():
            model = call(build_random_model, "build_random_model", self.network, seed)
            start = self.parameters(model)
            for _ in range(updates):
                given(call(train_step, "train_step", model, self.x.copy(), self.t.copy()),
                      train_step, "train_step")
            after = self.parameters(model)
            again = self.parameters(call(build_random_model, "build_random_model",
                                         self.network, seed))
        if close(list(start.values()), list(self.network.parameters().values())):
            print("✗ the model starts from the network file's weights, not from random ones")
        elif not close(list(again.values()), list(start.values())):
            print(f"✗ seed {seed} gave other weights the second time: seed Keras in the function")
        else:
            numpy = NumpyNetwork.from_network(self.network.with_parameters(start)
                                              .with_options(loss=loss))
            numpy.fit(self.network.inputs, self.network.targets,
                      learning_rate=self.network.learning_rate, epochs=updates)
            if not _differ_named(after, numpy.parameters(), "",
                                 f" after {updates} updates (the NumPy network's)"):
                print(f"✓ seed {seed}: w1 = {format_number(start['w1'])} at the start; after "
                      f"{updates} updates every weight as the NumPy network's from the same start")


def _differ_named(got: dict, expected: dict, hint: str = "", when: str = "") -> bool:
    return any(differ(f"{name}{when}", got[name], value, hint) for name, value in expected.items())


def _float64():
    """Keras in float64 inside the ``with`` block (TensorFlow is imported here, not before)."""
    from backprop_tutor.networks.keras_network import keras_precision

    return keras_precision("float64")
