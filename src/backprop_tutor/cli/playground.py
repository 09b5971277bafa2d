"""The playground command: the network live in the browser, step by step and training."""

from __future__ import annotations

from pathlib import Path

import click

from backprop_tutor.cli.options import FILE_ARGUMENT
from backprop_tutor.core.network import DEFAULT_NETWORK, load_network


@click.command()
@FILE_ARGUMENT
@click.option("--out", required=True, type=click.Path(), help="Folder to write the playground into.")
@click.option("--force", is_flag=True, help="Replace the content of a non-empty --out folder.")
def playground(file, out, force):
    """A playground for the browser: every number of one SGD step, editable, and training.

    Writes index.html and its scripts into --out: a static page that works
    opened from the disk, nothing fetched. Step mode draws the network with
    every net, out, delta, gradient and new weight, and works the step again
    as any number changes; train mode trains it on xor, moons, circles,
    spirals or a pasted CSV. The page exports the network as a file that
    solve, train and check read.
    """
    from backprop_tutor.errors import NetworkFileError
    from backprop_tutor.io.folder import output_folder
    from backprop_tutor.output.playground import MAX_OUTPUTS, write_playground

    network = load_network(DEFAULT_NETWORK if file is None else file)
    if len(network.targets) > MAX_OUTPUTS:
        raise NetworkFileError(network.source, "targets",
                               f"{len(network.targets)} outputs; the playground takes at most "
                               f"{MAX_OUTPUTS}")
    with output_folder(out, force) as work:
        files = write_playground(network, work)
    click.echo(f"Wrote {', '.join(files)} to {out}/: open {Path(out) / 'index.html'} in a browser.")
