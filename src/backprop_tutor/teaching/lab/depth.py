"""``lab depth``: vanishing gradients shown, not told; and ReLU units that die.

Full-batch gradient descent, one hidden activation for every hidden layer, 1
to 6 hidden layers of the same width. Every epoch records the size of each
layer's weight gradient, its Frobenius norm::

    ‖dE/dW_l‖ = sqrt(Σ_ij (dE/dW_l)_ij²)

Backpropagation multiplies δ by Wᵀ and by f′(net) once per layer; σ′ ≤ ¼, so
through sigmoid layers the first layers' gradients shrink layer by layer.

The same runs record the fraction of *dead* hidden units: units whose output
is 0 for every training row (only a relu unit can be exactly 0). A dead unit
passes no gradient (relu′ = 0) and never recovers on these data.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.networks.numpy_network import mean_loss
from backprop_tutor.teaching.lab.experiment import each
from backprop_tutor.teaching.lab.runs import (
    Run,
    Setting,
    accuracy,
    data,
    divergence_epoch,
    model_for,
)

DEPTHS = (1, 2, 3, 4, 5, 6)
SEEDS = (0, 1)
BASE = Setting(dataset="moons", samples=500, learning_rate=0.2, epochs=100, hidden_units=16)
#: The learning rates of the dead-unit comparison (relu, the deepest network).
DEAD_RATES = (0.2, 30.0)


def settings(base: Setting = BASE, depths=DEPTHS, seeds=SEEDS,
             activations=TUTORIAL_ACTIVATIONS) -> list[Setting]:
    """Every activation × depth × seed, then relu at the deepest depth with each ``DEAD_RATES``."""
    grid = [base.with_(hidden_activation=a, hidden_layers=d, seed=s)
            for a in activations for d in depths for s in seeds]
    dead = [base.with_(hidden_activation="relu", hidden_layers=max(depths), learning_rate=rate,
                       seed=s) for rate in DEAD_RATES for s in seeds]
    return grid + [s for s in dead if s not in grid]


def train_measuring_gradients(setting: Setting) -> Run:
    """Train by full-batch gradient descent, recording per epoch each layer's gradient norm
    (``extra["gradient_norms"]``, one list per epoch) and the dead fraction (``extra["dead"]``)."""
    train_rows, val_rows = data(setting.dataset, setting.samples, setting.noise, setting.validation)
    X, T = train_rows.X, train_rows.T
    model = model_for(setting, X.shape[1], T.shape[1])
    losses, val_losses, norms, dead = [], [], [], []
    with np.errstate(all="ignore"):
        for epoch in range(setting.epochs + 1):
            _, outs = model.forward(X)
            losses.append(mean_loss(outs[-1], T, setting.loss))
            val_losses.append(model.loss_value(val_rows.X, val_rows.T))
            gradients = model.backward(outs, T)
            norms.append([float(np.linalg.norm(g)) for g in gradients[0]])
            hidden = np.concatenate([out.max(axis=0) for out in outs[1:-1]])
            dead.append(float(np.mean(hidden == 0.0)))
            if epoch == setting.epochs or not math.isfinite(losses[-1]):
                break
            model.update(gradients, setting.learning_rate)
        right = accuracy(model.predict(val_rows.X), val_rows.T)
    pad = [math.inf] * (setting.epochs + 1 - len(losses))
    train_loss, val_loss = tuple(losses + pad), tuple(val_losses + pad)
    return Run(setting, train_loss, val_loss, right, divergence_epoch(train_loss), 0.0, 1,
               {"gradient_norms": norms, "dead": dead})


@dataclass(frozen=True)
class DepthResult:
    """Per activation and depth: mean over seeds of each layer's gradient norm before training."""

    start_norms: dict[str, dict[int, list[float]]]      # activation → depth → norm per layer
    first_layer: dict[str, list[float]]                 # deepest network: layer 1's norm per epoch
    dead: dict[float, list[float]]                      # relu, deepest: η → dead fraction per epoch
    deepest: int

    def shrink(self, activation: str, depth: int) -> float:
        """Gradient norm of the last hidden layer's weights / that of the first layer's, at the start."""
        norms = self.start_norms[activation][depth]
        return norms[-2] / norms[0]

    def to_dict(self) -> dict:
        return {"start_norms": {a: {str(d): n for d, n in by_depth.items()}
                                for a, by_depth in self.start_norms.items()},
                "first_layer": self.first_layer, "dead": {str(k): v for k, v in self.dead.items()},
                "deepest": self.deepest}


def summarise(runs: list[Run]) -> DepthResult:
    base = [run for run in runs if run.setting.learning_rate == runs[0].setting.learning_rate]
    deepest = max(run.setting.hidden_layers for run in runs)
    start: dict[tuple[str, int], list[list[float]]] = {}
    first: dict[str, list[float]] = {}
    for run in base:
        key = (run.setting.hidden_activation, run.setting.hidden_layers)
        start.setdefault(key, []).append(run.extra["gradient_norms"][0])
    start_norms: dict[str, dict[int, list[float]]] = {}
    for (activation, depth), norms in start.items():
        start_norms.setdefault(activation, {})[depth] = np.mean(norms, axis=0).tolist()
    for activation in start_norms:
        curves = [[epoch[0] for epoch in run.extra["gradient_norms"]] for run in base
                  if (run.setting.hidden_activation, run.setting.hidden_layers) == (activation,
                                                                                     deepest)]
        first[activation] = _mean_curve(curves)
    dead: dict[float, list[list[float]]] = {}
    for run in runs:
        if run.setting.hidden_activation == "relu" and run.setting.hidden_layers == deepest:
            dead.setdefault(run.setting.learning_rate, []).append(run.extra["dead"])
    return DepthResult(start_norms, first, {rate: _mean_curve(c) for rate, c in sorted(dead.items())},
                       deepest)


def _mean_curve(curves) -> list[float]:
    """Mean epoch by epoch over curves of possibly different lengths (runs that stopped early)."""
    length = min(len(c) for c in curves)
    return [statistics.fmean(c[k] for c in curves) for k in range(length)]


run = each(train_measuring_gradients)
