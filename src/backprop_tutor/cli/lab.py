"""``backprop-tutor lab``: the hyperparameter lab's commands (registered in ``cli``).

Each command parses its options, runs its experiment's settings with the
runner, prints the report's table and, with --out, writes the result files and
figures. Only this layer prints.
"""

from __future__ import annotations

import functools
import importlib
import sys
from dataclasses import dataclass, field

import click

from backprop_tutor.cli.options import BatchSize, PositiveFloat, ProblemOrder
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

    require("threadpoolctl")


def lab_options(function):
    """--out, --force and --jobs, shared by every lab experiment."""
    function = click.option("--jobs", type=click.IntRange(1, 64), default=None,
                            help="Worker processes  [default: one per core]")(function)
    function = click.option("--force", is_flag=True,
                            help="Replace the content of a non-empty --out folder.")(function)
    return click.option("--out", type=click.Path(), default=None,
                        help="Folder for the figures and result files.")(function)


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


@dataclass(frozen=True)
class LabExperiment:
    """One row of the table of experiments; it follows ``teaching.lab.experiment.Experiment``.

    ``module`` (in ``teaching/lab``) makes the settings from a base setting and
    seeds, runs and summarises them; ``report`` (in ``output/reports/lab.py``)
    and ``figure`` (in ``output/lab_figures.py``) tell the summary.
    """

    name: str
    module: str
    report_name: str
    figure: str
    defaults: dict = field(default_factory=dict)    # epochs, seeds and samples of its command
    options: tuple = ()                             # the command's own click options

    def _steps(self):
        return importlib.import_module(f"backprop_tutor.teaching.lab.{self.module}")

    def settings(self, dataset="moons", samples=None, epochs=None, seeds=1, config=None,
                 **own) -> list:
        steps = self._steps()
        if config is not None:
            return steps.read_config(config)
        _check_dataset(dataset)
        base = steps.BASE.with_(dataset=dataset, samples=None if dataset == "digits" else samples,
                                epochs=epochs, **own)
        return steps.settings(base, seeds=range(seeds))

    def run(self, settings, jobs=1, progress=None) -> list:
        return self._steps().run(settings, jobs, progress)

    def summarise(self, runs):
        return self._steps().summarise(runs)

    def report(self, summary) -> list:
        from backprop_tutor.output.reports import lab as reports

        return getattr(reports, self.report_name)(summary)

    def draw(self, summary, path) -> None:
        from backprop_tutor.output import lab_figures

        getattr(lab_figures, f"plot_{self.module}")(summary, path)


def _own(*options):
    return tuple(options)


EXPERIMENTS = (
    LabExperiment("learning-rate", "learning_rate", "learning_rate_blocks", "learning_rate",
                  {"epochs": 300, "seeds": 5, "samples": 1000}, _own(
                      click.option("--output-activation", default="linear", show_default=True,
                                   type=click.Choice(["linear", "sigmoid"]),
                                   help="sigmoid: a bounded output, so a too large η saturates "
                                        "instead of diverging."),
                      click.option("--batch-size", default="full", show_default=True,
                                   type=BatchSize(), help="Rows per update, or full."))),
    LabExperiment("batch-size", "batch_size", "batch_size_blocks", "batch_size",
                  {"epochs": 40, "seeds": 3, "samples": 500}),
    LabExperiment("activation", "activation", "activation_blocks", "activation",
                  {"epochs": 200, "seeds": 3, "samples": 500}, _own(
                      click.option("--learning-rate", default=0.5, show_default=True,
                                   type=PositiveFloat()))),
    LabExperiment("depth", "depth", "depth_blocks", "depth",
                  {"epochs": 100, "seeds": 2, "samples": 500}),
    LabExperiment("init", "init", "init_blocks", "init",
                  {"epochs": 150, "seeds": 3, "samples": 500}, _own(
                      click.option("--hidden-activation", default="tanh", show_default=True,
                                   type=click.Choice(list(TUTORIAL_ACTIVATIONS))))),
    LabExperiment("sweep", "sweep", "sweep_blocks", "curves", options=_own(
        click.option("--config", "config", required=True, type=click.Path(dir_okay=False),
                     help="A TOML file: each hyperparameter with one value or a list."))),
)

HELP = {
    "learning-rate": """Final validation loss against η for sigmoid, tanh and relu.

    Full-batch gradient descent (or --batch-size), every η from the same seeded
    starts. The grid (10⁻² to 10², three per decade) grows per activation until
    the best η lies inside it and a larger η diverges. Each η gets a region read
    off the runs: too small or stalled (below the best), good, oscillating or too
    large (above it), diverging, dead or collapsed.
    """,
    "batch-size": """Per-sample SGD (b = 1), mini-batches (8, 32) and the full batch, each at
    its own best η, compared at equal epochs, equal weight updates and equal wall time.""",
    "activation": "Learning curves of sigmoid, tanh and relu; decision boundaries on a 2-D data set.",
    "depth": """Per-layer gradient norms with 1 to 6 hidden layers (vanishing gradients), and dead
    relu units at a large η.""",
    "init": """The initialisers (Glorot, He, random normal, zeros): learning curves, and whether the
    hidden units stay copies of each other.""",
    "sweep": "Any grid of hyperparameters from a TOML file (see docs/commands/lab.md).",
}


def _command(experiment: LabExperiment):
    """The command of one experiment: its options, then settings → runs → summary → report."""
    @_interruptible
    def command(out, force, jobs, **options):
        from backprop_tutor.output.writers import to_text
        from backprop_tutor.teaching.lab.results import write_experiment

        settings = experiment.settings(**options)
        _check_out(out, force)
        runs = _run_lab(experiment, settings, jobs)
        summary = experiment.summarise(runs)
        click.echo(to_text(experiment.report(summary)), nl=False)
        if out is not None:
            files = write_experiment(out, force, experiment.name, runs, summary.to_dict(),
                                     {experiment.figure: lambda path: experiment.draw(summary,
                                                                                     path)})
            click.echo(f"Wrote {len(files)} files to {out}/: {', '.join(files)}")

    for option in reversed((*_shared_options(experiment.defaults), *experiment.options)):
        command = option(command)
    command = lab_options(command)
    return lab.command(experiment.name, help=HELP[experiment.name])(command)


def _shared_options(defaults: dict):
    """--dataset, --samples, --epochs, --seeds with an experiment's defaults (none for a sweep)."""
    if not defaults:
        return ()
    return (click.option("--dataset", default="moons", show_default=True,
                         help="A data set made in code (or digits)."),
            click.option("--samples", default=defaults["samples"], show_default=True,
                         type=click.IntRange(8), help="Rows of a generated data set (a fifth "
                                                      "kept for validation)."),
            click.option("--epochs", default=defaults["epochs"], show_default=True,
                         type=click.IntRange(1)),
            click.option("--seeds", default=defaults["seeds"], show_default=True,
                         type=click.IntRange(1, 100)))


def _run_lab(experiment, settings, jobs):
    """Every run, with a progress bar on stderr where somebody watches."""
    from backprop_tutor.teaching.lab.runner import default_jobs

    with click.progressbar(length=len(settings), label="Training", file=sys.stderr,
                           hidden=not sys.stderr.isatty()) as bar:
        def progress(done, planned):
            bar.length = planned     # an experiment may plan more runs as it goes
            bar.update(done)
        return experiment.run(settings, jobs or default_jobs(), progress)


for _experiment in EXPERIMENTS:
    _command(_experiment)


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
              help="Timings of each; the median and a 95 % interval of it are reported.")
@click.option("--keras", is_flag=True, help="Time the training step in Keras too (TensorFlow).")
@click.option("--epochs", default=10, show_default=True, type=click.IntRange(0, 1000),
              help="Epochs of the end-to-end comparison on digits, a learning-rate sweep "
                   "(0: leave it out).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes of the end-to-end runs  [default: one per core]")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]))
def bench_activations(size, repeats, keras, epochs, jobs, output_format):
    """What sigmoid, tanh and relu cost: per element, per training step, end to end.

    Per element: f and f′ (from the stored output, as backpropagation does), with
    the operations each needs. Per step: one SGD step of 64-256-256-10 on a batch
    of 64 digits. End to end: the time to reach a validation loss = steps needed ×
    cost per step, each activation at its own best η from the lab's learning-rate
    sweep on digits. Activations are ranked only where the 95 % intervals of their
    median timings do not overlap.
    """
    from backprop_tutor.extras import require
    from backprop_tutor.output.reports.cost import cost_text
    from backprop_tutor.teaching.activation_cost import measure
    from backprop_tutor.teaching.lab.runner import default_jobs

    require("threadpoolctl", *(["tensorflow"] if keras else []))
    cost = measure(size=size, repeats=repeats, keras=keras, epochs=epochs,
                   jobs=jobs or default_jobs())
    if output_format == "json":
        click.echo(json_data.dumps(cost.to_dict()), nl=False)
    else:
        click.echo(cost_text(cost), nl=False)
