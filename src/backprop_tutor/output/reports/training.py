"""A training run as a document: the loss at chosen updates or epochs, how it ended, the weights."""

from __future__ import annotations

import math

from backprop_tutor.core.network import Network
from backprop_tutor.document.blocks import Block, Heading, Paragraph, Table
from backprop_tutor.document.notation import format_number
from backprop_tutor.networks.numpy_fit import DIVERGED_FACTOR
from backprop_tutor.networks.training import TrainingRun
from backprop_tutor.output.reports.worksheet import describe

#: Above this many weights and biases the report points to the JSON instead of listing them.
LISTED_PARAMETERS = 60


def shown_updates(updates: int) -> list[int]:
    """Which updates (counted from 0) a table of a training run shows: every tenth, and the last.

    >>> shown_updates(25)
    [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]
    >>> shown_updates(3)
    [0, 1, 2]
    """
    every = max(1, updates // 10)
    return sorted({*range(0, updates, every), updates - 1})


def training_blocks(network: Network, run: TrainingRun, data: str | None = None,
                    batch_size: int | None = None, shuffle_seed: int | None = None) -> list[Block]:
    """The run on the file's one sample (``data`` None) or on the data set named ``data``."""
    blocks: list[Block] = [Heading(1, f"Training {network.title or 'network'}"),
                           Paragraph(describe(network) + ".")]
    blocks += _sample_run(run) if data is None else _data_run(run, data, batch_size, shuffle_seed)
    parameters = run.model.parameters()
    if len(parameters) > LISTED_PARAMETERS:
        return [*blocks, Paragraph(f"{len(parameters)} weights and biases after training: "
                                   "see `--format json`.")]
    return [*blocks, Heading(2, "Weights and biases after training"),
            Table(("name", "value"), tuple((name, format_number(value, 6))
                                           for name, value in parameters.items()))]


def _sample_run(run: TrainingRun) -> list[Block]:
    """E before chosen updates on the one sample, then E at the end (or where it diverged)."""
    history = run.history
    updates = len(history.loss) - 1
    rows = tuple((str(update + 1), format_number(history.loss[update], 8))
                 for update in (shown_updates(updates) if updates else []))
    end = (f"After {updates} updates: E = {format_number(history.loss[-1], 8)}."
           if history.diverged_at is None else _divergence(run, "Update"))
    return [Table(("update", "E before the update"), rows), Paragraph(end)]


def _data_run(run: TrainingRun, data: str, batch_size, shuffle_seed) -> list[Block]:
    """Training (and validation) loss after chosen epochs of a data-set run."""
    history = run.history
    order = "file order" if shuffle_seed is None else f"reshuffled every epoch (seed {shuffle_seed})"
    held_out = f", {run.validation_size} held out for validation" if run.validation_size else ""
    epochs = shown_updates(len(history.loss))
    header = ("epochs", "training E") + (("validation E",) if history.val_loss is not None else ())
    # "batches": loss[e] is the mean batch loss during epoch e + 1 (History).
    first = 0 if history.epoch_loss == "full" else 1
    if first:
        header = ("epoch", "mean batch E", *header[2:])
    rows = tuple((str(epoch + first), format_number(history.loss[epoch], 8),
                  *([format_number(history.val_loss[epoch], 8)] if history.val_loss is not None
                    else []))
                 for epoch in epochs)
    measured = ("" if not first else " The training E of an epoch is the mean of its batch "
                "losses, each taken before its batch's update; the validation E is taken after "
                "the epoch.")
    blocks: list[Block]
    blocks = [Paragraph(f"Data: {data}, {run.training_size} training samples{held_out}; batches "
                        f"of {'all of them' if batch_size is None else batch_size}, {order}."
                        + measured),
              Table(header, rows)]
    if history.diverged_at is not None:
        blocks.append(Paragraph(_divergence(run, "Epoch")))
    return blocks


def _divergence(run: TrainingRun, step: str) -> str:
    """The sentence saying why a run stopped early, true for its last loss."""
    history = run.history
    loss = history.loss[-1]
    why = ("no longer a finite number" if not math.isfinite(loss)
           else f"more than {DIVERGED_FACTOR:.0e} times its start, "
                f"{format_number(history.loss[0], 8)}")
    if history.epoch_loss == "batches":
        return (f"In epoch {history.diverged_at} the mean batch E was {format_number(loss, 8)}, "
                f"{why}: the run diverged and training stopped there.")
    return (f"{step} {history.diverged_at} made E = {format_number(loss, 8)}, {why}: "
            "the run diverged and training stopped there.")
