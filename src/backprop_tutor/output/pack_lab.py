"""The pack's last part: the activations compared on data, with the lab's own experiments.

The learning-rate sweeps and the depth runs are small runs of ``lab
learning-rate`` and ``lab depth`` (the same code, the same regions and
sentences; the pack names the command that prints the same table), and the
measured cost of ``bench-activations``. They are small enough to run in this
process: worker processes would cost more to start than they save. Timings
vary from run to run, so the cost's tables and sentences are returned apart,
for ``activation_cost.md`` and the PDF's end only.
"""

from __future__ import annotations

from pathlib import Path

from backprop_tutor.document.blocks import Block, Figure, Heading, Paragraph
from backprop_tutor.teaching.activation_cost import END_TO_END, END_TO_END_SEEDS

#: The pack's learning-rate sweeps: data set → (lab options, seeds). Small, so the pack stays quick.
#: The digits sweep is the one whose best η the measured cost's end-to-end race uses.
SWEEPS: dict[str, tuple[dict, tuple[int, ...]]] = {"moons": ({"samples": 500, "epochs": 100}, (0, 1, 2)),
          "digits": (END_TO_END, END_TO_END_SEEDS)}
#: The pack's depth runs: the deepest network only, as few epochs as show the dead units.
DEPTH = ({"samples": 500, "epochs": 100}, (0, 1))


def _command(name: str, options: dict, seeds) -> str:
    """The lab command that prints the same table."""
    flags = [f"--{key.replace('_', '-')} {value}" for key, value in options.items()
             if value is not None]
    return f"`backprop-tutor lab {name} {' '.join(flags)} --seeds {len(seeds)}`"


def save_figure(fig, work: Path, stem: str) -> str:
    """``fig`` drawn once, as ``figures/STEM.svg`` in ``work``: the path both documents use."""
    from backprop_tutor.output.figures import save

    save(fig, work / "figures" / f"{stem}.svg", formats=("svg",))
    return f"figures/{stem}.svg"


def comparison_blocks(work: Path) -> tuple[list[Block], list[Block]]:
    """The activations compared: how they learn, the learning rate, depth, and the cost.

    Returns the blocks and the blocks of the measured cost.
    """
    from backprop_tutor.output.lab_figures import plot_cost, plot_depth, plot_learning_rate
    from backprop_tutor.output.reports.cost import cost_blocks
    from backprop_tutor.output.reports.lab import depth_blocks, learning_rate_blocks
    from backprop_tutor.teaching.activation_cost import measure
    from backprop_tutor.teaching.lab import depth, learning_rate
    blocks: list[Block] = [
        Heading(1, "The activations compared"),
        Paragraph("How they learn. The learning curves of Problem 3 start from the same weights. "
                  "A hidden delta is the weighted sum of the deltas it feeds times f′(net): "
                  "σ′ is at most 0.25, so through a sigmoid unit the delta shrinks by that factor "
                  "unless the weights it passes through are large enough to make up for it; tanh′ "
                  "reaches 1 near 0; relu′ is 1 for an active unit and 0 for an inactive one, "
                  "which then stops learning from that sample."),
        Figure("figures/activations.svg", "The activations and their derivatives."),
        Heading(2, "The learning rate, on data"),
        Paragraph("Problem 3's curves memorise one sample; what a learning rate does shows on a "
                  "data set, judged on rows the network did not train on (the validation loss), "
                  "over several seeded starts. The output unit is linear here, so nothing bounds "
                  "the loss and a too large η shows as divergence. For each activation the grid "
                  "of η grows until the curve has turned: the best η inside it and a larger one "
                  "diverging."),
    ]
    runs = {}
    for name, (options, seeds) in SWEEPS.items():
        base = learning_rate.BASE.with_(**options)
        runs[name] = learning_rate.run(learning_rate.settings(base, seeds=seeds))
        sweep = learning_rate.summarise(runs[name])
        figure = save_figure(plot_learning_rate(sweep, title=f"The learning rate on {name}"),
                             work, f"learning_rate_{name}")
        blocks += learning_rate_blocks(sweep, f"The learning rate on {name}", figure)
        blocks.append(Paragraph(f"{_command('learning-rate', options, seeds)} prints the same "
                                f"table."))
    options, seeds = DEPTH
    result = depth.summarise(depth.run(depth.settings(depth.BASE.with_(**options),
                                                      depths=(max(depth.DEPTHS),), seeds=seeds)))
    figure = save_figure(plot_depth(result), work, "depth")
    blocks += [Heading(2, "Depth: vanishing gradients and dead units"),
               *depth_blocks(result, figure=figure)]
    # Nine timings of four steps each (ten by default): the 95 % interval of the median holds
    # for any number of steps per timing, and the pack spends half as long timing.
    cost = measure(size=200_000, repeats=9, calls=4, runs=runs["digits"])
    figure = save_figure(plot_cost(cost), work, "activation_cost")
    blocks += [
        Heading(2, "What an activation costs"),
        Paragraph("Per element, the forward sigmoid and tanh need an exponential (inside tanh) "
                  "and relu a comparison; backpropagation takes f′ from the stored output, so no "
                  "derivative needs one. What decides is a whole training step, where the matrix "
                  "products cost the same for every activation, and the number of steps an "
                  "activation needs, each at its own best η from the digits sweep above. The "
                  "measured tables and what they show are in activation_cost.md and at the end "
                  "of the PDF: timings vary from run to run."),
        Figure(figure,
               "Measured: one SGD step per hidden activation (median and 95 % interval of the "
               "median), and the time to reach a common validation loss on digits."),
    ]
    return blocks, [Heading(1, "Measured cost of the activations"), *cost_blocks(cost)]
