"""``lab learning-rate``: the final validation loss against η, and the regions read off it.

Every hidden activation is trained with every learning rate and every seed
(by default full-batch gradient descent; the same data and split). The grid
starts at 10⁻² to 10², three η per decade, and is **extended per activation
until the curve has turned**: until the best η lies strictly inside the grid
and some larger η diverges. Each extension adds a decade (three η) at the end
that needs it, at most ``MAX_EXTENSIONS`` decades each way; if the curve has
not turned by then, ``Sweep.why_not`` says why in words.

Each η gets a region from what its runs did (a region holds when at least half
of its seeds show it). First what ended training, wherever η is:

* **diverging**: the training loss left the range it started in for good (from
  some epoch on above its start, or overflowed; ``runs.divergence_epoch``);
* **dead**: every hidden unit gives 0 for every training row: no gradient
  reaches the hidden weights again (relu′ = 0);
* **collapsed**: the outputs are the same for every row (their spread across
  the rows is below ``COLLAPSED`` × the targets' spread): the network answers
  a constant, whatever the input.

The **best η** is the one with the lowest mean final validation loss among the
rest. Then, by position, so that no region can contradict where it lies:

* **good**: the mean final validation loss is at most ``GOOD`` × the best one;
* below the best η, **too small**: not good, and the training loss still
  falling at the end (lower than a tenth of the epochs before): the steps were
  too short to get there in the epochs given; or **stalled**: not good, and no
  longer falling (a plateau, or a worse valley);
* above the best η, **oscillating**: not good, and the training loss rose from
  one epoch to the next in at least ``OSCILLATION`` of the epochs (median over
  seeds): the steps overshoot the valley's floor; or **too large**: not good
  otherwise (e.g. units pushed into the flat ends of a sigmoid).

With a sigmoid output the loss is bounded (each E ≤ ½ per output), so a too
large η saturates or collapses the output instead of overflowing; the default
linear output lets the divergence show.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.teaching.lab.runner import run_all, run_stacked
from backprop_tutor.teaching.lab.runs import Run, Setting, data, stack_key, train_together

#: η = 10^(k/3) for k = -6 ... 6: 10⁻² to 10², three per decade.
STEPS_PER_DECADE = 3
FIRST_STEPS = range(-6, 7)
#: The grid grows by at most this many decades at either end.
MAX_EXTENSIONS = 2
SEEDS = (0, 1, 2, 3, 4)
BASE = Setting(dataset="moons", samples=1000, epochs=300, output_activation="linear")
#: An η oscillates when the loss rises in at least this fraction of the epochs.
OSCILLATION = 0.1
#: An η is good when its mean final validation loss is at most this many times the best.
GOOD = 1.25
#: Outputs have collapsed when their spread is below this fraction of the targets'.
COLLAPSED = 1e-6
#: What ended training, in the order a region is given.
FAILURES = ("diverging", "dead", "collapsed")


def rate(step: int) -> float:
    """η of grid step k: 10^(k/3) to 3 significant digits (step 0 is 1, step 3 is 10).

    >>> [rate(k) for k in (-6, -1, 0, 1, 2, 6)]
    [0.01, 0.464, 1.0, 2.15, 4.64, 100.0]
    """
    return float(f"{10 ** (step / STEPS_PER_DECADE):.3g}")


LEARNING_RATES = tuple(rate(k) for k in FIRST_STEPS)


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
    dead: int = 0                     # seeds whose hidden units all ended dead
    collapsed: int = 0                # seeds whose outputs ended constant
    falling: int = 0                  # seeds whose training loss was still falling at the end
    region: str = ""

    def most(self, count: int) -> bool:
        """Do at least half of the seeds show it?"""
        return 2 * count >= self.seeds

    @property
    def failure(self) -> str | None:
        """diverging, dead or collapsed (see the module), or None."""
        return next((name for name, count in zip(FAILURES, (self.diverged, self.dead,
                                                            self.collapsed), strict=True)
                     if self.most(count)), None)


def rising_fraction(losses) -> float:
    """Fraction of the epochs after which the loss was higher than before (non-finite: risen)."""
    losses = np.nan_to_num(np.asarray(losses, dtype=float), nan=np.inf)
    with np.errstate(invalid="ignore"):
        rose = ~(losses[1:] <= losses[:-1])
    return float(rose.mean())


def still_falling(losses) -> bool:
    """Is the last loss below the loss a tenth of the epochs (at least one) earlier?

    >>> still_falling([1.0, 0.8, 0.7, 0.65]), still_falling([1.0, 0.5, 0.5]), still_falling([1, 2])
    (True, False, False)
    """
    back = max(1, (len(losses) - 1) // 10)
    return len(losses) > back and bool(losses[-1] < losses[-1 - back])


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
                      len(diverged), min(diverged, default=None), len(runs),
                      dead=sum(run.dead == 1.0 for run in runs),
                      collapsed=sum(_collapsed(run) for run in runs),
                      falling=sum(still_falling(run.train_loss) for run in runs))


def _collapsed(run: Run) -> bool:
    setting = run.setting
    targets = data(setting.dataset, setting.samples, setting.noise, setting.validation)[0].T
    return bool(run.output_spread <= COLLAPSED * float(np.max(np.std(targets, axis=0))))


def _order(loss: float) -> float:
    return math.inf if math.isnan(loss) else loss


def best_rate(results: list[RateResult]) -> RateResult | None:
    """The η with the lowest mean final validation loss among those that did not fail."""
    return min((r for r in results if r.failure is None), key=lambda r: r.mean, default=None)


def classify(results: list[RateResult]) -> list[RateResult]:
    """The results of one activation, in increasing η, each with its region (see the module)."""
    results = sorted(results, key=lambda r: r.learning_rate)
    best = best_rate(results)
    return [replace(result, region=_region(result, best)) for result in results]


def _region(result: RateResult, best: RateResult | None) -> str:
    if result.failure or best is None:
        return result.failure or ""
    if result.mean <= GOOD * best.mean:
        return "good"
    if result.learning_rate < best.learning_rate:
        return "too small" if result.most(result.falling) else "stalled"
    return "oscillating" if result.rising >= OSCILLATION else "too large"


def turned(results: list[RateResult]) -> bool:
    """Has the curve turned: the best η strictly inside the grid and a larger η diverging?"""
    best = best_rate(results)
    rates = [r.learning_rate for r in results]
    return (best is not None and min(rates) < best.learning_rate < max(rates)
            and any(r.region == "diverging" and r.learning_rate > best.learning_rate
                    for r in results))


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

    @property
    def seeds(self) -> int:
        return next(iter(self.by_activation.values()))[0].seeds

    def best(self, activation: str) -> RateResult | None:
        """The best η of an activation (see the module), or None if every η failed."""
        return best_rate(self.by_activation[activation])

    def extended(self, activation: str) -> list[float]:
        """The η tried for this activation beyond the first grid, in increasing order."""
        return [r.learning_rate for r in self.by_activation[activation]
                if r.learning_rate not in LEARNING_RATES]

    def why_not(self, activation: str) -> str | None:
        """Why the curve of this activation has not turned (None if it has), in words."""
        results = self.by_activation[activation]
        if turned(results):
            return None
        best, rates = self.best(activation), [r.learning_rate for r in results]
        if best is None:
            return f"every η from {min(rates):g} to {max(rates):g} failed: there is no best η"
        if best.learning_rate == min(rates):
            return (f"the best η is the smallest tried, {best.learning_rate:g}: a smaller one "
                    f"may do better still")
        reasons = []
        if best.learning_rate == max(rates):
            reasons.append(f"the best η is the largest tried, {best.learning_rate:g}")
        else:
            reasons.append(f"no η up to {max(rates):g} diverged in at least half its seeds")
        above = sorted({r.region for r in results if r.learning_rate > best.learning_rate
                        and r.region in ("dead", "collapsed")})
        if above:
            reasons.append(f"above the best η the network ended {' or '.join(above)} instead")
        if self.output_activation == "sigmoid":
            reasons.append("a sigmoid output bounds the loss (E ≤ ½ per output), so it cannot "
                           "run away; --output-activation linear lets it")
        return "; ".join(reasons)

    def to_dict(self) -> dict:
        return {"epochs": self.epochs, "output_activation": self.output_activation,
                "batch_size": self.batch_size,
                "oscillation_threshold": OSCILLATION, "good_factor": GOOD,
                "collapsed_threshold": COLLAPSED,
                "learning_rates": {a: [r.__dict__ for r in results]
                                   for a, results in self.by_activation.items()},
                "best": {a: None if (best := self.best(a)) is None else best.learning_rate
                         for a in self.by_activation},
                "turned": {a: turned(results) for a, results in self.by_activation.items()},
                "why_not": {a: self.why_not(a) for a in self.by_activation}}


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


def extension(runs: list[Run]) -> list[Setting]:
    """The settings of the next decade for every activation whose curve has not turned yet.

    Downwards while the best η is the smallest tried; upwards while it is the
    largest or no larger η diverged; never beyond ``MAX_EXTENSIONS`` decades.
    """
    sweep = summarise(runs)
    lowest = FIRST_STEPS[0] - STEPS_PER_DECADE * MAX_EXTENSIONS
    highest = FIRST_STEPS[-1] + STEPS_PER_DECADE * MAX_EXTENSIONS
    more = []
    for activation, results in sweep.by_activation.items():
        best = sweep.best(activation)
        if best is None or turned(results):
            continue
        steps = sorted(_step(r.learning_rate) for r in results)
        new: list[int] = []
        if _step(best.learning_rate) == steps[0] and steps[0] > lowest:
            new += range(steps[0] - STEPS_PER_DECADE, steps[0])
        if not any(r.region == "diverging" and r.learning_rate > best.learning_rate
                   for r in results) and steps[-1] < highest:
            new += range(steps[-1] + 1, steps[-1] + 1 + STEPS_PER_DECADE)
        mine = [run.setting for run in runs if run.setting.hidden_activation == activation]
        seeds = sorted({setting.seed for setting in mine})
        more += settings(mine[0], [rate(k) for k in new], seeds, [activation])
    return more


def _step(learning_rate: float) -> int:
    return round(STEPS_PER_DECADE * math.log10(learning_rate))


def run(settings_: list[Setting], jobs: int = 1,
        progress: Callable[[int, int], None] | None = None, task=None) -> list[Run]:
    """Every run of ``settings_``, then of each extension the curves still need.

    ``progress(done, planned)`` hears of every finished run; ``planned`` grows
    with each extension. The runs come back in the order of their settings,
    each extension's after the ones before, so any ``jobs`` gives the same list.
    By default the runs of an activation train together, stacked
    (``runs.train_together``); a ``task`` trains one setting at a time instead.
    """
    runs: list[Run] = []
    todo = list(settings_)
    planned = len(todo)

    def tell(finished: int) -> None:
        if progress is not None:
            progress(finished, planned)

    while todo:
        if task is None:
            runs += run_stacked(train_together, todo, stack_key, jobs=jobs, progress=tell)
        else:
            runs += run_all(task, todo, jobs=jobs, progress=tell)
        todo = extension(runs)
        planned += len(todo)
    return runs
