"""The commands of the tutorial's four problems and of marking: tutorial, derive, solve, check, page."""

from __future__ import annotations

import sys

import click

from backprop_tutor.cli.options import (
    FILE_ARGUMENT,
    OVERRIDES,
    network_options,
    require_finite_step,
)
from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.document import notation
from backprop_tutor.errors import InputError
from backprop_tutor.io import json_data
from backprop_tutor.teaching.rounding import ROUNDING_RULE, rounding_rule


@click.command()
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
    require_finite_step(network, TUTORIAL_ACTIVATIONS)
    # Progress where somebody watches: the pack takes several seconds.
    def progress(step: str) -> None:
        if sys.stderr.isatty():
            click.echo(f"  {step} ...", err=True)

    summary = build_pack(network, out, force=force, progress=progress)
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


@click.command()
@network_options("hidden_activation", "output_activation", "loss")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "markdown", "latex", "typst", "json"]))
def derive(network, output_format):
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


@click.command()
@network_options(tutorial_cases=True)
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "markdown", "latex", "typst", "json"]))
@click.option("--decimals", default=6, show_default=True, type=click.IntRange(0, 15),
              help="Decimals shown (JSON always has full precision).")
@click.option("--round-as-you-go", type=click.IntRange(0, 15), metavar="N",
              help="Round every intermediate value to N decimals, as done by hand.")
@click.option("--check", is_flag=True, help="Check every gradient by central finite differences.")
def solve(networks, output_format, decimals, round_as_you_go, check):
    """The worked solution of one SGD step (Problem 2).

    Without FILE and without --hidden-activation it solves the default network
    three times: with sigmoid, tanh and relu hidden units, as in the tutorial.
    """
    from backprop_tutor.core.worksheet import solve as solve_step
    from backprop_tutor.output.reports.worksheet import Case, render, render_json
    from backprop_tutor.teaching.rounding import rounded_sheet

    cases = []
    for net in networks:
        # Rounded as you go by hand: decimal arithmetic, ties away from zero (teaching/rounding).
        sheet = solve_step(net) if round_as_you_go is None else rounded_sheet(net, round_as_you_go)
        cases.append(Case(sheet, _gradient_check(sheet) if check else None, round_as_you_go))
    if output_format == "json":
        click.echo(render_json(cases), nl=False)
    else:
        click.echo(render(cases, output_format, decimals), nl=False)


def _rounding_options(command):
    """--decimals N and --sig-figs N: the rule the answers were rounded by."""
    command = click.option("--sig-figs", type=click.IntRange(1, 15), metavar="N",
                           help="Answers rounded to N significant figures as you go.")(command)
    return click.option("--decimals", type=click.IntRange(0, 15), metavar="N",
                        help="Answers rounded to N decimals as you go (4 if no rule is "
                             "given here or in the answer file).")(command)


def _rule(decimals, sig_figs):
    if decimals is not None and sig_figs is not None:
        raise InputError("--sig-figs", None, "give --decimals or --sig-figs, not both")
    return None if decimals is None and sig_figs is None else rounding_rule(decimals, sig_figs)


CHECK_HELP = f"""Mark a student's own numbers (ANSWERS: name = number lines, TOML or JSON).

Each answer is compared with what its formula gives from the student's own
earlier answers, so one slip is marked once, and with the exact value; it is
right, wrong, or too imprecise. The rule it is held to, unless --decimals N,
--sig-figs N or the answer file (decimals = N, sig_figs = N) says otherwise:

{ROUNDING_RULE} Sums and products are worked exactly on the decimals written
down; more digits are right too; fewer are too imprecise unless the missing
ones are zeros. A line worked in one step (w_new = w - eta * delta * x) is right
as well.

The answer file may set hidden_activation, output_activation, loss,
learning_rate and variant; the options override it; without either the three
hidden activations are tried. A number may be written as a string (it keeps
its trailing zeros); a decimal comma ("0,475") is read as a point, with a note.
Exit status 1 if an answer is not right.
"""


@click.command("check", help=CHECK_HELP)
@click.argument("answers", type=click.Path(dir_okay=True))
@FILE_ARGUMENT
@OVERRIDES["hidden_activation"]
@OVERRIDES["output_activation"]
@OVERRIDES["loss"]
@OVERRIDES["learning_rate"]
@click.option("--variant", metavar="ID",
              help="The student's variant (from `variants`): mark against that network, drawn "
                   "from FILE as its template.")
@_rounding_options
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]))
def check_command(answers, file, decimals, sig_figs, output_format, **options):
    from backprop_tutor.output.reports.marks import render_marks
    from backprop_tutor.teaching.answers import check_file, load_answers, marks_json

    chosen = _rule(decimals, sig_figs)
    answer_file = load_answers(answers, options["hidden_activation"])
    checked = check_file(load_network(DEFAULT_NETWORK if file is None else file), answer_file,
                         options, source=answers, rounding=chosen)
    require_finite_step(checked.network)
    if output_format == "json":
        click.echo(json_data.dumps(marks_json(checked)), nl=False)
    else:
        click.echo(f"Checking {answers}:")
        click.echo(render_marks(checked.marks, checked.network, checked.rounding, checked.fits),
                   nl=False)
    if not all(m.right for m in checked.marks):
        sys.exit(1)


@click.command()
@FILE_ARGUMENT
@click.option("--out", required=True, type=click.Path(), help="Folder to write the page into.")
@click.option("--force", is_flag=True, help="Replace the content of a non-empty --out folder.")
@_rounding_options
def page(file, out, force, decimals, sig_figs):
    """A practice page for the browser: one SGD step to walk through and to mark.

    Writes index.html and its assets into --out: a static page that works
    opened from the disk, nothing fetched. The student picks the hidden
    activation, reveals each quantity's formula, numbers and value, and types
    their own numbers, marked as they type as `check` marks them. A page
    larger than a phone's browser opens (5 MB) is refused.
    """
    from pathlib import Path

    from backprop_tutor.io.folder import output_folder
    from backprop_tutor.output.page import write_page

    rule = _rule(decimals, sig_figs) or rounding_rule()
    network = load_network(DEFAULT_NETWORK if file is None else file)
    with output_folder(out, force) as work:
        files = write_page({"tutorial" if file is None else Path(file).stem: network}, work,
                           sig_figs=rule.sig_figs, decimals=rule.decimals,
                           source=str(DEFAULT_NETWORK if file is None else file))
    click.echo(f"Wrote {', '.join(files)} to {out}/: open {Path(out) / 'index.html'} in a browser.")


def _gradient_check(sheet):
    # Imported only when asked for: it needs NumPy, which solve alone does not.
    from backprop_tutor.networks.gradcheck import check_gradients

    return check_gradients(sheet)
