"""The commands that train: train (Problem 3) and keras (Problem 4)."""

from __future__ import annotations

import sys

import click

from backprop_tutor.cli.options import BatchSize, PositiveFloat, network_options
from backprop_tutor.core.initialisers import INITIALISERS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.io import json_data

#: Keras' loss by the names ``keras --loss`` accepted before it took the registry's.
_OLD_LOSS_NAMES = {"keras-mse": "mse", "tutorial": "half_sse"}


@click.command()
@network_options(worked_step=False)
@click.option("--epochs", default=1000, show_default=True, type=click.IntRange(1),
              help="Passes over the training data (without --data: SGD updates on the file's "
                   "sample).")
@click.option("--data", metavar="NAME|PATH.csv",
              help="Train on a data set: xor, moons, circles, spirals, sine, digits, or a CSV "
                   "file with the header i1,...,t1,...")
@click.option("--batch-size", type=BatchSize(), default="full", show_default=True,
              help="Samples per SGD update (1: per-sample SGD; full: full-batch descent).")
@click.option("--shuffle-seed", type=click.IntRange(0),
              help="Reshuffle the rows every epoch from this seed (default: file order).")
@click.option("--validation", type=PositiveFloat(below=1),
              metavar="F", help="Hold out this fraction of the data (a seeded split) and "
                                "report its loss too.")
@click.option("--init", type=click.Choice(list(INITIALISERS)),
              help="Start from random weights drawn like Keras' initialiser (biases 0) "
                   "instead of the file's.")
@click.option("--seed", type=click.IntRange(0), help="Seed of --init  [default: 0]")
@click.option("--epoch-loss", type=click.Choice(["full", "batches"]), default="full",
              show_default=True,
              help="What an epoch's training loss is. full: the loss of the whole training set "
                   "before each epoch (and after the last), from a pass over it; comparable "
                   "across batch sizes. batches: the mean of the epoch's batch losses, each "
                   "taken before its batch's update, as Keras reports it; no extra pass.")
@click.option("--threads", type=click.IntRange(0), default=1, show_default=True,
              help="Threads of the matrix products (NumPy's BLAS); 0: NumPy's default.")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]))
def train(network, epochs, data, batch_size, shuffle_seed, validation, init, seed,
          epoch_loss, threads, output_format):
    """Train the NumPy network (Problem 3) with SGD on the file's sample or on a data set.

    An epoch is one pass over the training rows in batches of --batch-size; a
    batch's loss is the mean of its samples' E and its gradient the mean of
    their gradients. A run whose E becomes non-finite (or a million times its
    start) stops at that epoch and says so.
    """
    from backprop_tutor.networks.datasets import load_dataset
    from backprop_tutor.networks.training import train_network
    from backprop_tutor.output.reports.training import training_blocks
    from backprop_tutor.output.writers import to_text

    for option, value in (("--batch-size", batch_size), ("--shuffle-seed", shuffle_seed),
                          ("--validation", validation),
                          ("--epoch-loss batches", None if epoch_loss == "full" else epoch_loss)):
        if value is not None and data is None:
            raise click.UsageError(f"{option} needs --data")
    if seed is not None and init is None:
        raise click.UsageError("--seed needs --init")
    dataset = None if data is None else load_dataset(data)
    # A progress bar only where somebody watches a long run.
    watched = output_format == "text" and epochs >= 100_000 and sys.stderr.isatty()
    with click.progressbar(length=epochs, label="Training", file=sys.stderr,
                           hidden=not watched, update_min_steps=1000) as bar:
        run = train_network(network, epochs=epochs, data=dataset, batch_size=batch_size,
                            shuffle_seed=shuffle_seed, validation=validation, init=init,
                            seed=seed or 0, progress=lambda done: bar.update(1),
                            epoch_loss=epoch_loss, threads=threads or None)
    if output_format == "json":
        click.echo(json_data.dumps(_json(run)), nl=False)   # a non-finite E (diverged) is null
        return
    click.echo(to_text(training_blocks(network, run, None if dataset is None else dataset.name, batch_size,
                                       shuffle_seed)), nl=False)


def _json(run) -> dict:
    """``loss`` per epoch; "full" adds ``final_loss``, the loss after the last epoch."""
    history = run.history
    if history.epoch_loss == "full":
        losses = {"loss": history.loss[:-1], "final_loss": history.loss[-1]}
        if history.val_loss is not None:
            losses.update(val_loss=history.val_loss[:-1], final_val_loss=history.val_loss[-1])
    else:   # the mean batch loss of each epoch: none is the loss after training
        losses = {"loss": history.loss}
        if history.val_loss is not None:
            losses.update(val_loss=history.val_loss, final_val_loss=history.val_loss[-1])
    return {"epoch_loss": history.epoch_loss, **losses, "diverged_at": history.diverged_at,
            "values": run.model.parameters()}


@click.command(name="keras")
# Here --loss chooses the Keras loss; the file's loss is not used.
@network_options("hidden_activation", "output_activation", "learning_rate")
@click.option("--loss", default="mse", show_default=True,
              type=click.Choice([*LOSSES, *_OLD_LOSS_NAMES]),
              help="mse (alias keras-mse): Keras' MeanSquaredError, E = mean (t − out)²; "
                   "half_sse (alias tutorial): E = ½ Σ (t − out)². The file's loss is not used.")
@click.option("--steps", default=1, show_default=True, type=click.IntRange(1),
              help="Number of SGD updates on the file's sample.")
@click.option("--precision", default="float64", show_default=True,
              type=click.Choice(["float64", "float32"]), help="Keras' floating-point type.")
@click.option("--random-weights", is_flag=True,
              help="Start from Keras' default initialisers instead of the file's weights.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), help="Seed of --random-weights  [default: 0]")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]))
def keras_command(network, loss, steps, precision, random_weights, seed, output_format):
    """The network in Keras (Problem 4), side by side with the NumPy network.

    Keras and the NumPy network do the same SGD updates from the same start
    with the same loss; the output shows both, and what the choice of loss
    convention changes for this network.
    """
    from backprop_tutor.networks.keras_network import (
        compare_with_numpy,
        comparison_json,
    )
    from backprop_tutor.output.reports.keras import comparison_text

    if seed is not None and not random_weights:
        raise click.UsageError("--seed needs --random-weights")
    keras_loss = _OLD_LOSS_NAMES.get(loss, loss)
    result = compare_with_numpy(network, keras_loss, steps, precision,
                                seed=(seed or 0) if random_weights else None)
    if output_format == "json":
        click.echo(json_data.dumps(comparison_json(result)), nl=False)
    else:
        click.echo(comparison_text(result), nl=False)
