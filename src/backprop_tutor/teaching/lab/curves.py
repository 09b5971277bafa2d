"""Runs that differ only in their seed, gathered: mean and range of their learning curves.

Used by the experiments that compare learning curves (activation, batch size,
initialisation, a sweep): each group is one setting, its curves summarised
epoch by epoch over the seeds::

    mean[k] = mean over seeds of loss[k]       low[k], high[k] = min, max over seeds

A curve with an overflow (inf or nan) makes the mean inf from that epoch on.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from backprop_tutor.teaching.lab.runs import Run, Setting


@dataclass(frozen=True)
class CurveGroup:
    """The runs of one setting (all seeds) and their summary."""

    label: str
    setting: Setting                  # the first seed's setting
    runs: tuple[Run, ...]

    def curve(self, which: str = "val_loss") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(mean, low, high) over the seeds of ``train_loss`` or ``val_loss``, epoch by epoch."""
        curves = np.array([getattr(run, which) for run in self.runs], dtype=float)
        curves = np.nan_to_num(curves, nan=np.inf)
        with np.errstate(invalid="ignore"):
            return curves.mean(axis=0), curves.min(axis=0), curves.max(axis=0)

    @property
    def final(self) -> float:
        """Mean final validation loss over the seeds (inf if one overflowed)."""
        finals = [run.final_val_loss for run in self.runs]
        return statistics.fmean(finals) if all(map(math.isfinite, finals)) else math.inf

    @property
    def spread(self) -> float:
        """Standard deviation of the final validation loss over the seeds (nan if not finite)."""
        finals = [run.final_val_loss for run in self.runs]
        return statistics.pstdev(finals) if all(map(math.isfinite, finals)) else math.nan

    @property
    def accuracy(self) -> float | None:
        values = [run.accuracy for run in self.runs if run.accuracy is not None]
        return None if len(values) < len(self.runs) else statistics.fmean(values)

    @property
    def diverged(self) -> int:
        return sum(run.diverged_at is not None for run in self.runs)

    @property
    def updates_per_epoch(self) -> int:
        return self.runs[0].updates_per_epoch

    @property
    def seconds(self) -> float:
        """Median wall time of a run."""
        return statistics.median(run.seconds for run in self.runs)

    def to_dict(self) -> dict:
        mean, low, high = self.curve()
        return {"label": self.label, "final_val_loss": self.final, "sd": self.spread,
                "accuracy": self.accuracy, "diverged": self.diverged, "seeds": len(self.runs),
                "val_loss_mean": mean.tolist(), "val_loss_low": low.tolist(),
                "val_loss_high": high.tolist()}


def group_runs(runs: list[Run], label) -> list[CurveGroup]:
    """Runs with the same setting apart from the seed, in the order they first appear.

    Args:
        runs: the runs of an experiment.
        label: the setting → the group's label, e.g. ``lambda s: s.hidden_activation``.
    """
    groups: dict[Setting, list[Run]] = {}
    for run in runs:
        groups.setdefault(run.setting.with_(seed=0), []).append(run)
    return [CurveGroup(label(group[0].setting), group[0].setting, tuple(group))
            for group in groups.values()]


@dataclass(frozen=True)
class Groups:
    """An experiment's summary: its groups of runs, and more numbers per group if it has them.

    ``columns``: a name → a function of a group (e.g. the distinct hidden units of ``init``).
    """

    groups: list[CurveGroup]
    columns: dict[str, Callable[[CurveGroup], float]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"groups": [{**g.to_dict(), **{name: value(g) for name, value in self.columns.items()}}
                           for g in self.groups]}
