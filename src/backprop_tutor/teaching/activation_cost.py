"""What an activation costs in training, measured three ways.

(a) **Per element.** The operations each activation adds to the forward pass
(f) and to the backward pass (f′), with f′ taken from the stored output as
backpropagation does, and the measured time per element of each (median and
interquartile range over repeats, on a float64 array)::

    sigmoid   f: (1 + tanh(x/2)) / 2    f′ = out·(1 − out)
    tanh      f: tanh(x)                f′ = 1 − out²
    relu      f: max(0, x)              f′ = 1 if out > 0 else 0

(b) **Per training step.** One SGD step (forward, backward, update) of a
realistic network, 64-256-256-10 on digits with a batch of 64, per hidden
activation, in NumPy and (optionally) in Keras. The matrix products cost the
same for every activation; a linear hidden layer (f(x) = x, f′ = 1) is timed
too, as the step without any activation cost, so::

    share of the step spent on the activation = (step − linear step) / step

(c) **End to end.** What decides the choice: the time to reach a validation
loss, which is cost per step × steps needed::

    seconds to target = (median seconds per step) × (weight updates until val loss ≤ target)

The target is the lowest mean validation loss that every activation reaches
within the epochs given, so each activation has a finite answer.

Timings depend on the machine; medians and interquartile ranges (IQR, the
middle half of the repeats) make them steady enough to compare within one run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS

# ---------------------------------------------------------------- (a) per element


@dataclass(frozen=True)
class ElementCost:
    """One activation's f and f′: the operations per element, and their measured time."""

    activation: str
    forward: str                      # f as computed
    forward_operations: str
    backward: str                     # f′ from the stored out
    backward_operations: str
    forward_ns: float                 # median nanoseconds per element
    forward_iqr: float
    backward_ns: float
    backward_iqr: float


#: activation → (f as computed, its operations, f′ from out, its operations, f, f′ from out)
FORMULAS = {
    "sigmoid": ("(1 + tanh(x/2))/2", "1 tanh, 3 arithmetic",
                "out·(1 − out)", "2 arithmetic",
                lambda x: 0.5 * (1.0 + np.tanh(0.5 * x)), lambda out: out * (1.0 - out)),
    "tanh": ("tanh(x)", "1 tanh", "1 − out²", "2 arithmetic",
             np.tanh, lambda out: 1.0 - out * out),
    "relu": ("max(0, x)", "1 comparison", "out > 0", "1 comparison, 1 conversion",
             lambda x: np.maximum(x, 0.0), lambda out: (out > 0.0).astype(out.dtype)),
}


def median_iqr(samples) -> tuple[float, float]:
    """The median and the interquartile range (75th − 25th percentile) of ``samples``."""
    low, middle, high = np.percentile(np.asarray(samples, dtype=float), [25, 50, 75])
    return float(middle), float(high - low)


def timings(function: Callable, repeats: int, calls: int = 1) -> list[float]:
    """Seconds per call of ``function()``: ``repeats`` timings of ``calls`` calls, after one warm-up."""
    function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        samples.append((time.perf_counter() - start) / calls)
    return samples


def element_costs(size: int = 1_000_000, repeats: int = 15, seed: int = 0) -> list[ElementCost]:
    """(a): f and f′ (from out) of each tutorial activation, timed on ``size`` numbers in [-4, 4]."""
    _check_whole("size", size)
    _check_whole("repeats", repeats)
    x = np.random.default_rng(seed).uniform(-4.0, 4.0, size)
    costs = []
    for name in TUTORIAL_ACTIVATIONS:
        forward, forward_ops, backward, backward_ops, f, f_prime = FORMULAS[name]
        out = f(x)
        per_element = 1e9 / size
        fwd = median_iqr([s * per_element for s in timings(lambda: f(x), repeats)])
        bwd = median_iqr([s * per_element for s in timings(lambda: f_prime(out), repeats)])
        costs.append(ElementCost(name, forward, forward_ops, backward, backward_ops, *fwd, *bwd))
    return costs


# ---------------------------------------------------------------- (b) per training step


@dataclass(frozen=True)
class StepCost:
    """Seconds of one SGD step of the whole network with one hidden activation."""

    activation: str
    library: str                      # "NumPy" or "Keras"
    median: float
    iqr: float


STEP_SIZES = (64, 256, 256, 10)
STEP_BATCH = 64


def _digits_batch(batch: int, seed: int = 0):
    from backprop_tutor.networks.datasets import load_dataset

    digits = load_dataset("digits")
    rows = np.random.default_rng(seed).choice(len(digits.X), batch, replace=False)
    return digits.X[rows], digits.T[rows]


def numpy_step_costs(sizes=STEP_SIZES, batch: int = STEP_BATCH, repeats: int = 15,
                     calls: int = 10) -> list[StepCost]:
    """(b) in NumPy: ``model.sgd_step`` on a batch of digits, per hidden activation.

    With one BLAS thread, as in the lab's worker processes: on a shared
    machine, threads waiting for each other would time the other work too.
    """
    from threadpoolctl import threadpool_limits

    from backprop_tutor.networks.numpy_network import NumpyNetwork

    X, T = _digits_batch(batch)
    costs = []
    for name in (*TUTORIAL_ACTIVATIONS, "linear"):
        activations = [name] * (len(sizes) - 2) + ["sigmoid"]
        model = NumpyNetwork.initialised(list(sizes), activations, seed=0)
        with threadpool_limits(limits=1):
            samples = timings(lambda: model.sgd_step(X, T, 0.01), repeats, calls)
        costs.append(StepCost(name, "NumPy", *median_iqr(samples)))
    return costs


def keras_step_costs(sizes=STEP_SIZES, batch: int = STEP_BATCH, repeats: int = 15,
                     calls: int = 10) -> list[StepCost]:
    """(b) in Keras: ``train_on_batch`` of the same network and batch (float64, SGD)."""
    from backprop_tutor.networks.keras_network import import_keras, keras_precision

    keras = import_keras()
    X, T = _digits_batch(batch)
    costs = []
    with keras_precision("float64"):
        for name in (*TUTORIAL_ACTIVATIONS, "linear"):
            keras.utils.set_random_seed(0)
            layers = [keras.layers.Dense(units, activation=name) for units in sizes[1:-1]]
            model = keras.Sequential([keras.Input(shape=(sizes[0],)), *layers,
                                      keras.layers.Dense(sizes[-1], activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
            samples = timings(lambda: model.train_on_batch(X, T), repeats, calls)
            costs.append(StepCost(name, "Keras", *median_iqr(samples)))
    return costs


# ---------------------------------------------------------------- (c) end to end


@dataclass(frozen=True)
class EndToEnd:
    """Steps and seconds each activation needs to reach ``target`` validation loss."""

    target: float
    epochs: int
    batch: int
    learning_rate: float
    seeds: int
    steps: dict[str, int]             # weight updates until the mean val loss ≤ target
    step_seconds: dict[str, float]    # median seconds per step, from (b)
    mean_val_loss: dict[str, list[float]]

    def seconds(self, activation: str) -> float:
        return self.steps[activation] * self.step_seconds[activation]

    @property
    def winner(self) -> str:
        """The activation that reaches the target in the least time."""
        return min(self.steps, key=self.seconds)


def end_to_end(step_costs: list[StepCost], epochs: int = 10, learning_rate: float = 0.5,
               seeds: int = 2, jobs: int = 1, sizes=STEP_SIZES,
               batch: int = STEP_BATCH) -> EndToEnd:
    """(c): train on digits with each hidden activation; steps to a common target × cost per step.

    Args:
        step_costs: the NumPy step costs from ``numpy_step_costs`` (same sizes and batch).
    """
    from backprop_tutor.teaching.lab.curves import group_runs
    from backprop_tutor.teaching.lab.runner import run_all
    from backprop_tutor.teaching.lab.runs import Setting, train

    if len(sizes) != 4:
        raise ValueError("sizes must be inputs, two hidden layers and outputs")
    base = Setting(dataset="digits", hidden_units=sizes[1], hidden_layers=2,
                   learning_rate=learning_rate, batch_size=batch, epochs=epochs)
    settings = [base.with_(hidden_activation=a, seed=s) for a in TUTORIAL_ACTIVATIONS
                for s in range(seeds)]
    groups = group_runs(run_all(train, settings, jobs=jobs), lambda s: s.hidden_activation)
    curves = {g.label: g.curve("val_loss")[0] for g in groups}
    target = float(max(curve.min() for curve in curves.values()))
    per_epoch = groups[0].updates_per_epoch
    steps = {a: int(np.argmax(curve <= target)) * per_epoch for a, curve in curves.items()}
    step_seconds = {c.activation: c.median for c in step_costs
                    if c.library == "NumPy" and c.activation in steps}
    return EndToEnd(target, epochs, batch, learning_rate, seeds, steps, step_seconds,
                    {a: curve.tolist() for a, curve in curves.items()})


def _check_whole(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1; got {value!r}")


# ---------------------------------------------------------------- all three


@dataclass(frozen=True)
class ActivationCost:
    """The three measurements, and how they were made."""

    elements: list[ElementCost]
    steps: list[StepCost]
    end_to_end: EndToEnd | None
    size: int
    repeats: int
    numpy_version: str

    def step(self, activation: str, library: str = "NumPy") -> StepCost:
        return next(c for c in self.steps if (c.activation, c.library) == (activation, library))

    def to_dict(self) -> dict:
        """A JSON-ready dict of every measurement (seconds, nanoseconds per element)."""
        from dataclasses import asdict

        return {"size": self.size, "repeats": self.repeats, "numpy": self.numpy_version,
                "network": "-".join(map(str, STEP_SIZES)), "batch": STEP_BATCH,
                "per_element": [asdict(c) for c in self.elements],
                "per_step": [asdict(c) for c in self.steps],
                "end_to_end": None if self.end_to_end is None else {
                    **asdict(self.end_to_end),
                    "seconds": {a: self.end_to_end.seconds(a) for a in self.end_to_end.steps},
                    "winner": self.end_to_end.winner}}


def measure(size: int = 1_000_000, repeats: int = 15, keras: bool = False,
            epochs: int = 10, jobs: int = 1) -> ActivationCost:
    """(a), (b) and (c); (b) in Keras too with ``keras``; no (c) with ``epochs=0``."""
    _check_whole("repeats", repeats)
    elements = element_costs(size, repeats)
    steps = numpy_step_costs(repeats=repeats) + (keras_step_costs(repeats=repeats) if keras else [])
    whole = end_to_end(steps, epochs=epochs, jobs=jobs) if epochs else None
    return ActivationCost(elements, steps, whole, size, repeats, np.__version__)
