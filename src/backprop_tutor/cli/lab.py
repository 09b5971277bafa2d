"""``backprop-tutor lab``: the hyperparameter lab's commands (registered in ``cli``).

Each command parses its options, runs its experiment's settings with the
runner, prints the report's table and, with --out, writes the result files and
figures. Only this layer prints.
"""

from __future__ import annotations

import functools
import sys

import click

from backprop_tutor.cli.options import PositiveFloat, ProblemOrder
from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.io import json_data


@click.group(cls=ProblemOrder)
def lab():
    """Ready experiments on data sets: what each hyperparameter does.

    Each prints a short table; with --out DIR it also writes its figures (PNG,
    SVG) and results (runs.csv, curves.csv, results.json; seconds.csv apart,
    since timings vary) into DIR, whole or not at all. Runs use --jobs worker
    processes and give the same results for any --jobs.
    """
    from backprop_tutor.extras import require

    require("sklearn", "threadpoolctl")


def lab_options(function):
    """--out, --force and --jobs, shared by every lab experiment."""
    function = click.option("--jobs", type=click.IntRange(1, 64), default=None,
                            help="Worker processes  [default: one per core]")(function)
    function = click.option("--force", is_flag=True,
                            help="Replace the content of a non-empty --out folder.")(function)
    return click.option("--out", type=click.Path(), default=None,
                        help="Folder for the figures and result files.")(function)


def _run_lab(task, settings, jobs, label):
    """Every run, with a progress bar on stderr where somebody watches."""
    from backprop_tutor.teaching.lab.runner import default_jobs, run_all

    jobs = jobs or default_jobs()
    with click.progressbar(length=len(settings), label=label, file=sys.stderr,
                           hidden=not sys.stderr.isatty()) as bar:
        return run_all(task, settings, jobs=jobs, progress=bar.update)


def _save_lab(out, force, experiment, runs, summary, figures):
    from backprop_tutor.teaching.lab.results import write_experiment

    if out is None:
        return
    files = write_experiment(out, force, experiment, runs, summary, figures)
    click.echo(f"Wrote {len(files)} files to {out}/: {', '.join(files)}")


def _interruptible(function):
    """Ctrl-C ends a lab command with one line and status 130; nothing is written."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("backprop-tutor: interrupted; nothing was written", err=True)
            sys.exit(130)
    return wrapper


@lab.command("learning-rate")
@lab_options
@click.option("--dataset", default="moons", show_default=True, help="A data set made in code.")
@click.option("--samples", default=1000, show_default=True, type=click.IntRange(8),
              help="Rows of the data set (a fifth kept for validation).")
@click.option("--output-activation", default="sigmoid", show_default=True,
              type=click.Choice(["sigmoid", "linear"]),
              help="linear: an unbounded output, so a too large η shows as divergence.")
@click.option("--epochs", default=300, show_default=True, type=click.IntRange(1))
@click.option("--seeds", default=5, show_default=True, type=click.IntRange(1, 100))
@_interruptible
def lab_learning_rate(out, force, jobs, dataset, samples, output_activation, epochs, seeds):
    """Final validation loss against η (10⁻² to 10²) for sigmoid, tanh and relu.

    Full-batch gradient descent, every η from the same seeded starts; each η
    gets a region read off the runs: too small, good, too large, oscillating
    or diverging.
    """
    from backprop_tutor.output.lab_figures import plot_learning_rate
    from backprop_tutor.output.reports.lab import learning_rate_text
    from backprop_tutor.teaching.lab import learning_rate
    from backprop_tutor.teaching.lab.runs import train as train_run

    _check_dataset(dataset)
    _check_out(out, force)
    base = learning_rate.BASE.with_(dataset=dataset, samples=samples, epochs=epochs,
                                    output_activation=output_activation)
    settings = learning_rate.settings(base, seeds=range(seeds))
    runs = _run_lab(train_run, settings, jobs, "Training")
    sweep = learning_rate.summarise(runs)
    click.echo(learning_rate_text(sweep), nl=False)
    _save_lab(out, force, "learning-rate", runs, sweep.to_dict(),
              {"learning_rate": lambda path: plot_learning_rate(sweep, path)})


def experiment_options(epochs: int, seeds: int, samples: int | None = 500):
    """--dataset, --samples, --epochs, --seeds with an experiment's defaults."""
    def decorate(function):
        for option in reversed([
                click.option("--dataset", default="moons", show_default=True,
                             help="A data set made in code (or digits)."),
                click.option("--samples", default=samples, show_default=True,
                             type=click.IntRange(8), help="Rows of a generated data set."),
                click.option("--epochs", default=epochs, show_default=True,
                             type=click.IntRange(1)),
                click.option("--seeds", default=seeds, show_default=True,
                             type=click.IntRange(1, 100))]):
            function = option(function)
        return function
    return decorate


def _base(module, dataset, samples, epochs, **changes):
    _check_dataset(dataset)
    return module.BASE.with_(dataset=dataset, samples=None if dataset == "digits" else samples,
                             epochs=epochs, **changes)


@lab.command("batch-size")
@lab_options
@experiment_options(epochs=40, seeds=3)
@click.option("--learning-rate", default=0.2, show_default=True, type=PositiveFloat())
@_interruptible
def lab_batch_size(out, force, jobs, dataset, samples, epochs, seeds, learning_rate):
    """Per-sample SGD (b = 1), mini-batches (8, 32) and the full batch, at equal epochs,
    weight updates and wall time."""
    from backprop_tutor.output.lab_figures import plot_batch_size
    from backprop_tutor.output.reports.lab import batch_size_sentences, groups_text
    from backprop_tutor.teaching.lab import batch_size
    from backprop_tutor.teaching.lab.runs import train as train_run

    base = _base(batch_size, dataset, samples, epochs, learning_rate=learning_rate)
    _check_out(out, force)
    runs = _run_lab(train_run, batch_size.settings(base, seeds=range(seeds)), jobs, "Training")
    groups = batch_size.summarise(runs)
    click.echo(groups_text(groups, "Batch size",
                           {"updates": lambda g: f"{g.updates_per_epoch * epochs:,}"},
                           tuple(batch_size_sentences(groups))), nl=False)
    _save_lab(out, force, "batch-size", runs, batch_size.summary_dict(groups),
              {"batch_size": lambda path: plot_batch_size(groups, path)})


@lab.command("activation")
@lab_options
@experiment_options(epochs=200, seeds=3)
@click.option("--learning-rate", default=0.5, show_default=True, type=PositiveFloat())
@_interruptible
def lab_activation(out, force, jobs, dataset, samples, epochs, seeds, learning_rate):
    """Learning curves of sigmoid, tanh and relu; decision boundaries on a 2-D data set."""
    from backprop_tutor.output.lab_figures import plot_activation
    from backprop_tutor.output.reports.lab import groups_text
    from backprop_tutor.teaching.lab import activation

    base = _base(activation, dataset, samples, epochs, learning_rate=learning_rate)
    _check_out(out, force)
    runs = _run_lab(activation.train_keeping_grid, activation.settings(base, seeds=range(seeds)),
                    jobs, "Training")
    groups = activation.summarise(runs)
    click.echo(groups_text(groups, "Hidden activation"), nl=False)
    _save_lab(out, force, "activation", runs, {"groups": [g.to_dict() for g in groups]},
              {"activation": lambda path: plot_activation(groups, path)})


@lab.command("depth")
@lab_options
@experiment_options(epochs=100, seeds=2)
@_interruptible
def lab_depth(out, force, jobs, dataset, samples, epochs, seeds):
    """Per-layer gradient norms with 1 to 6 hidden layers (vanishing gradients), and dead
    relu units at a large η."""
    from backprop_tutor.output.lab_figures import plot_depth
    from backprop_tutor.output.reports.lab import depth_text
    from backprop_tutor.teaching.lab import depth

    base = _base(depth, dataset, samples, epochs)
    _check_out(out, force)
    runs = _run_lab(depth.train_measuring_gradients, depth.settings(base, seeds=range(seeds)),
                    jobs, "Training")
    result = depth.summarise(runs)
    click.echo(depth_text(result), nl=False)
    _save_lab(out, force, "depth", runs, result.to_dict(),
              {"depth": lambda path: plot_depth(result, path)})


@lab.command("init")
@lab_options
@experiment_options(epochs=150, seeds=3)
@click.option("--hidden-activation", default="tanh", show_default=True,
              type=click.Choice(list(TUTORIAL_ACTIVATIONS)))
@_interruptible
def lab_init(out, force, jobs, dataset, samples, epochs, seeds, hidden_activation):
    """The initialisers (Glorot, He, random normal, zeros): learning curves, and whether the
    hidden units stay copies of each other."""
    from backprop_tutor.output.lab_figures import plot_curves
    from backprop_tutor.output.reports.lab import groups_text
    from backprop_tutor.teaching.lab import init

    base = _base(init, dataset, samples, epochs, hidden_activation=hidden_activation)
    _check_out(out, force)
    runs = _run_lab(init.train_counting_units, init.settings(base, seeds=range(seeds)), jobs,
                    "Training")
    groups = init.summarise(runs)
    units = base.hidden_units
    click.echo(groups_text(groups, "Initialisation",
                           {"distinct h": lambda g: f"{init.distinct_units(g):g}/{units}"}), nl=False)
    _save_lab(out, force, "init", runs,
              {"groups": [{**g.to_dict(), "distinct_hidden_units": init.distinct_units(g)}
                          for g in groups]},
              {"init": lambda path: plot_curves(groups, path, title="Initialisers")})


@lab.command("sweep")
@lab_options
@click.option("--config", "config", required=True, type=click.Path(dir_okay=False),
              help="A TOML file: each hyperparameter with one value or a list.")
@_interruptible
def lab_sweep(out, force, jobs, config):
    """Any grid of hyperparameters from a TOML file (see docs/commands/lab.md)."""
    from backprop_tutor.output.lab_figures import plot_curves
    from backprop_tutor.output.reports.lab import groups_text
    from backprop_tutor.teaching.lab import sweep
    from backprop_tutor.teaching.lab.curves import group_runs
    from backprop_tutor.teaching.lab.runs import train as train_run

    settings = sweep.read_config(config)
    _check_out(out, force)
    runs = _run_lab(train_run, settings, jobs, "Training")
    groups = group_runs(runs, sweep.label(sweep.varied_keys(settings)))
    click.echo(groups_text(groups, f"Sweep of {config}"), nl=False)
    _save_lab(out, force, "sweep", runs, {"groups": [g.to_dict() for g in groups]},
              {"curves": lambda path: plot_curves(groups, path, title=f"Sweep: {config}")})


def _check_out(out, force):
    """Refuse a bad --out (or figures without matplotlib) before the runs, not after them."""
    from backprop_tutor.extras import require
    from backprop_tutor.io.folder import check_output_folder

    if out is not None:
        check_output_folder(out, force)
        require("matplotlib")


def _check_dataset(name):
    from backprop_tutor.networks.datasets import DATASETS

    if name not in DATASETS:
        raise click.BadParameter(f"{name!r} is not one of {', '.join(DATASETS)}",
                                 param_hint="--dataset")


@click.command("bench-activations")
@click.option("--size", default=1_000_000, show_default=True, type=click.IntRange(1, 100_000_000),
              help="Elements of the array f and f′ are timed on.")
@click.option("--repeats", default=15, show_default=True, type=click.IntRange(3, 1000),
              help="Timings of each; the median and interquartile range are reported.")
@click.option("--keras", is_flag=True, help="Time the training step in Keras too (TensorFlow).")
@click.option("--epochs", default=10, show_default=True, type=click.IntRange(0, 1000),
              help="Epochs of the end-to-end comparison on digits (0: leave it out).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes of the end-to-end runs  [default: one per core]")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]))
def bench_activations(size, repeats, keras, epochs, jobs, output_format):
    """What sigmoid, tanh and relu cost: per element, per training step, end to end.

    Per element: f and f′ (from the stored output, as backpropagation does).
    Per step: one SGD step of 64-256-256-10 on a batch of 64 digits. End to end:
    the time to reach a validation loss = steps needed × cost per step.
    """
    from backprop_tutor.extras import require
    from backprop_tutor.output.reports.cost import cost_text
    from backprop_tutor.teaching.activation_cost import measure
    from backprop_tutor.teaching.lab.runner import default_jobs

    require("sklearn", "threadpoolctl", *(["tensorflow"] if keras else []))
    cost = measure(size=size, repeats=repeats, keras=keras, epochs=epochs,
                   jobs=jobs or default_jobs())
    if output_format == "json":
        click.echo(json_data.dumps(cost.to_dict()), nl=False)
    else:
        click.echo(cost_text(cost), nl=False)
