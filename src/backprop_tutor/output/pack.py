"""The tutorial pack: all four problems solved on one network, as Markdown, PDF and figures.

``build_pack(network, out)`` writes into the folder ``out``:

* ``tutorial.md`` and ``tutorial.pdf`` (the same content; the PDF typeset by Typst),
* ``figures/``: the network with its forward and backward values per hidden
  activation, the activations and their derivatives, learning curves, the
  learning rate on moons and digits (the lab) and the measured cost (PNG and SVG),
* ``worksheet.pdf``: the blank question sheet of the network, to hand out,
* ``activation_cost.md``: the measured cost tables. They are kept out of
  ``tutorial.md`` because timings differ from run to run, while the same
  network always gives the same ``tutorial.md``.

Everything is built in a temporary folder beside ``out`` and moved into place
at the end: the pack is written whole or not at all.
"""

from __future__ import annotations

import inspect
import multiprocessing
import textwrap
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import solve
from backprop_tutor.networks import numpy_network
from backprop_tutor.networks.numpy_network import NumpyNetwork
from backprop_tutor.document import notation
from backprop_tutor.output.classkit import write_blank_sheet
from backprop_tutor.document.blocks import (
    Block,
    Code,
    Contents,
    Figure,
    Heading,
    Paragraph,
    Table,
    Title,
    demoted,
)
from backprop_tutor.io.folder import files_in, output_folder
from backprop_tutor.output.reports.worksheet import Case, case_blocks, describe
from backprop_tutor.output.writers import to_markdown, typst_document

#: The tutorial's problems state no numbers: the pack's are those of its network file.
EXAMPLE_NOTE = ("The tutorial's problems give no numbers: those here are backprop-tutor's own "
                "example, from the network file.")

CHECKPOINTS = (1, 10, 100, 1000)
KERAS_UPDATES = 10
RANDOM_SEED = 0


@dataclass(frozen=True)
class PackSummary:
    """What was written, and each case's loss before and after its single update."""

    out: Path
    files: list[str]
    losses: dict[str, tuple[float, float]]   # activation -> (E before, E after the update)


def build_pack(network: Network, out, force: bool = False,
               progress: Callable[[str], None] = lambda step: None) -> PackSummary:
    """Write the tutorial pack for ``network`` into the folder ``out``.

    Refuses a non-empty ``out`` unless ``force``; then its old content is
    replaced only once the new pack is complete. ``progress`` is told the
    name of each step as it starts.
    """
    with output_folder(out, force) as work:
        (work / "figures").mkdir()
        blocks, measured, losses = _content(network, work, progress)
        progress("writing tutorial.md and tutorial.pdf")
        # The measured timings go into the PDF only: tutorial.md stays the same from run to run.
        (work / "tutorial.md").write_text(to_markdown(blocks), encoding="utf-8")
        (work / "activation_cost.md").write_text(to_markdown(measured), encoding="utf-8")
        _write_pdf(blocks + measured, work, title=_title(network))
        progress("writing worksheet.pdf")
        write_blank_sheet(network, work / "worksheet.pdf", note=EXAMPLE_NOTE)
    return PackSummary(Path(out), files_in(Path(out)), losses)


def _write_pdf(blocks: list[Block], work: Path, title: str) -> None:
    import typst

    pdf = typst.compile(typst_document(blocks, title).encode("utf-8"), root=str(work))
    (work / "tutorial.pdf").write_bytes(pdf)


def _title(network: Network) -> str:
    return f"Backpropagation tutorial, solved: {network.title or 'network'}"


# ---------------------------------------------------------------- content

def _content(network: Network, work: Path, progress: Callable[[str], None]):
    """The pack's blocks, the blocks of measured timings, and E before and after each update.

    Figures are written into ``work/figures``.
    """
    from backprop_tutor.output import figures
    from backprop_tutor.teaching import experiments

    progress("Problem 2: worked solutions and network figures")
    sheets = {a: solve(network.with_options(hidden_activation=a)) for a in TUTORIAL_ACTIVATIONS}
    # Keras (Problem 4) runs in a process beside the rest: TensorFlow's start-up, the
    # longest step, overlaps the figures and the lab's runs in their worker processes.
    keras = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    problem4 = keras.submit(_problem4, network, sheets)
    for activation, sheet in sheets.items():
        figures.plot_network(sheet, work / "figures" / f"network_{activation}.png", decimals=6)
    progress("Problem 3: learning curves")
    figures.plot_activations(work / "figures" / "activations.png")
    curves = experiments.learning_curves(network, updates=max(CHECKPOINTS))
    # Entry 1 of a learning curve is E after the single update of Problem 2.
    losses = {a: (sheet["E"], curves[a][1]) for a, sheet in sheets.items()}
    figures.plot_learning_curves(curves, work / "figures" / "learning_curves.png")
    progress("activations compared: the lab's learning-rate sweeps and the activation cost")
    comparison, measured = _comparison(work)

    progress("Problem 1: derivation")
    problem1 = _problem1(network)
    progress("Problem 4: Keras")
    with keras:
        problem4 = problem4.result()
    body = [*problem1, *_problem2(sheets), *_problem3(network, curves), *problem4, *comparison]
    shape = "-".join(str(size) for size in network.sizes)
    blocks = [Title(_title(network)),
              Paragraph(f"The {shape} network of the file, {describe(network)}. "
                        + " ".join(network.description.split()) + " " + EXAMPLE_NOTE),
              Contents(depth=1), *body]
    return blocks, measured, losses


def _problem1(network: Network) -> list[Block]:
    from backprop_tutor.output.reports.derivation import section_blocks
    from backprop_tutor.symbolic.derivation import derive

    derivation = derive(network.with_options(hidden_activation="sigmoid",
                                             output_activation="sigmoid"))
    sections = [block for n, section in enumerate(derivation.sections, start=1)
                for block in section_blocks(section, f"{n}. ")]
    return [Heading(1, "Problem 1: deriving backpropagation"),
            Paragraph("Sigmoid hidden and output units; the loss of the network file. Every "
                      "gradient found by the chain rule is proven step by step by SymPy, checked "
                      "against mpmath's derivative of the loss at random points, and against the "
                      "worked numbers of Problem 2."),
            Figure("figures/network_sigmoid.png",
                   "The network of Problem 1 with its numbers: weights and biases, the forward "
                   "pass (net, out) and the deltas, sigmoid hidden and output units."),
            *sections]


def _problem2(sheets: dict) -> list[Block]:
    blocks = [Heading(1, "Problem 2: one SGD update by hand"),
              Paragraph("One update for each hidden activation, the output unit a sigmoid. Each "
                        "line gives the formula, the formula with the numbers, and the result. "
                        "The backward pass uses the weights from before the update.")]
    for activation, sheet in sheets.items():
        blocks += [*demoted(case_blocks(Case(sheet), label=f"{activation} hidden units: "), 1),
                   Figure(f"figures/network_{activation}.png",
                          f"The network with {activation} hidden units: weights, the forward "
                          f"pass (net, out) and the deltas of the backward pass.")]
    relu = sheets["relu"]
    inactive = [n[4:] for n, v in relu.values.items() if n.startswith("net_h") and v <= 0]
    if inactive:
        blocks.append(Paragraph(
            f"With ReLU, unit {', '.join(inactive)} has a negative weighted sum: its output is 0, "
            f"relu′ is 0 there, so its delta is 0 and neither its incoming weights nor the weights "
            f"it feeds learn anything from this sample. A unit that stays in this state for every "
            f"sample is a “dead” ReLU."))
    return blocks


def _problem3(network: Network, curves: dict[str, list[float]]) -> list[Block]:
    code = "\n\n".join(textwrap.dedent(inspect.getsource(method)) for method in
                       (NumpyNetwork.forward, NumpyNetwork.backward, NumpyNetwork.sgd_step,
                        NumpyNetwork.update))
    driver = inspect.getsource(numpy_network).split("\nif __name__", 1)[1]
    code += "\n\n# Run as a script, the file works the tutorial's step:\nif __name__" + driver
    rows = [[f"{n:,}"] + [notation.format_number(curves[a][n], 8) for a in TUTORIAL_ACTIVATIONS]
            for n in CHECKPOINTS]
    return [Heading(1, "Problem 3: the network from scratch in NumPy"),
            Paragraph("The NumPy network (`backprop_tutor/networks/numpy_network.py`, a file "
                      "that needs only NumPy: copy it and run it) works with whole layers and "
                      "whole batches: a weight matrix W whose row r holds the weights into unit "
                      "r, one row of A per sample, net = A·Wᵀ + b and A = f(net). Its backward "
                      "pass is the matrix form of the deltas of Problem 2: "
                      "δ = (δ_next·W_next) ⊙ f′, with f′ read from the stored outputs. The "
                      "hidden activation is chosen by name. The heart of it:"),
            Code(code),
            Paragraph(f"Training on the file's sample with η = "
                      f"{notation.format_number(network.learning_rate)}, from the same starting "
                      f"weights, the loss E after n updates:"),
            Table(["updates", *TUTORIAL_ACTIVATIONS], rows),
            Figure("figures/learning_curves.png",
                   "Learning curves on the file's one sample: the loss against the number of "
                   "updates, one line per hidden activation, all from the same start. With one "
                   "sample the network only memorises it; the activations compared below train "
                   "on data sets.")]


def _problem4(network: Network, sheets: dict) -> list[Block]:
    from backprop_tutor.networks.keras_network import compare_with_numpy
    from backprop_tutor.output.reports.keras import convention_blocks

    rows = []
    for activation, sheet in sheets.items():
        result = compare_with_numpy(sheet.network, loss="half_sse", steps=1)
        rows.append((activation, notation.format_number(result.keras_loss[0], 10),
                     f"{result.by_hand_max_abs_diff():.1e}", f"{result.max_abs_diff:.1e}"))
    keras = compare_with_numpy(network, loss="mse", steps=KERAS_UPDATES)
    tutorial = compare_with_numpy(network, loss="half_sse", steps=KERAS_UPDATES)
    factor = keras.factor
    falls = tuple((str(n + 1), notation.format_number(tutorial.keras_loss[n], 8),
                   notation.format_number(keras.keras_loss[n], 8),
                   notation.format_number(keras.keras_loss[n] / factor, 8))
                  for n in range(KERAS_UPDATES))
    random = compare_with_numpy(network, loss="mse", steps=KERAS_UPDATES, seed=RANDOM_SEED)
    return [
        Heading(1, "Problem 4: the same network in Keras"),
        Paragraph("A `keras.Sequential` of `Dense` layers with the file's activations, its kernels "
                  "loaded with the file's weights (Keras stores a kernel as inputs × units, the "
                  "transpose of our rows), trained with `keras.optimizers.SGD` by `train_on_batch` "
                  "on the one sample, in float64. With a loss computing ½·Σ(t − y)², Keras "
                  "reproduces the hand calculation of Problem 2:"),
        Table(("hidden", "Keras E before the update", "max |Keras − Problem 2|",
               "max |Keras − NumPy|"), tuple(rows)),
        *convention_blocks(keras),
        Paragraph(f"The loss before each of {KERAS_UPDATES} updates with η = "
                  f"{notation.format_number(network.learning_rate)}, for each convention, and "
                  f"Keras' loss rescaled to the tutorial's scale (E·K/2). "
                  + _falls_sentence(tutorial.keras_loss[-1], keras.keras_loss[-1] / factor, factor)),
        Table(("update", "`half_sse` E", "`mse` E", "`mse` E·K/2"), falls),
        Heading(2, "Random weights"),
        Paragraph(f"Starting instead from Keras' own initialisers (Glorot uniform kernels, zero "
                  f"biases; seed {RANDOM_SEED}), and running the NumPy network from the very same "
                  f"weights, the two agree after {KERAS_UPDATES} updates to "
                  f"{random.max_abs_diff:.1e} (largest difference of any weight or bias). The "
                  f"loss fell from {notation.format_number(random.keras_loss[0], 8)} to "
                  f"{notation.format_number(random.keras_loss[-1], 8)}."),
    ]


def _falls_sentence(tutorial: float, keras_rescaled: float, factor: float) -> str:
    """What the table of the two runs shows, said from its last row."""
    if factor == 1:
        return "With 2/K = 1 the two conventions take the same steps: the runs are the same run."
    longer = "longer" if factor > 1 else "shorter"
    lower = ("lower than" if keras_rescaled < tutorial else
             "higher than" if keras_rescaled > tutorial else "equal to")
    return (f"Keras' steps are {notation.format_number(factor)} times the tutorial's, so {longer}; "
            f"after the last update its rescaled loss, {notation.format_number(keras_rescaled, 8)}, "
            f"is {lower} the tutorial's, {notation.format_number(tutorial, 8)}.")


#: The lab's learning-rate sweeps in the pack: small, so the pack stays quick.
PACK_RATES = (0.01, 0.1, 1.0, 10.0, 100.0)


def _pack_sweeps():
    """data set → (the base setting, seeds) of the pack's learning-rate sweeps."""
    from backprop_tutor.teaching.lab.learning_rate import BASE

    return {"moons": (BASE.with_(samples=500, epochs=100, output_activation="linear"), (0, 1, 2)),
            "digits": (BASE.with_(dataset="digits", hidden_units=16, batch_size=64, epochs=10),
                       (0, 1))}


def _comparison(work: Path) -> tuple[list[Block], list[Block]]:
    """The activations compared, with the lab: learning rate on moons and digits, and cost.

    Returns the blocks and the blocks of the measured cost (timings vary from
    run to run, so they stay out of ``tutorial.md``).
    """
    from backprop_tutor.output.lab_figures import plot_cost, plot_learning_rate
    from backprop_tutor.output.reports.cost import cost_blocks
    from backprop_tutor.output.reports.lab import learning_rate_blocks
    from backprop_tutor.teaching.activation_cost import measure
    from backprop_tutor.teaching.lab import learning_rate
    from backprop_tutor.teaching.lab.runner import default_jobs, run_all
    from backprop_tutor.teaching.lab.runs import train

    plans = {name: learning_rate.settings(base, PACK_RATES, seeds)
             for name, (base, seeds) in _pack_sweeps().items()}
    runs = run_all(train, [s for settings in plans.values() for s in settings], default_jobs())
    blocks: list[Block] = [
        Heading(1, "The activations compared"),
        Paragraph("How they learn. The learning curves of Problem 3 start from the same weights. "
                  "A hidden delta is the weighted sum of the deltas it feeds times f′(net): "
                  "σ′ is at most 0.25, so through a sigmoid unit the delta shrinks by that factor "
                  "unless the weights it passes through are large enough to make up for it; tanh′ "
                  "reaches 1 near 0; relu′ is 1 for an active unit and 0 for an inactive one, "
                  "which then stops learning from that sample."),
        Figure("figures/activations.png", "The activations and their derivatives."),
        Heading(2, "The learning rate, on data"),
        Paragraph("Problem 3's curves memorise one sample; what a learning rate does shows on a "
                  "data set, judged on rows the network did not train on (the validation "
                  "loss), over several seeded starts. These are small runs of `backprop-tutor "
                  "lab learning-rate`."),
    ]
    for name, settings in plans.items():
        sweep = learning_rate.summarise(runs[:len(settings)])
        runs = runs[len(settings):]
        figure = f"figures/learning_rate_{name}.png"
        plot_learning_rate(sweep, work / figure, title=f"The learning rate on {name}")
        blocks += learning_rate_blocks(sweep, name, figure)
    cost = measure(size=200_000, repeats=9, epochs=5, jobs=default_jobs())
    plot_cost(cost, work / "figures" / "activation_cost.png")
    blocks += [
        Heading(2, "What an activation costs"),
        Paragraph("Per element, the forward sigmoid and tanh need an exponential and relu a "
                  "comparison; backpropagation takes f′ from the stored output, so no derivative "
                  "needs one. What decides is a whole training step, where the matrix products "
                  "cost the same for every activation, and the number of steps an activation "
                  "needs. The measured tables and what they show are in activation_cost.md and at "
                  "the end of the PDF: timings vary from run to run."),
        Figure("figures/activation_cost.png",
               "Measured: one SGD step per hidden activation (median and interquartile range), "
               "and the time to reach a common validation loss on digits."),
    ]
    return blocks, [Heading(1, "Measured cost of the activations"), *cost_blocks(cost)]
