"""What an activation costs in training, measured three ways.

(a) **Per element.** The operations each activation adds to the forward pass
(f) and to the backward pass (f′), with f′ taken from the stored output as
backpropagation does, counted per element (the part that does not depend on the
machine), and the measured time per element of each (on a float64 array)::

    sigmoid   f: (1 + tanh(x/2)) / 2   1 tanh, 2 mul, 1 add    f′ = out·(1 − out)   1 mul, 1 add
    tanh      f: tanh(x)               1 tanh                  f′ = 1 − out²        1 mul, 1 add
    relu      f: max(0, x)             1 compare               f′ = (out > 0)       1 compare

(b) **Per training step.** One SGD step (forward, backward, update) of a
realistic network, 64-256-256-10 on digits with a batch of 64, per hidden
activation, in NumPy and (optionally) in Keras. The matrix products cost the
same for every activation; a linear hidden layer (f(x) = x, f′ = 1) is timed
too, as the step without any activation cost, so::

    share of the step spent on the activation = (step − linear step) / step

(c) **End to end.** What decides the choice: the time to reach a validation
loss, which is cost per step × steps needed. Each activation trains at its own
best η, found by the lab's learning-rate sweep on digits (``END_TO_END``)::

    seconds to target = (median seconds per step) × (weight updates until val loss ≤ target)

The target is the lowest mean validation loss that every activation reaches
within the epochs given, so each activation has a finite answer; the updates
are counted at the end of each epoch.

Timings depend on the machine. Each is the median of its repeats with a 95 %
interval of the median (``median_interval``: two of the sorted repeats, chosen
by the binomial distribution, which needs no assumption about the timings'
distribution). Two timings are told apart only where their intervals do not
overlap; the report says so.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from backprop_tutor.core.activations import ACTIVATIONS, TUTORIAL_ACTIVATIONS
from backprop_tutor.networks.numpy_network import ARRAY_ACTIVATIONS, NumpyNetwork

# ---------------------------------------------------------------- (a) per element


@dataclass(frozen=True)
class ElementCost:
    """One activation's f and f′: the operations per element, and their measured time."""

    activation: str
    forward: str                      # f as computed
    forward_operations: dict          # operation → count per element
    backward: str                     # f′ from the stored out
    backward_operations: dict
    forward_ns: Timing                # nanoseconds per element
    backward_ns: Timing


#: The operations counted per element (tanh stands for the exponential inside it).
OPERATIONS = ("tanh", "mul", "add", "compare")

Elementwise = Callable[[np.ndarray], np.ndarray]


class ElementFormulas(NamedTuple):
    """One activation's f and f′ per element: as text, their operations, and as array functions."""

    forward: str                      # f as computed
    forward_operations: dict[str, int]
    backward: str                     # f′ from the stored out
    backward_operations: dict[str, int]
    f: Elementwise
    f_prime_from_output: Elementwise


#: activation → its ElementFormulas: the text and counts from the registry of activations, the
#: functions the NumPy network trains with.
FORMULAS: dict[str, ElementFormulas] = {
    name: ElementFormulas(ACTIVATIONS[name].computed, ACTIVATIONS[name].computed_operations,
                          ACTIVATIONS[name].computed_derivative, ACTIVATIONS[name].derivative_operations,
                          ARRAY_ACTIVATIONS[name].function, ARRAY_ACTIVATIONS[name].derivative_from_output)
    for name in TUTORIAL_ACTIVATIONS}


@dataclass(frozen=True)
class Timing:
    """The median of repeated timings, and a 95 % interval of the median (see the module)."""

    median: float
    low: float
    high: float
    repeats: int

    def clearly_below(self, other: Timing) -> bool:
        """Is this timing below ``other`` with the two intervals apart?"""
        return self.high < other.low

    def scaled(self, factor: float) -> Timing:
        return Timing(self.median * factor, self.low * factor, self.high * factor, self.repeats)


def median_interval(samples) -> Timing:
    """The median of ``samples`` and a distribution-free 95 % interval of it.

    Formula:
        sorted x_(1) ≤ ... ≤ x_(n);  j = floor(n/2 − 0.98·√n),  k = ceil(n/2 + 0.98·√n)
        interval [x_(max(j, 1)), x_(min(k, n))]   (the binomial(n, ½) normal approximation)

    >>> median_interval([5, 1, 4, 2, 3, 9, 7, 8, 6])     # n = 9: j = 1, k = 8
    Timing(median=5.0, low=1.0, high=8.0, repeats=9)
    """
    values = np.sort(np.asarray(samples, dtype=float))
    n = len(values)
    j = max(math.floor(n / 2 - 0.98 * math.sqrt(n)), 1)
    k = min(math.ceil(n / 2 + 0.98 * math.sqrt(n)), n)
    return Timing(float(np.median(values)), float(values[j - 1]), float(values[k - 1]), n)


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
        # B023: timings() calls each lambda at once, with this activation's f, f′ and out.
        fwd = median_interval([s * per_element for s in timings(lambda: f(x), repeats)])  # noqa: B023
        bwd = median_interval([s * per_element for s in timings(lambda: f_prime(out), repeats)])  # noqa: B023
        costs.append(ElementCost(name, forward, forward_ops, backward, backward_ops, fwd, bwd))
    return costs


# ---------------------------------------------------------------- (b) per training step


@dataclass(frozen=True)
class StepCost:
    """Seconds of one SGD step of the whole network with one hidden activation."""

    activation: str
    library: str                      # "NumPy" or "Keras"
    seconds: Timing


STEP_SIZES = (64, 256, 256, 10)
STEP_BATCH = 64


def _digits_batch(batch: int, seed: int = 0):
    from backprop_tutor.networks.datasets import load_dataset

    digits = load_dataset("digits")
    rows = np.random.default_rng(seed).choice(len(digits.X), batch, replace=False)
    return digits.X[rows], digits.T[rows]


def numpy_step_costs(sizes=STEP_SIZES, batch: int = STEP_BATCH, repeats: int = 15,
                     calls: int = 10, output: str = "sigmoid") -> list[StepCost]:
    """(b) in NumPy: ``model.sgd_step`` on a batch of digits, per hidden activation.

    With one BLAS thread, as in the lab's worker processes: on a shared
    machine, threads waiting for each other would time the other work too.
    """
    from threadpoolctl import threadpool_limits

    X, T = _digits_batch(batch)
    costs = []
    for name in (*TUTORIAL_ACTIVATIONS, "linear"):
        activations = [name] * (len(sizes) - 2) + [output]
        model = NumpyNetwork.initialised(list(sizes), activations, seed=0)
        with threadpool_limits(limits=1):
            samples = timings(lambda: model.sgd_step(X, T, 0.01), repeats, calls)  # noqa: B023 (at once)
        costs.append(StepCost(name, "NumPy", median_interval(samples)))
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
            samples = timings(lambda: model.train_on_batch(X, T), repeats, calls)  # noqa: B023 (at once)
            costs.append(StepCost(name, "Keras", median_interval(samples)))
    return costs


# ---------------------------------------------------------------- (c) end to end

#: The lab setting of (c): the learning-rate sweep on digits, whose best η each activation uses.
END_TO_END = {"dataset": "digits", "samples": None, "batch_size": 64, "epochs": 10}
END_TO_END_SEEDS = (0, 1)


@dataclass(frozen=True)
class EndToEnd:
    """Steps and seconds each activation needs to reach ``target`` validation loss."""

    target: float
    epochs: int
    batch: int
    network: str                      # e.g. 64-16-10, linear output
    learning_rates: dict[str, float]  # each activation's best η, from the lab's sweep
    seeds: int
    steps: dict[str, int]             # weight updates until the mean val loss ≤ target
    step_seconds: dict[str, Timing]   # seconds per step of that network, from (b)
    mean_val_loss: dict[str, list[float]]

    def seconds(self, activation: str) -> Timing:
        return self.step_seconds[activation].scaled(self.steps[activation])


def sweep_runs(epochs: int | None = None, jobs: int = 1, seeds=END_TO_END_SEEDS) -> list:
    """The runs of the lab's learning-rate sweep of (c) (``END_TO_END``, other epochs if given)."""
    from backprop_tutor.teaching.lab import learning_rate

    base = learning_rate.BASE.with_(**{**END_TO_END, **({"epochs": epochs} if epochs else {})})
    return learning_rate.run(learning_rate.settings(base, seeds=seeds), jobs)


def end_to_end(runs: list, repeats: int = 15, calls: int = 10) -> EndToEnd:
    """(c): at each activation's best η in the learning-rate sweep ``runs`` (``sweep_runs``), the
    steps to a common target × the measured cost per step of the same network (each of
    ``repeats`` timings the mean of ``calls`` steps)."""
    from backprop_tutor.teaching.lab import learning_rate

    sweep = learning_rate.summarise(runs)
    base, seeds = runs[0].setting, {run.setting.seed for run in runs}
    rates = {a: best.learning_rate for a in sweep.by_activation if (best := sweep.best(a))}
    curves = {a: np.mean([run.val_loss for run in runs if run.setting.hidden_activation == a
                          and run.setting.learning_rate == rate], axis=0)
              for a, rate in rates.items()}
    target = float(max(curve.min() for curve in curves.values()))
    per_epoch = runs[0].updates_per_epoch
    steps = {a: int(np.argmax(curve <= target)) * per_epoch for a, curve in curves.items()}
    sizes = (64, base.hidden_units, 10)    # digits: 8×8 pixels in, ten digits out
    step_costs = numpy_step_costs(sizes, base.batch_size, repeats, calls,
                                  output=base.output_activation)
    return EndToEnd(target, base.epochs, base.batch_size,
                    f"{'-'.join(map(str, sizes))}, {base.output_activation} output", rates,
                    len(seeds), steps, {c.activation: c.seconds for c in step_costs
                                        if c.activation in steps},
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
                    "seconds": {a: asdict(self.end_to_end.seconds(a))
                                for a in self.end_to_end.steps}}}


def measure(size: int = 1_000_000, repeats: int = 15, keras: bool = False,
            epochs: int = 10, jobs: int = 1, runs: list | None = None,
            calls: int = 10) -> ActivationCost:
    """(a), (b) and (c); (b) in Keras too with ``keras``; no (c) with ``epochs=0``.

    ``runs``: the learning-rate sweep of (c) if already run (``sweep_runs``). ``calls``: the
    steps averaged in each timing of (b) and (c) (the 95 % interval of the median holds for any).
    """
    _check_whole("repeats", repeats)
    _check_whole("calls", calls)
    elements = element_costs(size, repeats)
    steps = (numpy_step_costs(repeats=repeats, calls=calls)
             + (keras_step_costs(repeats=repeats, calls=calls) if keras else []))
    whole = None
    if epochs:
        whole = end_to_end(runs or sweep_runs(epochs, jobs), repeats, calls)
    return ActivationCost(elements, steps, whole, size, repeats, np.__version__)
