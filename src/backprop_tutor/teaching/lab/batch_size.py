"""``lab batch-size``: per-sample SGD, mini-batches and the full batch, compared fairly.

Every batch size trains from the same seeded starts with the same η. An epoch
is one pass over the training rows, so at equal epochs every batch size has
computed the same number of per-sample gradients; what differs is how many
weight updates they were spent on::

    updates per epoch = ceil(training rows / b)       (b = 1: one per row; full: one)

The comparison is made three ways: at equal epochs (equal gradient
evaluations), at equal weight updates, and at equal wall time (seconds per
run, measured, so it varies from machine to machine).
"""

from __future__ import annotations

from backprop_tutor.teaching.lab.curves import CurveGroup, group_runs
from backprop_tutor.teaching.lab.runs import Run, Setting

BATCH_SIZES = (1, 8, 32, None)
SEEDS = (0, 1, 2)
BASE = Setting(dataset="moons", samples=500, hidden_activation="tanh", learning_rate=0.2,
               epochs=40)


def settings(base: Setting = BASE, batch_sizes=BATCH_SIZES, seeds=SEEDS) -> list[Setting]:
    return [base.with_(batch_size=b, seed=seed) for b in batch_sizes for seed in seeds]


def label(setting: Setting) -> str:
    return "full batch" if setting.batch_size is None else f"batch {setting.batch_size}"


def summarise(runs: list[Run]) -> list[CurveGroup]:
    return group_runs(runs, label)


def summary_dict(groups: list[CurveGroup]) -> dict:
    return {"groups": [{**g.to_dict(), "batch_size": g.setting.batch_size,
                        "updates_per_epoch": g.updates_per_epoch} for g in groups]}
