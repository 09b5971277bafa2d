"""The ``backprop-tutor`` command: parse options, call the library, print.

Errors in files or options end the command with one line on stderr and exit
status 2; nothing is printed on stdout then.
"""

from __future__ import annotations

import errno
import functools
import math
import os
import sys

import click

from backprop_tutor.core.activations import ACTIVATIONS, TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.cli_types import PositiveFloat, ProblemOrder
from backprop_tutor.errors import MESSAGE_WIDTH, InputError, one_line
from backprop_tutor.extras import MissingLibrary
from backprop_tutor.lab_commands import lab
from backprop_tutor.output import json_data, notation


FILE_ARGUMENT = click.argument("file", required=False, type=click.Path(dir_okay=True))
OVERRIDES = {
    "hidden_activation": click.option(
        "--hidden-activation", type=click.Choice(list(ACTIVATIONS)),
        help="Activation of every hidden layer (overrides the file)."),
    "output_activation": click.option(
        "--output-activation", type=click.Choice(list(ACTIVATIONS)),
        help="Activation of the output layer (overrides the file)."),
    "loss": click.option(
        "--loss", type=click.Choice(["half_sse", "mse"]),
        help="half_sse: E = 1/2 Σ (t − out)²; mse: E = mean (t − out)², Keras' MSE."),
    "learning_rate": click.option("--learning-rate", type=PositiveFloat(), help="SGD learning rate η."),
}


def network_options(*overrides: str, worked_step: bool = True):
    """The FILE argument and the options that override the file's settings.

    The command receives ``network`` (the file, with the overrides applied) and
    ``default`` (True without FILE and without --hidden-activation).

    Args:
        overrides: which of ``OVERRIDES`` the command offers; all of them if none are named.
        worked_step: refuse a network whose worked step (``solve``) is not finite,
            before the command starts (see ``Worksheet.require_finite``).
    """
    overrides = overrides or tuple(OVERRIDES)

    def decorate(function):
        @functools.wraps(function)
        def wrapper(file, **kwargs):
            chosen = {name: kwargs.pop(name) for name in overrides}
            network = load_network(DEFAULT_NETWORK if file is None else file).with_options(**chosen)
            if worked_step:
                _require_finite_step(network)
            return function(network=network,
                            default=file is None and chosen.get("hidden_activation") is None,
                            **kwargs)
        for name in reversed(overrides):
            wrapper = OVERRIDES[name](wrapper)
        return FILE_ARGUMENT(wrapper)
    return decorate


def _require_finite_step(network, hidden_activations=(None,)) -> None:
    from backprop_tutor.core.worksheet import solve

    for activation in hidden_activations:
        solve(network.with_options(hidden_activation=activation)).require_finite()


@click.group(cls=ProblemOrder, context_settings={"help_option_names": ["-h", "--help"]},
             invoke_without_command=True)
@click.version_option(package_name="backprop-tutor")
@click.pass_context
def cli(ctx):
    """Backpropagation, worked by hand and checked in code.

    FILE is a network file (TOML); without it the tutorial's default network
    is used. See README.md for the file format.
    """
    if ctx.invoked_subcommand is None:   # bare `backprop-tutor`: the help, as asked for
        click.echo(ctx.get_help())


@cli.command()
@FILE_ARGUMENT
@click.option("--out", required=True, type=click.Path(), help="Folder to write the pack into.")
@click.option("--force", is_flag=True, help="Replace the content of a non-empty --out folder.")
def tutorial(file, out, force):
    """The whole tutorial solved: Markdown, PDF and figures in one folder.

    Problem 1 (derivation), Problem 2 (the single update for sigmoid, tanh and
    relu hidden units), Problem 3 (the NumPy network and training runs),
    Problem 4 (Keras), and the activations compared. Without FILE: the
    tutorial's default network.
    """
    from backprop_tutor.extras import EXTRAS, require
    from backprop_tutor.output.pack import build_pack

    require(*EXTRAS, extra="all")  # the pack uses every optional library: say so before any work
    network = load_network(DEFAULT_NETWORK if file is None else file)
    _require_finite_step(network, TUTORIAL_ACTIVATIONS)
    # Progress where somebody watches: the pack takes several seconds.
    shown = sys.stderr.isatty()
    summary = build_pack(network, out, force=force,
                         progress=lambda step: shown and click.echo(f"  {step} ...", err=True))
    click.echo(f"Wrote {len(summary.files)} files to {summary.out}/:")
    for name in summary.files:
        if "/" not in name:
            click.echo(f"  {name}")
    click.echo(f"  figures/ ({sum('/' in name for name in summary.files)} files)")
    click.echo("Loss of the single SGD update (Problem 2):")
    click.echo(f"  {'hidden':<8}{'E before':>14}{'E after':>14}")
    for activation, (before, after) in summary.losses.items():
        click.echo(f"  {activation:<8}{notation.format_number(before, 8):>14}"
                   f"{notation.format_number(after, 8):>14}")


@cli.command()
@network_options("hidden_activation", "output_activation", "loss")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "markdown", "latex", "typst", "json"]))
def derive(network, default, output_format):
    """Derive backpropagation step by step with SymPy and prove it (Problem 1).

    Without FILE: the default network, sigmoid hidden and output units, as in
    the tutorial. Every gradient is proven unit by unit by SymPy, checked
    against mpmath's derivative of the loss at random points and against the
    worked solution; the exit status is 1 if any check fails.
    """
    from backprop_tutor.output.reports.derivation import render_derivation
    from backprop_tutor.symbolic.derivation import derive as derive_network

    derivation = derive_network(network)
    click.echo(render_derivation(derivation, output_format), nl=False)
    if not derivation.proven:
        sys.exit(1)


@cli.command()
@network_options()
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "markdown", "latex", "typst", "json"]))
@click.option("--decimals", default=6, show_default=True, type=click.IntRange(0, 15),
              help="Decimals shown (JSON always has full precision).")
@click.option("--round-as-you-go", type=click.IntRange(0, 15), metavar="N",
              help="Round every intermediate value to N decimals, as done by hand.")
@click.option("--check", is_flag=True, help="Check every gradient by central finite differences.")
def solve(network, default, output_format, decimals, round_as_you_go, check):
    """The worked solution of one SGD step (Problem 2).

    Without FILE and without --hidden-activation it solves the default network
    three times: with sigmoid, tanh and relu hidden units, as in the tutorial.
    """
    from backprop_tutor.core.worksheet import solve as solve_step
    from backprop_tutor.output.reports.worksheet import Case, render, render_json

    networks = ([network.with_options(hidden_activation=a) for a in TUTORIAL_ACTIVATIONS]
                if default else [network])
    cases = []
    for net in networks:
        sheet = solve_step(net, round_to=round_as_you_go)
        cases.append(Case(sheet, _gradient_check(sheet) if check else None, round_as_you_go))
    if output_format == "json":
        click.echo(render_json(cases), nl=False)
    else:
        click.echo(render(cases, output_format, decimals), nl=False)


@cli.command("check")
@click.argument("answers", type=click.Path(dir_okay=True))
@FILE_ARGUMENT
@OVERRIDES["hidden_activation"]
@OVERRIDES["output_activation"]
@OVERRIDES["loss"]
@OVERRIDES["learning_rate"]
@click.option("--variant", metavar="ID",
              help="The student's variant (from `variants`): mark against that network, drawn "
                   "from FILE as its template.")
@click.option("--sig-figs", default=3, show_default=True, type=click.IntRange(1, 15),
              help="Significant figures an answer needs to be right.")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]))
def check_command(answers, file, sig_figs, output_format, **options):
    """Mark a student's own numbers (ANSWERS: name = number lines, TOML or JSON).

    Each answer is compared with what its formula gives from the student's own
    earlier answers, so one slip is marked once; it is right, wrong, or too
    imprecise (fewer than --sig-figs significant figures). The answer file may
    set hidden_activation, output_activation, loss, learning_rate and variant;
    the options override it; without either the three hidden activations are
    tried. Exit status 1 if an answer is not right.
    """
    from backprop_tutor.output.reports.marks import render_marks
    from backprop_tutor.teaching.answers import check_file, load_answers, marks_json

    answer_file = load_answers(answers, options["hidden_activation"])
    checked = check_file(load_network(DEFAULT_NETWORK if file is None else file), answer_file, options,
                         source=answers, sig_figs=sig_figs)
    _require_finite_step(checked.network)
    if output_format == "json":
        click.echo(json_data.dumps(marks_json(checked)), nl=False)
    else:
        click.echo(f"Checking {answers}:")
        click.echo(render_marks(checked.marks, checked.network, sig_figs, checked.fits), nl=False)
    if not all(m.right for m in checked.marks):
        sys.exit(1)


@cli.command()
@FILE_ARGUMENT
@click.option("--out", required=True, type=click.Path(), help="Folder to write the page into.")
@click.option("--force", is_flag=True, help="Replace the content of a non-empty --out folder.")
@click.option("--sig-figs", default=3, show_default=True, type=click.IntRange(1, 15),
              help="Significant figures an answer needs to be right.")
def page(file, out, force, sig_figs):
    """A practice page for the browser: one SGD step to walk through and to mark.

    Writes index.html and its assets into --out: a static page that works
    opened from the disk, nothing fetched. The student picks the hidden
    activation, reveals each quantity's formula, numbers and value, and types
    their own numbers, marked as they type as `check` marks them.
    """
    from pathlib import Path

    from backprop_tutor.output.folder import output_folder
    from backprop_tutor.output.page import write_page

    network = load_network(file or DEFAULT_NETWORK)
    with output_folder(out, force) as work:
        files = write_page({Path(file).stem if file else "tutorial": network}, work, sig_figs)
    click.echo(f"Wrote {', '.join(files)} to {out}/: open {Path(out) / 'index.html'} in a browser.")


def _gradient_check(sheet):
    # Imported only when asked for: it needs NumPy, which solve alone does not.
    from backprop_tutor.core.gradcheck import check_gradients

    return check_gradients(sheet)


#: numpy_network.INITS, written out: importing it would import NumPy, which solve must not wait for.
INITS = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "random_normal", "zeros")


class BatchSize(click.ParamType):
    """A batch size: a whole number >= 1, or ``full`` (the whole training set)."""

    name = "B|full"

    def convert(self, value, param, ctx):
        if value is None or value == "full":
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is neither a whole number nor 'full'", param, ctx)
        if number < 1:
            self.fail(f"{value!r} is not a whole number >= 1", param, ctx)
        return number


@cli.command()
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
@click.option("--validation", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              metavar="F", help="Hold out this fraction of the data (a seeded split) and "
                                "report its loss too.")
@click.option("--init", type=click.Choice(INITS),
              help="Start from random weights drawn like Keras' initialiser (biases 0) "
                   "instead of the file's.")
@click.option("--seed", type=click.IntRange(0), help="Seed of --init  [default: 0]")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]))
def train(network, default, epochs, data, batch_size, shuffle_seed, validation, init, seed,
          output_format):
    """Train the NumPy network (Problem 3) with SGD on the file's sample or on a data set.

    An epoch is one pass over the training rows in batches of --batch-size; a
    batch's loss is the mean of its samples' E and its gradient the mean of
    their gradients. A run whose E becomes non-finite (or a million times its
    start) stops at that epoch and says so.
    """
    from backprop_tutor.networks.training import train_network
    from backprop_tutor.output.reports.training import training_blocks
    from backprop_tutor.output.writers import to_text
    from backprop_tutor.teaching.datasets import load_dataset

    for option, value in (("--batch-size", batch_size), ("--shuffle-seed", shuffle_seed),
                          ("--validation", validation)):
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
                            seed=seed or 0, progress=lambda done: bar.update(1))
    history = run.history
    if output_format == "json":
        result = {"loss": history.loss[:-1], "final_loss": history.loss[-1],
                  **({"val_loss": history.val_loss[:-1], "final_val_loss": history.val_loss[-1]}
                     if history.val_loss is not None else {}),
                  "diverged_at": history.diverged_at, "values": run.model.parameters()}
        click.echo(json_data.dumps(result), nl=False)   # a non-finite E (diverged) is null
        return
    click.echo(to_text(training_blocks(network, run, data and dataset.name, batch_size,
                                       shuffle_seed)), nl=False)


@cli.command(name="keras")
# Here --loss chooses the Keras loss; the file's loss is not used.
@network_options("hidden_activation", "output_activation", "learning_rate")
@click.option("--loss", default="mse", show_default=True,
              type=click.Choice(["mse", "half_sse", "keras-mse", "tutorial"]),
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
def keras_command(network, default, loss, steps, precision, random_weights, seed, output_format):
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
    keras_loss = {"keras-mse": "mse", "tutorial": "half_sse"}.get(loss, loss)   # old names
    result = compare_with_numpy(network, keras_loss, steps, precision,
                                seed=(seed or 0) if random_weights else None)
    if output_format == "json":
        click.echo(json_data.dumps(comparison_json(result)), nl=False)
    else:
        click.echo(comparison_text(result), nl=False)


class NumberRange(click.ParamType):
    """``LOW,HIGH``: two finite numbers, LOW <= HIGH (a range of drawn numbers)."""

    name = "LOW,HIGH"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            low, high = (float(part) for part in value.split(","))
        except ValueError:
            self.fail(f"{value!r} is not LOW,HIGH (two numbers, e.g. -1,1)", param, ctx)
        if not (math.isfinite(low) and math.isfinite(high) and low <= high):
            self.fail(f"{value!r} is not LOW,HIGH with finite LOW <= HIGH", param, ctx)
        return low, high


def _range_option(kind: str, default: tuple[float, float]):
    return click.option(f"--{kind}", type=NumberRange(), default=",".join(map(str, default)),
                        show_default=True, help=f"Range of the drawn {kind}.")


@cli.command()
@click.argument("template", required=False, type=click.Path(dir_okay=True))
@click.option("--n", "count", type=click.IntRange(1, 10_000), help="Number of variants.")
@click.option("--roster", type=click.Path(dir_okay=True),
              help="CSV with a header row and one student ID per row (first column).")
@click.option("--seed", required=True, type=click.IntRange(0), help="Seed of the variants.")
@click.option("--out", required=True, type=click.Path(), help="Folder to write the kit into.")
@click.option("--force", is_flag=True, help="Replace the content of a non-empty --out folder.")
@click.option("--ask", default="default", show_default=True,
              help="What the sheet asks: default (20 minutes), all, or names (net_h1,delta_o1,...).")
@click.option("--decimals", default=1, show_default=True, type=click.IntRange(0, 3),
              help="Decimals of the drawn numbers.")
@click.option("--answer-decimals", default=4, show_default=True, type=click.IntRange(1, 8),
              help="Decimals the student rounds to as they go (and the key with them).")
@_range_option("inputs", (-1.0, 1.0))
@_range_option("targets", (0.1, 0.9))
@_range_option("weights", (-1.0, 1.0))
@_range_option("biases", (-0.5, 0.5))
@click.option("--inactive-relu", default="one", show_default=True,
              type=click.Choice(["none", "one", "any"]),
              help="How many hidden units are inactive (net <= 0) with relu.")
def variants(template, count, roster, seed, out, force, ask, decimals, answer_decimals,
             inputs, targets, weights, biases, inactive_relu):
    """A different network for every student: sheets, keys, CSV and a Moodle quiz.

    From TEMPLATE (default: the tutorial's network) one variant per student of
    --roster (or --n variants), with numbers fit for pen and paper; see the
    README for the constraints every variant meets. Writes into --out each
    variant's sheet-ID.pdf, key-ID.pdf and networks/ID.toml, and for the class
    sheets.pdf, keys.pdf, keys.csv, index.csv, moodle.xml and a practice page.
    """
    from backprop_tutor.extras import require
    from backprop_tutor.output.classkit import build_class_kit
    from backprop_tutor.teaching.exercise import parse_ask
    from backprop_tutor.teaching.variants import Settings, generate_variants, read_roster

    if (count is None) == (roster is None):
        raise click.UsageError("give either --n N or --roster FILE.csv")
    require("matplotlib", "typst", "pypdf", extra="all")
    network = load_network(template or DEFAULT_NETWORK)
    settings = Settings(inputs=inputs, targets=targets, weights=weights, biases=biases,
                        decimals=decimals, inactive_relu=inactive_relu)
    asked = parse_ask(ask, network)
    students = read_roster(roster) if roster else None
    drawn = generate_variants(network, count, seed, settings, students)
    kit = build_class_kit(drawn, out, asked, answer_decimals, force=force)
    click.echo(f"Wrote {len(drawn)} variants ({drawn[0].id} to {drawn[-1].id}) to {kit.out}/:")
    click.echo("  sheets.pdf, keys.pdf (every variant, in order), sheets.md, keys.md")
    click.echo("  keys.csv (one row per answer box), index.csv (student -> variant), moodle.xml")
    click.echo("  page/index.html: the practice page, every variant (a student types their ID)")
    click.echo("  per variant: sheet-ID.pdf, key-ID.pdf, networks/ID.toml, figures/ID.svg")


@cli.command("bench-activations")
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
    from backprop_tutor.output.reports.cost import cost_text
    from backprop_tutor.teaching.activation_cost import measure
    from backprop_tutor.teaching.lab.runner import default_jobs

    from backprop_tutor.extras import require

    require("sklearn", "threadpoolctl", *(["tensorflow"] if keras else []))
    cost = measure(size=size, repeats=repeats, keras=keras, epochs=epochs,
                   jobs=jobs or default_jobs())
    if output_format == "json":
        click.echo(json_data.dumps(cost.to_dict()), nl=False)
    else:
        click.echo(cost_text(cost), nl=False)


cli.add_command(lab)


#: errno values of a stdout that cannot take the output: a closed pipe, a full disk.
_OUTPUT_ERRORS = {errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def main(argv=None):
    """Entry point: run the command; bad input ends with one line on stderr and status 2.

    Status 0: done; 1: an answer wrong, a proof failed, or interrupted (Ctrl-C,
    SIGTERM); 2: bad input or options, or the output cannot be written (a
    closed pipe, a full disk). Click's own main is not used because it ends
    a closed pipe silently.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    if sys.stdout is None:   # started with stdout closed (`>&-`): the output would be lost
        _fail("cannot write the output (stdout is closed)")
    try:
        with cli.make_context("backprop-tutor", args) as ctx:
            cli.invoke(ctx)
        sys.stdout.flush()   # a full disk may only show at the last write
    except click.exceptions.Exit as done:   # --help, --version
        sys.exit(done.exit_code)
    except (click.ClickException, InputError, MissingLibrary) as error:
        message = error.format_message() if isinstance(error, click.ClickException) else str(error)
        _fail(message)
    except (click.Abort, KeyboardInterrupt):
        _fail("interrupted", status=1)
    except OSError as error:
        if error.errno not in _OUTPUT_ERRORS:
            raise
        _silence_stdout()
        _fail(f"cannot write the output ({error.strerror})")
    sys.exit(0)


def _fail(message: str, status: int = 2):
    click.echo(f"backprop-tutor: error: {one_line(message, MESSAGE_WIDTH)}", err=True)
    sys.exit(status)


def _silence_stdout() -> None:
    # What is still buffered would fail again when Python flushes stdout at exit,
    # with a second message: send it to the null device instead.
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):   # not a real file (tests capture it)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
