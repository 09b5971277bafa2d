"""One training run of the lab: its setting, what it measured, and how it is trained.

A run trains the NumPy network on a data set's training rows, from a seeded
initialisation, and records after every epoch the loss on the training rows
and on the validation rows::

    train_loss[k] = mean over training rows of E    after k epochs (k = 0 ... epochs)
    val_loss[k]   = mean over validation rows of E  after k epochs

An epoch is one pass over the training rows in batches of ``batch_size``
(``None``: the full batch, i.e. gradient descent), reshuffled every epoch from
the run's seed. The seed also draws the initial weights; the data set and its
split are the same for every seed, so seeds differ only in where training starts.

A run *diverges* when its training loss leaves the range it started in for
good: from some epoch on, every loss is above the starting loss or not finite
(an overflow). ``diverged_at`` is that epoch, or None.

After training, a run also records the state its network ended in, on the
training rows::

    output_spread = largest over output units k of std over rows of out_k
    dead          = fraction of hidden units whose output is 0 for every row

An output spread of (nearly) 0 means the network gives every row the same
answer: its outputs *collapsed* to a constant. A dead unit passes no gradient
back (relu′ = 0 there), so with every hidden unit dead nothing below the
output layer learns again.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np


@dataclass(frozen=True)
class Setting:
    """Every hyperparameter of one run; the defaults are a small network on moons."""

    dataset: str = "moons"
    samples: int | None = None        # rows of a generated data set (None: the data set's own)
    noise: float | None = None        # noise of a generated data set (None: its default)
    validation: float = 0.2           # fraction of the rows kept for validation
    hidden_activation: str = "tanh"
    output_activation: str = "sigmoid"
    hidden_units: int = 16
    hidden_layers: int = 1
    init: str = "glorot_uniform"
    loss: str = "half_sse"
    learning_rate: float = 0.5
    batch_size: int | None = None     # None: the full batch
    epochs: int = 100
    seed: int = 0

    def with_(self, **changes) -> Setting:
        """A copy with some hyperparameters changed."""
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)


SETTING_FIELDS = tuple(f.name for f in fields(Setting))


@dataclass(frozen=True)
class Run:
    """What one run measured. ``seconds`` is wall time: it differs from one run to the next."""

    setting: Setting
    train_loss: tuple[float, ...]
    val_loss: tuple[float, ...]
    accuracy: float | None            # on the validation rows; None for a regression target
    diverged_at: int | None
    seconds: float
    updates_per_epoch: int = 1        # batches in one pass over the training rows
    extra: dict = field(default_factory=dict)   # what one experiment measures besides the loss
    output_spread: float = math.nan   # after training (see the module); nan: not measured
    dead: float = math.nan            # fraction of dead hidden units after training

    @property
    def final_val_loss(self) -> float:
        return self.val_loss[-1]

    @property
    def final_train_loss(self) -> float:
        return self.train_loss[-1]


def divergence_epoch(losses) -> int | None:
    """The epoch from which every loss is above ``losses[0]`` or not finite; None if none.

    >>> divergence_epoch([1.0, 0.5, 0.2])
    >>> divergence_epoch([1.0, 3.0, 0.9, 2.0, float("inf"), float("nan")])
    3
    >>> divergence_epoch([1.0, 0.5, 2.0, 0.4])      # rose once, came back: oscillating, not diverged
    """
    start = losses[0]
    above = [not (math.isfinite(loss) and loss <= start) for loss in losses]
    if not above[-1]:
        return None
    epoch = len(above) - 1
    while epoch > 1 and above[epoch - 1]:
        epoch -= 1
    return epoch


def accuracy(outputs, targets) -> float | None:
    """Fraction of rows classified right; None unless every target is 0 or 1.

    Formula:
        one output:   right = (out > 0.5) == (t > 0.5)
        K outputs:    right = argmax(out) == argmax(t)
    """
    targets = np.asarray(targets)
    if not np.isin(targets, (0.0, 1.0)).all():
        return None
    outputs = np.nan_to_num(np.asarray(outputs, dtype=float), nan=0.0)
    if targets.shape[1] == 1:
        right = (outputs[:, 0] > 0.5) == (targets[:, 0] > 0.5)
    else:
        right = outputs.argmax(axis=1) == targets.argmax(axis=1)
    return float(right.mean())


@functools.lru_cache(maxsize=8)
def data(dataset: str, samples: int | None, noise: float | None, validation: float):
    """(training rows, validation rows) of a data set; loaded once per process."""
    from backprop_tutor.networks.datasets import load_dataset, split

    loaded = load_dataset(dataset, n=samples, noise=noise, seed=0)
    return split(loaded, validation_fraction=validation, seed=0)


def model_for(setting: Setting, inputs: int, outputs: int):
    """The seeded NumPy network of a setting, before training."""
    from backprop_tutor.networks.numpy_network import NumpyNetwork

    sizes = [inputs] + [setting.hidden_units] * setting.hidden_layers + [outputs]
    activations = [setting.hidden_activation] * setting.hidden_layers + [setting.output_activation]
    return NumpyNetwork.initialised(sizes, activations, init=setting.init, seed=setting.seed,
                                    loss=setting.loss)


def train(setting: Setting, keep_model: bool = False) -> Run:
    """Train one run of ``setting``; with ``keep_model``, ``extra["model"]`` is the trained network."""
    train_rows, val_rows = data(setting.dataset, setting.samples, setting.noise, setting.validation)
    model = model_for(setting, train_rows.X.shape[1], train_rows.T.shape[1])
    # A diverging run overflows on purpose: its inf or nan is the result.
    with np.errstate(all="ignore"):
        history = model.fit(train_rows.X, train_rows.T, learning_rate=setting.learning_rate,
                            epochs=setting.epochs, batch_size=setting.batch_size,
                            shuffle_seed=setting.seed, validation=(val_rows.X, val_rows.T))
    return _run(setting, model, history, keep_model)


def stack_key(setting: Setting) -> Setting:
    """What the settings trained together share: everything but the learning rate and the seed."""
    return setting.with_(learning_rate=1.0, seed=0)


def train_together(settings: tuple[Setting, ...], keep_model: bool = False) -> list[Run]:
    """``[train(s, keep_model) for s in settings]``, the same numbers, trained as one stack of
    networks (``networks.batched_fit``); the settings share their ``stack_key``."""
    from backprop_tutor.networks.batched_fit import fit_runs

    first = settings[0]
    if any(stack_key(setting) != stack_key(first) for setting in settings):
        raise ValueError("train_together trains settings that differ only in learning rate "
                         "and seed")
    train_rows, val_rows = data(first.dataset, first.samples, first.noise, first.validation)
    models = [model_for(setting, train_rows.X.shape[1], train_rows.T.shape[1])
              for setting in settings]
    with np.errstate(all="ignore"):
        histories = fit_runs(models, train_rows.X, train_rows.T,
                             learning_rates=[setting.learning_rate for setting in settings],
                             epochs=first.epochs, batch_size=first.batch_size,
                             shuffle_seeds=[setting.seed for setting in settings],
                             validation=(val_rows.X, val_rows.T))
    return [_run(setting, model, history, keep_model)
            for setting, model, history in zip(settings, models, histories, strict=True)]


def _run(setting: Setting, model, history, keep_model: bool) -> Run:
    """The Run of a trained setting: its losses, and the state its network ended in."""
    train_rows, val_rows = data(setting.dataset, setting.samples, setting.noise, setting.validation)
    with np.errstate(all="ignore"):
        right = accuracy(model.predict(val_rows.X), val_rows.T)
        spread, dead = end_state(model, train_rows.X)
    train_loss = _padded(history.loss, setting.epochs)
    val_loss = _padded(history.val_loss, setting.epochs)
    extra = {"model": model} if keep_model else {}
    batches = math.ceil(len(train_rows.X) / (setting.batch_size or len(train_rows.X)))
    return Run(setting, train_loss, val_loss, right, divergence_epoch(train_loss),
               history.seconds, batches, extra, spread, dead)


def end_state(model, X) -> tuple[float, float]:
    """(output spread, fraction of dead hidden units) of a network on the rows X (see the module).

    >>> from backprop_tutor.networks.numpy_network import NumpyNetwork
    >>> net = NumpyNetwork([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, -5.0], [0.0]], ["relu", "linear"])
    >>> end_state(net, [[1.0], [2.0], [3.0]])       # h2 = relu(-x - 5) is 0 for every row
    (0.816496580927726, 0.5)
    """
    _, outs = model.forward(X)
    spread = float(np.max(np.std(outs[-1], axis=0)))
    hidden = [np.all(out == 0.0, axis=0) for out in outs[1:-1]]
    dead = float(np.mean(np.concatenate(hidden))) if hidden else 0.0
    return spread, dead


def _padded(losses, epochs: int) -> tuple[float, ...]:
    """The loss after 0 ... epochs epochs; ``fit`` stops at an overflow: the epochs after it are inf."""
    losses = [float(x) for x in losses]
    return tuple(losses + [math.inf] * (epochs + 1 - len(losses)))
