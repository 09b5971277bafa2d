"""Figures of the lab's experiments (PNG and SVG, byte-identical for the same inputs).

They are drawn and saved the way ``output.figures`` draws and saves every
figure (the Agg canvas, one style, ``save``), from the summaries of
``teaching.lab``. matplotlib is imported inside the functions that draw.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from backprop_tutor.output.figures import (
    COLORS,
    Margins,
    _figure,
    _finish,
    _log_scale,
    _style,
)
from backprop_tutor.teaching.activation_cost import STEP_SIZES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from backprop_tutor.teaching.activation_cost import ActivationCost
    from backprop_tutor.teaching.lab.batch_size import BatchSizes
    from backprop_tutor.teaching.lab.curves import CurveGroup, Groups
    from backprop_tutor.teaching.lab.depth import DepthResult
    from backprop_tutor.teaching.lab.learning_rate import Sweep

#: Marker of each region in the learning-rate figure.
REGION_MARKERS = {"too small": "v", "stalled": "<", "good": "o", "too large": "^",
                  "oscillating": "D", "diverging": "X", "dead": "s", "collapsed": "P"}


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
        # On the right, the legend: its longest line is the top edge's.
        fig, ax = _figure(9, 5.4, margins=Margins(1.0, 3.1, 0.6, 0.35))
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
            best = sweep.best(activation)
            if best is not None:
                ax.plot([best.learning_rate], [np.clip(best.mean, floor, top)], linestyle="none",
                        marker="o", markersize=17, markerfacecolor="none", markeredgewidth=2,
                        color=color)
        for region, marker in REGION_MARKERS.items():
            if any(r.region == region for results in sweep.by_activation.values() for r in results):
                ax.plot([], [], linestyle="none", marker=marker, color="0.6",
                        markeredgecolor="0.15", label=region)
        ax.plot([], [], linestyle="none", marker="o", markersize=13, markerfacecolor="none",
                markeredgewidth=2, color="0.3", label="best η")
        ax.axhline(top, color="0.4", linestyle=":", linewidth=1.5,
                   label="top edge: inf, or above 2 × the start")
        _log_scale(ax, "x")
        _log_scale(ax, "y")
        ax.set_ylim(floor, top)
        ax.set_xlabel("learning rate η")
        ax.set_ylabel(f"validation loss after {sweep.epochs} epochs")
        ax.set_title(title or f"The learning rate ({sweep.output_activation} output)")
        # Beside the axes, not on them: a legend inside would hide some of the runs.
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
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
    from matplotlib import color_sequences

    palette = color_sequences["tab10"]
    with _style():
        fig, ax = _figure(9, 5.4)
        for number, group in enumerate(groups):
            mean, low, high = group.curve(which)
            steps = np.arange(len(mean)) * (group.updates_per_epoch if x == "updates" else 1)
            color = COLORS.get(group.label, palette[number % len(palette)])
            ax.fill_between(steps, _finite(low), _finite(high), color=color, alpha=0.15,
                            linewidth=0)
            ax.plot(steps, _finite(mean), color=color, linewidth=2, label=group.label)
        _log_scale(ax, "y")
        ax.set_xlabel("epochs" if x == "epochs" else "weight updates")
        ax.set_ylabel("validation loss" if which == "val_loss" else "training loss")
        ax.set_title(title)
        if len(groups) <= 12:
            ax.legend(fontsize=9)
    return _finish(fig, path)


def plot_init(summary: Groups, path=None) -> Figure:
    """The learning curves of ``lab init``, one per initialiser."""
    return plot_curves(summary.groups, path, title="Initialisers")


def plot_sweep(summary: Groups, path=None) -> Figure:
    """The learning curves of ``lab sweep``, one per combination."""
    return plot_curves(summary.groups, path, title="Sweep")


def _finite(values):
    """Overflowed losses are left out of a line (drawn as a gap)."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def plot_cost(cost: ActivationCost, path=None) -> Figure:
    """Left: milliseconds per SGD step per hidden activation (median, its 95 % interval as error
    bars); right: seconds to the common validation loss, if measured (steps × cost per step),
    each activation at its own best η."""
    whole = cost.end_to_end
    with _style():
        fig, axes = _figure(11 if whole else 7, 4.8, margins=Margins(0.85, 0.15, 0.55, 0.35, 1.0),
                           ncols=2 if whole else 1, squeeze=False)
        ax = axes[0][0]
        labels = [f"{c.activation}\n{c.library}" for c in cost.steps]
        _bars(ax, [c.seconds.scaled(1e3) for c in cost.steps],
              [COLORS.get(c.activation) for c in cost.steps],
              ["//" if c.library == "Keras" else "" for c in cost.steps])
        ax.set_xticks(range(len(cost.steps)), labels, fontsize=9)
        ax.set_ylabel("ms per SGD step (median, 95 % interval)")
        ax.set_title(f"One step of {'-'.join(map(str, STEP_SIZES))}", fontsize=12)
        if whole:
            ax = axes[0][1]
            names = list(whole.steps)
            _bars(ax, [whole.seconds(a) for a in names], [COLORS.get(a) for a in names],
                  [""] * len(names))
            for k, a in enumerate(names):
                ax.text(k, whole.seconds(a).high, f"{whole.steps[a]:,} steps\nη = "
                        f"{whole.learning_rates[a]:g}", ha="center", va="bottom", fontsize=9)
            ax.set_xticks(range(len(names)), names)
            ax.set_ylabel("seconds = steps × cost per step")
            ax.set_title(f"To a validation loss of {whole.target:.3g} ({whole.network})",
                         fontsize=12)
            ax.margins(y=0.25)
    return _finish(fig, path)


def _bars(ax, timings, colors, hatches) -> None:
    """Bars at the medians, error bars from the low to the high end of each interval."""
    medians = np.array([t.median for t in timings])
    ax.bar(range(len(timings)), medians,
           yerr=[medians - [t.low for t in timings], [t.high for t in timings] - medians],
           capsize=4, color=colors, hatch=hatches, edgecolor="white")


def plot_batch_size(result: BatchSizes, path=None) -> Figure:
    """Validation loss against epochs, weight updates and measured seconds, each batch size at
    its own best η: mean over the seeds (line) and range (band), at every checkpoint.

    Updates and seconds are on log axes from the first update on, so per-sample SGD's many
    steps and the full batch's few both show; the dotted lines mark the points compared.
    """
    from matplotlib import color_sequences

    palette = color_sequences["tab10"]
    with _style():
        fig, axes = _figure(15, 5.2, ncols=3, sharey=True)
        for number, r in enumerate(result.compared):
            mean, low, high = r.curve()
            updates = np.array(r.updates[:len(mean)], dtype=float)
            xs = (updates / r.updates_per_epoch, updates, r.seconds_at()[:len(mean)])
            for ax, x in zip(axes, xs, strict=True):
                keep = slice(0, None) if ax is axes[0] else slice(1, None)   # no 0 on a log axis
                ax.fill_between(x[keep], _finite(low)[keep], _finite(high)[keep],
                                color=palette[number], alpha=0.15, linewidth=0)
                ax.plot(x[keep], _finite(mean)[keep], color=palette[number], linewidth=2,
                        label=f"{r.label}, η = {r.best:g}")
        for ax, mark in zip(axes, (result.epochs, result.equal_updates, result.equal_seconds), strict=True):
            ax.axvline(mark, color="0.3", linestyle=":", linewidth=1.5)
        _log_scale(axes[0], "y")
        _log_scale(axes[1], "x")
        _log_scale(axes[2], "x")
        for ax, label in zip(axes, ("epochs (equal gradient evaluations)", "weight updates",
                                    "training seconds (measured)"), strict=True):
            ax.set_xlabel(label)
        axes[0].set_ylabel("validation loss")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=11)
        fig.suptitle("Batch size, each at its own best η: the same epochs, updates or time "
                     "(dotted: the point compared)")
    return _finish(fig, path)


def plot_activation(summary: Groups, path=None) -> Figure:
    """Top: training (dashed) and validation (solid) loss per activation, mean and range over
    the seeds. Bottom, on a 2-D data set: the first seed's output over the plane, the
    boundary out = ½ drawn, with the training points."""
    from backprop_tutor.teaching.lab.runs import data

    groups = summary.groups
    grids = [g.runs[0].extra.get("grid") for g in groups]
    with _style():
        fig, first = _figure(4.2 * len(groups), 8.4 if all(grids) else 4.6)
        first.remove()   # the panels are laid out by name below
        rows = 2 if all(grids) else 1
        names = [g.label for g in groups]
        panels = fig.subplot_mosaic([["curves"] * len(groups)] + ([names] if rows == 2 else []))
        top = panels["curves"]
        for group in groups:
            color = COLORS.get(group.label)
            for which, style in (("train_loss", "--"), ("val_loss", "-")):
                mean, low, high = group.curve(which)
                epochs = np.arange(len(mean))
                if which == "val_loss":
                    top.fill_between(epochs, _finite(low), _finite(high), color=color,
                                     alpha=0.15, linewidth=0)
                top.plot(epochs, _finite(mean), style, color=color, linewidth=2,
                         label=f"{group.label} {'validation' if which == 'val_loss' else 'training'}")
        _log_scale(top, "y")
        top.set_xlabel("epochs")
        top.set_ylabel("loss")
        top.legend(fontsize=9, ncols=len(groups))
        if rows == 2:
            setting = groups[0].setting
            train_rows, _ = data(setting.dataset, setting.samples, setting.noise, setting.validation)
            for group, grid in zip(groups, grids, strict=True):
                assert grid is not None   # two rows: every group has a grid
                ax = panels[group.label]
                ax.contourf(grid["x"], grid["y"], np.clip(grid["out"], 0, 1),
                            levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
                ax.contour(grid["x"], grid["y"], grid["out"], levels=[0.5], colors="k")
                ax.scatter(train_rows.X[:, 0], train_rows.X[:, 1], c=train_rows.T[:, 0], s=6,
                           cmap="RdBu_r", edgecolors="none")
                ax.set_title(f"hidden {group.label}", fontsize=12)
                ax.set_xticks([])
                ax.set_yticks([])
        fig.suptitle(f"The activations on {groups[0].setting.dataset}")
    return _finish(fig, path)


def plot_depth(result: DepthResult, path=None) -> Figure:
    """Left: each layer's gradient norm before training in the deepest network, per activation;
    middle: the first layer's gradient norm over training; right: dead relu units over training."""
    with _style():
        fig, axes = _figure(15, 4.8, margins=Margins(1.0, 0.15, 0.6, 0.5, 1.05), ncols=3)
        for activation, by_depth in result.start_norms.items():
            norms = by_depth[result.deepest]
            axes[0].plot(range(1, len(norms) + 1), norms, marker="o", color=COLORS.get(activation),
                         label=activation)
            axes[1].plot(result.first_layer[activation], color=COLORS.get(activation),
                         label=activation)
        axes[0].set_xlabel(f"layer (1 = first hidden, {result.deepest + 1} = output)")
        axes[0].set_ylabel("‖dE/dW‖ before training")
        axes[1].set_xlabel("epochs")
        axes[1].set_ylabel("‖dE/dW‖ of layer 1")
        for ax in axes[:2]:
            _log_scale(ax, "y")
            ax.legend(fontsize=10)
        for number, (rate, dead) in enumerate(result.dead.items()):
            axes[2].plot(np.array(dead) * 100, color=COLORS["relu"], linewidth=2,
                         linestyle=("-", "--", ":")[number % 3], label=f"η = {rate:g}")
        axes[2].set_xlabel("epochs")
        axes[2].set_ylabel("dead relu units (%)")
        axes[2].set_ylim(0, 100)
        axes[2].legend(fontsize=10)
        fig.suptitle(f"{result.deepest} hidden layers: vanishing gradients and dead units")
    return _finish(fig, path)
