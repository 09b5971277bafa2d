"""The class kit's command: variants."""

from __future__ import annotations

import click

from backprop_tutor.cli.options import range_option
from backprop_tutor.core.network import DEFAULT_NETWORK, load_network


@click.command()
@click.argument("template", required=False, type=click.Path(dir_okay=True))
@click.option("--n", "count", type=click.IntRange(1, 10_000), help="Number of variants.")
@click.option("--roster", type=click.Path(dir_okay=True),
              help="CSV with a header row and one student ID per row (first column).")
@click.option("--seed", required=True, type=click.IntRange(0, 2**32 - 1), help="Seed of the variants.")
@click.option("--out", required=True, type=click.Path(), help="Folder to write the kit into.")
@click.option("--force", is_flag=True, help="Replace the content of a non-empty --out folder.")
@click.option("--ask", default="default", show_default=True,
              help="What the sheet asks: default (20 minutes), all, or names (net_h1,delta_o1,...).")
@click.option("--decimals", default=1, show_default=True, type=click.IntRange(0, 3),
              help="Decimals of the drawn numbers.")
@click.option("--answer-decimals", default=4, show_default=True, type=click.IntRange(1, 8),
              help="Decimals the student rounds to as they go (and the key with them).")
@range_option("inputs", (-1.0, 1.0))
@range_option("targets", (0.1, 0.9))
@range_option("weights", (-1.0, 1.0))
@range_option("biases", (-0.5, 0.5))
@click.option("--inactive-relu", default="one", show_default=True,
              type=click.Choice(["none", "one", "any"]),
              help="How many hidden units are inactive (net <= 0) with relu.")
@click.option("--reveal", is_flag=True,
              help="Give the practice pages Show buttons (formula, numbers, value of each line).")
@click.option("--paper", default="a4", show_default=True, type=click.Choice(["a4", "letter"]),
              help="Paper of the sheets and keys: A4 or US Letter.")
def variants(template, count, roster, seed, out, force, ask, decimals, answer_decimals,
             inputs, targets, weights, biases, inactive_relu, reveal, paper):
    """A different network for every student: sheets, keys, CSV and a Moodle quiz.

    From TEMPLATE (default: the tutorial's network) one variant per student of
    --roster (or --n variants), with numbers fit for pen and paper; see the
    docs/commands/variants.md for the constraints every variant meets. Writes into --out each
    variant's sheet-ID.pdf, key-ID.pdf, networks/ID.toml and practice page
    page/ID.html, and for the class sheets.pdf, keys.pdf, keys.csv, index.csv
    and moodle.xml. A practice page marks what its student types and shows no
    value they have not typed (with --reveal: Show buttons for each line).
    """
    from backprop_tutor.extras import require
    from backprop_tutor.output.classkit import build_class_kit
    from backprop_tutor.teaching.exercise import parse_ask
    from backprop_tutor.teaching.variants import (
        Settings,
        generate_variants,
        read_roster,
    )

    if (count is None) == (roster is None):
        raise click.UsageError("give either --n N or --roster FILE.csv")
    require("typst", "tex2typst", "pikepdf", extra="pdf")
    network = load_network(DEFAULT_NETWORK if template is None else template)
    settings = Settings(inputs=inputs, targets=targets, weights=weights, biases=biases,
                        decimals=decimals, inactive_relu=inactive_relu)
    asked = parse_ask(ask, network)
    students = read_roster(roster) if roster else None
    drawn = generate_variants(network, count, seed, settings, students)
    kit = build_class_kit(drawn, out, asked, answer_decimals, force=force, reveal=reveal,
                          paper=paper)
    click.echo(f"Wrote {len(drawn)} variants ({drawn[0].id} to {drawn[-1].id}) to {kit.out}/:")
    click.echo("  sheets.pdf, keys.pdf (every variant, in order), sheets.md, keys.md")
    click.echo("  keys.csv (one row per answer box), index.csv (student -> variant), moodle.xml")
    click.echo("  per variant: sheet-ID.pdf, key-ID.pdf, networks/ID.toml, figures/ID.svg,")
    click.echo(f"    page/ID.html: its practice page ({'with' if reveal else 'no'} Show buttons); "
               "page/index.html opens a page by its ID")
