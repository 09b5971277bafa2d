"""``lab init``: the initialisers Keras names, zeros included, from the same seeds.

Besides the learning curves, each run counts its *distinct hidden units*: the
rows of the first layer's weight matrix that differ (to 1e-9) after training.
With ``zeros`` every hidden unit starts equal, receives the same gradient and
stays equal to the others, so the count stays 1: symmetry never breaks.
"""

from __future__ import annotations

import statistics
from dataclasses import replace

import numpy as np

from backprop_tutor.core.initialisers import INITIALISERS
from backprop_tutor.teaching.lab.curves import CurveGroup, Groups, group_runs
from backprop_tutor.teaching.lab.experiment import stacked
from backprop_tutor.teaching.lab.runs import Run, Setting, train_together

SEEDS = (0, 1, 2)
BASE = Setting(dataset="moons", samples=500, hidden_activation="tanh", learning_rate=0.5,
               epochs=150)


def settings(base: Setting = BASE, inits=tuple(INITIALISERS), seeds=SEEDS) -> list[Setting]:
    return [base.with_(init=init, seed=seed) for init in inits for seed in seeds]


def distinct_rows(W, decimals: int = 9) -> int:
    """How many rows of W differ from each other (after rounding to ``decimals``)."""
    return len(np.unique(np.round(np.asarray(W), decimals), axis=0))


def train_counting_units(stack: tuple[Setting, ...]) -> list[Run]:
    """Train a stack of settings together; ``extra["distinct_hidden_units"]`` counts the first
    hidden layer's distinct units."""
    return [replace(run, extra={"distinct_hidden_units": distinct_rows(run.extra["model"].weights[0])})
            for run in train_together(stack, keep_model=True)]


def distinct_units(group: CurveGroup) -> float:
    """Mean over the seeds of the distinct hidden units after training."""
    return statistics.fmean(run.extra["distinct_hidden_units"] for run in group.runs)


def summarise(runs: list[Run]) -> Groups:
    return Groups(group_runs(runs, lambda s: s.init), {"distinct_hidden_units": distinct_units})


run = stacked(train_counting_units)
