"""Figures of the lab's experiments (PNG and SVG, byte-identical for the same inputs).

They are drawn and saved the way ``output.figures`` draws and saves every
figure (the Agg canvas, one style, ``save``), from the summaries of
``teaching.lab``. matplotlib is imported inside the functions that draw.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from backprop_tutor.output.figures import COLORS, _figure, _finish, _style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from backprop_tutor.teaching.lab.curves import CurveGroup
    from backprop_tutor.teaching.lab.learning_rate import Sweep

#: Marker of each region in the learning-rate figure.
REGION_MARKERS = {"too small": "v", "good": "o", "too large": "^", "oscillating": "D",
                  "diverging": "X"}


def plot_learning_rate(sweep: Sweep, path=None, title: str | None = None) -> Figure:
    """Final validation loss against η (log-log): mean over seeds, their range, the regions.

    Overflowed runs and losses above twice the worst start are drawn at the top edge.
    """
    starts = [r.start for results in sweep.by_activation.values() for r in results]
    top = 2 * max(starts)
    finite = [r.low for results in sweep.by_activation.values() for r in results
              if 0 < r.low < top]
    floor = min(finite, default=top / 100) / 2
    with _style():
        fig, ax = _figure(9, 5.4)
        for activation, results in sweep.by_activation.items():
            color = COLORS.get(activation)
            rates = np.array([r.learning_rate for r in results])
            shown = {key: np.clip([_drawn(getattr(r, key), top) for r in results], floor, top)
                     for key in ("mean", "low", "high")}
            ax.fill_between(rates, shown["low"], shown["high"], color=color, alpha=0.18,
                            linewidth=0)
            ax.plot(rates, shown["mean"], color=color, linewidth=2, label=f"hidden {activation}")
            for region, marker in REGION_MARKERS.items():
                mask = np.array([r.region == region for r in results])
                ax.plot(rates[mask], shown["mean"][mask], linestyle="none", marker=marker,
                        color=color, markersize=8, markeredgecolor="0.15")
        for region, marker in REGION_MARKERS.items():
            if any(r.region == region for results in sweep.by_activation.values() for r in results):
                ax.plot([], [], linestyle="none", marker=marker, color="0.6",
                        markeredgecolor="0.15", label=region)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(floor, top)
        ax.set_xlabel("learning rate η")
        ax.set_ylabel(f"validation loss after {sweep.epochs} epochs")
        ax.set_title(title or f"The learning rate ({sweep.output_activation} output)")
        ax.legend(loc="upper left", fontsize=9, ncols=2)
    return _finish(fig, path)


def _drawn(loss: float, top: float) -> float:
    return loss if math.isfinite(loss) and loss < top else top


def plot_curves(groups: list[CurveGroup], path=None, title: str = "Learning curves",
                which: str = "val_loss", x: str = "epochs") -> Figure:
    """Mean loss over the seeds (line) and its range (band), one curve per group (log scale).

    Args:
        groups: from ``teaching.lab.curves.group_runs``.
        which: ``val_loss`` or ``train_loss``.
        x: ``epochs``, or ``updates`` (weight updates: epochs × batches per epoch).
    """
    from matplotlib import colormaps

    palette = colormaps["tab10"].colors
    with _style():
        fig, ax = _figure(9, 5.4)
        for number, group in enumerate(groups):
            mean, low, high = group.curve(which)
            steps = np.arange(len(mean)) * (group.updates_per_epoch if x == "updates" else 1)
            color = COLORS.get(group.label, palette[number % len(palette)])
            ax.fill_between(steps, _finite(low), _finite(high), color=color, alpha=0.15,
                            linewidth=0)
            ax.plot(steps, _finite(mean), color=color, linewidth=2, label=group.label)
        ax.set_yscale("log")
        ax.set_xlabel("epochs" if x == "epochs" else "weight updates")
        ax.set_ylabel("validation loss" if which == "val_loss" else "training loss")
        ax.set_title(title)
        if len(groups) <= 12:
            ax.legend(fontsize=9)
    return _finish(fig, path)


def _finite(values):
    """Overflowed losses are left out of a line (drawn as a gap)."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)
