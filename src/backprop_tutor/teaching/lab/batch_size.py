"""``lab batch-size``: per-sample SGD, mini-batches and the full batch, compared fairly.

An epoch is one pass over the training rows, so at equal epochs every batch
size has computed the same number of per-sample gradients; what differs is how
many weight updates they were spent on::

    updates per epoch = ceil(training rows / b)       (b = 1: one per row; full: one)

A fair comparison gives each batch size its own learning rate: a small batch
takes many noisy steps and wants a small η, the full batch few exact ones and
a larger η. So each batch size first runs the learning-rate sweep of
``learning_rate`` (the same grid, extended until its curve has turned) and
keeps its **best η**: the lowest mean validation loss after the epochs given.
At that η the runs are compared three ways:

* at equal **epochs** (equal gradient evaluations): the loss after all epochs;
* at equal **weight updates**: the loss after as many updates as the batch size
  with the fewest made in all (the full batch: one per epoch);
* at equal **wall time**: the loss each had reached when the quickest finished
  (measured training seconds, so it varies from machine to machine).

Every run records its validation loss at checkpoints, counted in weight
updates (about 60, spaced evenly on a log scale, plus the end of every epoch),
with the training seconds spent until then, and at every multiple of the
epochs (where the batch sizes' update counts meet).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tutor.networks.numpy_fit import DIVERGED_FACTOR, batches
from backprop_tutor.teaching.lab import learning_rate
from backprop_tutor.teaching.lab.runs import (
    Run,
    Setting,
    accuracy,
    data,
    divergence_epoch,
    end_state,
    model_for,
)

BATCH_SIZES = (1, 8, 32, None)
SEEDS = (0, 1, 2)
BASE = Setting(dataset="moons", samples=500, hidden_activation="tanh",
               output_activation="linear", epochs=40)
#: Checkpoints spaced evenly on a log scale of the updates (besides every epoch's end).
CHECKPOINTS = 60


def settings(base: Setting = BASE, batch_sizes=BATCH_SIZES, seeds=SEEDS) -> list[Setting]:
    """Every batch size × η of the first grid × seed."""
    return [setting.with_(batch_size=b) for b in batch_sizes
            for setting in learning_rate.settings(base, seeds=seeds,
                                                  activations=(base.hidden_activation,))]


def label(setting: Setting) -> str:
    return "full batch" if setting.batch_size is None else f"batch {setting.batch_size}"


def checkpoints(epochs: int, per_epoch: int) -> list[int]:
    """Update counts at which a run records its loss: 0, log-spaced ones, every epoch's end,
    and every multiple of ``epochs`` (so that k updates per epoch's worth is one).

    >>> checkpoints(3, 2)                   # 6 updates: every one
    [0, 1, 2, 3, 4, 5, 6]
    >>> checkpoints(100, 40)[-4:]    # epoch ends every 40 updates; multiples of 100: 3900
    [3900, 3920, 3960, 4000]
    """
    total = epochs * per_epoch
    spaced = np.unique(np.round(np.logspace(0, math.log10(total), CHECKPOINTS)).astype(int))
    return sorted({0, *spaced.tolist(), *range(per_epoch, total + 1, per_epoch),
                   *range(epochs, total + 1, epochs)})


def train_with_checkpoints(setting: Setting) -> Run:
    """Train by SGD in batches; besides the loss per epoch, record at every checkpoint the
    validation loss (``extra["val_at"]``), the updates (``extra["updates"]``) and the training
    seconds spent so far (``extra["seconds_at"]``: evaluating the checkpoints is not counted)."""
    train_rows, val_rows = data(setting.dataset, setting.samples, setting.noise, setting.validation)
    X, T = train_rows.X, train_rows.T
    model = model_for(setting, X.shape[1], T.shape[1])
    per_epoch = math.ceil(len(X) / (setting.batch_size or len(X)))
    marks = set(checkpoints(setting.epochs, per_epoch))
    rng = np.random.default_rng(setting.seed)
    losses, val_losses, updates, val_at, seconds_at = [], [], [], [], []
    spent, done = 0.0, 0
    with np.errstate(all="ignore"):
        val_at.append(model.loss_value(val_rows.X, val_rows.T))
        updates.append(0)
        seconds_at.append(0.0)
        for epoch in range(setting.epochs + 1):
            losses.append(model.loss_value(X, T))
            val_losses.append(val_at[-1])       # every epoch's end is a checkpoint
            if (epoch == setting.epochs or not math.isfinite(losses[-1])
                    or losses[-1] > DIVERGED_FACTOR * losses[0]):
                break
            for rows in batches(len(X), setting.batch_size, rng):
                started = time.perf_counter()
                model.sgd_step(X[rows], T[rows], setting.learning_rate)
                spent += time.perf_counter() - started
                done += 1
                if done in marks:
                    updates.append(done)
                    seconds_at.append(spent)
                    val_at.append(model.loss_value(val_rows.X, val_rows.T))
        right = accuracy(model.predict(val_rows.X), val_rows.T)
        spread, dead = end_state(model, X)
    pad = [math.inf] * (setting.epochs + 1 - len(losses))
    train_loss, val_loss = tuple(losses + pad), tuple(val_losses + pad)
    return Run(setting, train_loss, val_loss, right, divergence_epoch(train_loss), spent,
               per_epoch, {"updates": updates, "val_at": val_at, "seconds_at": seconds_at},
               spread, dead)


def run(settings_: list[Setting], jobs: int = 1,
        progress: Callable[[int, int], None] | None = None) -> list[Run]:
    """The learning-rate sweep of every batch size, each extended until its curve has turned."""
    runs: list[Run] = []
    sizes = list(dict.fromkeys(s.batch_size for s in settings_))
    for size in sizes:
        runs += learning_rate.run([s for s in settings_ if s.batch_size == size], jobs,
                                  progress, task=train_with_checkpoints)
    return runs


@dataclass(frozen=True)
class BatchResult:
    """One batch size: its learning-rate sweep, its best η and the runs at that η."""

    label: str
    batch_size: int | None
    sweep: list[learning_rate.RateResult]
    runs: tuple[Run, ...]             # at the best η, one per seed (empty: every η failed)

    @property
    def best(self) -> float | None:
        return self.runs[0].setting.learning_rate if self.runs else None

    @property
    def updates_per_epoch(self) -> int:
        return self.runs[0].updates_per_epoch

    @property
    def updates(self) -> list[int]:
        return self.runs[0].extra["updates"]

    def curve(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(mean, low, high) over the seeds of the validation loss at each checkpoint."""
        length = min(len(run.extra["val_at"]) for run in self.runs)
        curves = np.array([run.extra["val_at"][:length] for run in self.runs], dtype=float)
        curves = np.nan_to_num(curves, nan=np.inf)
        with np.errstate(invalid="ignore"):
            return curves.mean(axis=0), curves.min(axis=0), curves.max(axis=0)

    def seconds_at(self) -> np.ndarray:
        """Median over the seeds of the training seconds spent by each checkpoint."""
        length = min(len(run.extra["seconds_at"]) for run in self.runs)
        return np.median([run.extra["seconds_at"][:length] for run in self.runs], axis=0)

    def at_updates(self, updates: int) -> list[float]:
        """Each seed's validation loss after ``updates`` weight updates."""
        return [run.extra["val_at"][run.extra["updates"].index(updates)] for run in self.runs]

    def at_seconds(self, seconds: float) -> list[float]:
        """Each seed's validation loss at its last checkpoint within ``seconds`` of training."""
        return [run.extra["val_at"][max(k for k, s in enumerate(run.extra["seconds_at"])
                                        if s <= seconds)] for run in self.runs]

    @property
    def seconds(self) -> float:
        """Median training seconds of a whole run."""
        return statistics.median(run.seconds for run in self.runs)


@dataclass(frozen=True)
class BatchSizes:
    """The experiment's outcome: every batch size at its own best η, and the three comparisons."""

    results: list[BatchResult]
    epochs: int

    @property
    def compared(self) -> list[BatchResult]:
        """The batch sizes with a best η (the others failed at every η)."""
        return [r for r in self.results if r.runs]

    @property
    def equal_updates(self) -> int:
        """The fewest updates any batch size made in all: the point of equal updates."""
        return min(r.updates_per_epoch for r in self.compared) * self.epochs

    @property
    def equal_seconds(self) -> float:
        """The median training time of the quickest batch size: the point of equal time."""
        return min(r.seconds for r in self.compared)

    def comparisons(self) -> dict[str, dict[str, list[float]]]:
        """comparison → batch size → each seed's validation loss at that point."""
        return {"epochs": {r.label: [run.final_val_loss for run in r.runs] for r in self.compared},
                "updates": {r.label: r.at_updates(self.equal_updates) for r in self.compared},
                "seconds": {r.label: r.at_seconds(self.equal_seconds) for r in self.compared}}

    def to_dict(self) -> dict:
        return {"epochs": self.epochs, "equal_updates": self.equal_updates,
                "equal_seconds": self.equal_seconds, "comparisons": self.comparisons(),
                "batch_sizes": [{"label": r.label, "batch_size": r.batch_size,
                                 "best_learning_rate": r.best,
                                 "updates_per_epoch": r.updates_per_epoch if r.runs else None,
                                 "learning_rates": [x.__dict__ for x in r.sweep]}
                                for r in self.results]}


def summarise(runs: list[Run]) -> BatchSizes:
    """Each batch size's sweep and its runs at its best η."""
    results = []
    for size in dict.fromkeys(run.setting.batch_size for run in runs):
        mine = [run for run in runs if run.setting.batch_size == size]
        sweep = learning_rate.summarise(mine)
        activation = mine[0].setting.hidden_activation
        best = sweep.best(activation)
        chosen = tuple(run for run in mine if best is not None
                       and run.setting.learning_rate == best.learning_rate)
        results.append(BatchResult(label(mine[0].setting), size, sweep.by_activation[activation],
                                   chosen))
    return BatchSizes(results, runs[0].setting.epochs)
