"""``lab activation``: learning curves of sigmoid, tanh and relu, and the boundaries they learn.

Each hidden activation trains from the same seeded starts; the curves are the
mean and range over the seeds of the training and validation loss. On a 2-D
data set the first seed's network is kept, and its output is drawn over the
plane: the decision boundary is where the output crosses ½.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.teaching.lab.curves import Groups, group_runs
from backprop_tutor.teaching.lab.experiment import stacked
from backprop_tutor.teaching.lab.runs import Run, Setting, data, train_together

SEEDS = (0, 1, 2)
BASE = Setting(dataset="moons", samples=500, learning_rate=0.5, epochs=200)


def settings(base: Setting = BASE, seeds=SEEDS, activations=TUTORIAL_ACTIVATIONS) -> list[Setting]:
    return [base.with_(hidden_activation=a, seed=seed) for a in activations for seed in seeds]


def train_keeping_grids(stack: tuple[Setting, ...]) -> list[Run]:
    """Train a stack of settings together; for the first seed on a 2-D data set keep the output
    over a grid (``extra["grid"]``)."""
    return [_keeping_grid(run) for run in train_together(stack, keep_model=True)]


def _keeping_grid(run: Run) -> Run:
    setting, model = run.setting, run.extra["model"]
    train_rows, _ = data(setting.dataset, setting.samples, setting.noise, setting.validation)
    extra = {}
    if setting.seed == 0 and train_rows.X.shape[1] == 2 and train_rows.T.shape[1] == 1:
        extra["grid"] = output_grid(model, train_rows.X)
    return replace(run, extra=extra)


def output_grid(model, X, points: int = 80) -> dict:
    """The network's output over a square grid covering the data with a margin.

    Returns ``{"x": [...], "y": [...], "out": [[...]]}``: ``out[j][i]`` at (x[i], y[j]).
    """
    low, high = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    xs, ys = np.linspace(low[0], high[0], points), np.linspace(low[1], high[1], points)
    grid = np.array([[x, y] for y in ys for x in xs])
    with np.errstate(all="ignore"):
        out = model.predict(grid)[:, 0].reshape(points, points)
    return {"x": xs.tolist(), "y": ys.tolist(), "out": out.tolist()}


def summarise(runs: list[Run]) -> Groups:
    return Groups(group_runs(runs, lambda s: s.hidden_activation))


run = stacked(train_keeping_grids)
