"""The lab's result files: the same runs always give the same bytes.

``write_results(folder, experiment, runs, summary)`` writes

* ``runs.csv``: one row per run: its setting (every hyperparameter and the
  seed), the final training and validation loss, the validation accuracy
  (empty for a regression target) and the epoch at which it diverged (empty: it did not);
* ``curves.csv``: one row per run and epoch: ``run, epoch, train_loss, val_loss``
  (the loss after that many epochs; ``inf`` or ``nan`` where the weights
  overflowed, ``inf`` after a run stopped as diverged);
* ``results.json``: the experiment's name, every run with its setting and both
  curves, and the experiment's summary (non-finite numbers are written as null);
* ``seconds.csv``: the wall time of each run. Timings differ from one run to
  the next, so they are kept apart: the three files above are byte-identical
  for the same settings, whatever the number of worker processes.

Numbers are written with Python's ``repr``: the shortest text that reads back
as the very same float.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from backprop_tutor.io import json_data
from backprop_tutor.teaching.lab.runs import SETTING_FIELDS, Run

RUN_COLUMNS = ("run", *SETTING_FIELDS, "final_train_loss", "final_val_loss", "accuracy",
               "diverged_at")


def _cell(value) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _csv(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def runs_csv(runs: list[Run]) -> str:
    rows: list[Sequence[object]] = [RUN_COLUMNS]
    for index, run in enumerate(runs):
        setting = run.setting.to_dict()
        rows.append([_cell(value) for value in
                     (index, *(setting[name] for name in SETTING_FIELDS), run.final_train_loss,
                      run.final_val_loss, run.accuracy, run.diverged_at)])
    return _csv(rows)


def curves_csv(runs: list[Run]) -> str:
    rows: list[Sequence[object]] = [("run", "epoch", "train_loss", "val_loss")]
    for index, run in enumerate(runs):
        rows += [(index, epoch, _cell(train), _cell(val))
                 for epoch, (train, val) in enumerate(zip(run.train_loss, run.val_loss, strict=True))]
    return _csv(rows)


def seconds_csv(runs: list[Run]) -> str:
    return _csv([("run", "seconds"), *((index, _cell(run.seconds)) for index, run in
                                       enumerate(runs))])


def results_json(experiment: str, runs: list[Run], summary: dict) -> str:
    document = {"experiment": experiment,
                "runs": [{"setting": run.setting.to_dict(), "train_loss": run.train_loss,
                          "val_loss": run.val_loss, "accuracy": run.accuracy,
                          "diverged_at": run.diverged_at,
                          **{key: value for key, value in run.extra.items() if key != "model"}}
                         for run in runs],
                "summary": summary}
    return json_data.dumps(document, indent=1)


def write_experiment(out, force: bool, experiment: str, runs: list[Run], summary: dict,
                     figures: dict) -> list[str]:
    """Write an experiment's result files and figures into the folder ``out``, whole or not at all.

    Args:
        figures: a figure's file name (without suffix) → a function drawing it into a path.
    Returns:
        the files written, relative to ``out``.
    """
    from backprop_tutor.io.folder import files_in, output_folder

    with output_folder(out, force) as work:
        write_results(work, experiment, runs, summary)
        for name, draw in figures.items():
            draw(work / f"{name}.png")
    return files_in(Path(out))


def write_results(folder: Path, experiment: str, runs: list[Run], summary: dict) -> list[str]:
    """Write the four result files into ``folder``; return their names."""
    files = {"runs.csv": runs_csv(runs), "curves.csv": curves_csv(runs),
             "results.json": results_json(experiment, runs, summary),
             "seconds.csv": seconds_csv(runs)}
    for name, text in files.items():
        (Path(folder) / name).write_text(text, encoding="utf-8")
    return list(files)
