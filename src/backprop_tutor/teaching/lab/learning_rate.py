"""``lab learning-rate``: the final validation loss against η, and the regions read off it.

Every hidden activation is trained with every learning rate and every seed
(by default full-batch gradient descent; the same data and split), and each η gets a
region from what its runs did, in this order:

* **diverging**: at least half of its seeds diverged (from some epoch on the
  training loss stayed above where it started, or overflowed; ``runs.divergence_epoch``);
* **good**: the mean final validation loss is at most ``GOOD`` × the best one,
  the lowest mean final validation loss of the η that did not diverge;
* **oscillating**: not good, and the training loss rose from one epoch to the
  next in at least ``OSCILLATION`` of the epochs (median over seeds): the
  steps overshoot the valley's floor and bounce between its walls (with
  mini-batches, noise makes the loss rise now and then too);
* **too small**: none of the above, with η below the best η: too few steps of
  too little length in the epochs given;
* **too large**: none of the above, with η above the best η (e.g. units pushed
  into the flat ends of a sigmoid, or ReLU units that died).

With a sigmoid output the loss is bounded (each E ≤ ½ per output), so a too
large η cannot make it overflow; ``output_activation="linear"`` lets the
divergence show.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.teaching.lab.runs import Run, Setting

#: 10⁻² to 10², three per decade.
LEARNING_RATES = tuple(float(f"{rate:.3g}") for rate in np.logspace(-2, 2, 13))
SEEDS = (0, 1, 2, 3, 4)
BASE = Setting(dataset="moons", samples=1000, epochs=300)
#: An η oscillates when the loss rises in at least this fraction of the epochs.
OSCILLATION = 0.1
#: An η is good when its mean final validation loss is at most this many times the best.
GOOD = 1.25
REGIONS = ("too small", "good", "too large", "oscillating", "diverging")


def settings(base: Setting = BASE, learning_rates=LEARNING_RATES, seeds=SEEDS,
             activations=TUTORIAL_ACTIVATIONS) -> list[Setting]:
    """Every (activation, η, seed) of the experiment, activation by activation, η by η."""
    return [base.with_(hidden_activation=activation, learning_rate=rate, seed=seed)
            for activation in activations for rate in learning_rates for seed in seeds]


@dataclass(frozen=True)
class RateResult:
    """What the seeds of one (activation, η) did."""

    activation: str
    learning_rate: float
    start: float                      # mean training loss before training
    mean: float                       # mean final validation loss (inf if a seed overflowed)
    spread: float                     # standard deviation of it over the seeds (nan if not finite)
    low: float                        # smallest and largest final validation loss over the seeds
    high: float
    rising: float                     # median fraction of epochs in which the training loss rose
    diverged: int                     # how many seeds diverged
    first_diverged_at: int | None     # the earliest epoch at which one of them diverged
    seeds: int
    region: str = ""


def rising_fraction(losses) -> float:
    """Fraction of the epochs after which the loss was higher than before (non-finite: risen)."""
    losses = np.nan_to_num(np.asarray(losses, dtype=float), nan=np.inf)
    with np.errstate(invalid="ignore"):
        rose = ~(losses[1:] <= losses[:-1])
    return float(rose.mean())


def _rate_result(runs: list[Run]) -> RateResult:
    finals = [run.final_val_loss for run in runs]
    finite = all(math.isfinite(x) for x in finals)
    diverged = [run.diverged_at for run in runs if run.diverged_at is not None]
    first = runs[0].setting
    return RateResult(first.hidden_activation, first.learning_rate,
                      statistics.fmean(run.train_loss[0] for run in runs),
                      statistics.fmean(finals) if finite else math.inf,
                      statistics.pstdev(finals) if finite else math.nan,
                      min(finals, key=_order), max(finals, key=_order),
                      statistics.median(rising_fraction(run.train_loss) for run in runs),
                      len(diverged), min(diverged, default=None), len(runs))


def _order(loss: float) -> float:
    return math.inf if math.isnan(loss) else loss


def best_rate(results, diverging) -> RateResult | None:
    """The η with the lowest mean final validation loss among those that did not diverge."""
    candidates = [r for r, d in zip(results, diverging) if not d]
    return min(candidates, key=lambda r: r.mean, default=None)


def classify(results: list[RateResult]) -> list[RateResult]:
    """The results of one activation, in increasing η, each with its region (see the module)."""
    results = sorted(results, key=lambda r: r.learning_rate)
    diverging = [2 * r.diverged >= r.seeds for r in results]
    best = best_rate(results, diverging)
    classified = []
    for result, d in zip(results, diverging):
        if d:
            region = "diverging"
        elif result.mean <= GOOD * best.mean:
            region = "good"
        elif result.rising >= OSCILLATION:
            region = "oscillating"
        else:
            region = "too small" if result.learning_rate < best.learning_rate else "too large"
        classified.append(RateResult(**{**result.__dict__, "region": region}))
    return classified


@dataclass(frozen=True)
class Sweep:
    """The experiment's outcome: per activation, one RateResult per η, in increasing η."""

    by_activation: dict[str, list[RateResult]]
    epochs: int
    output_activation: str
    batch_size: int | None = None     # None: the full batch

    @property
    def training(self) -> str:
        """How the runs trained, in words."""
        if self.batch_size is None:
            return "full-batch gradient descent"
        return f"mini-batch SGD (batches of {self.batch_size})"

    def best(self, activation: str) -> RateResult | None:
        """The best η of an activation (see the module), or None if every η diverged."""
        results = self.by_activation[activation]
        return best_rate(results, [r.region == "diverging" for r in results])

    def to_dict(self) -> dict:
        return {"epochs": self.epochs, "output_activation": self.output_activation,
                "batch_size": self.batch_size,
                "oscillation_threshold": OSCILLATION, "good_factor": GOOD,
                "learning_rates": {a: [r.__dict__ for r in results]
                                   for a, results in self.by_activation.items()},
                "best": {a: None if self.best(a) is None else self.best(a).learning_rate
                         for a in self.by_activation}}


def summarise(runs: list[Run]) -> Sweep:
    """Group the runs by activation and η, and classify each η."""
    groups: dict[tuple[str, float], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.setting.hidden_activation, run.setting.learning_rate), []).append(run)
    by_activation: dict[str, list[RateResult]] = {}
    for (activation, _), group in groups.items():
        by_activation.setdefault(activation, []).append(_rate_result(group))
    first = runs[0].setting
    return Sweep({a: classify(results) for a, results in by_activation.items()}, first.epochs,
                 first.output_activation, first.batch_size)
