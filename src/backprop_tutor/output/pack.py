"""The tutorial pack: all four problems solved on one network, as Markdown, PDF and figures.

``build_pack(network, out)`` writes into the folder ``out``:

* ``tutorial.md`` and ``tutorial.pdf`` (the same content; the PDF typeset by Typst),
* ``figures/``: the network with its forward and backward values per hidden
  activation, the activations and their derivatives, learning curves, the lab's
  learning rate on moons and digits and gradients through depth, and the measured
  cost (SVG: each figure is drawn once, and both documents show that file),
* ``worksheet.pdf``: the blank question sheet of the network, to hand out,
* ``activation_cost.md``: the measured cost tables. They are kept out of
  ``tutorial.md`` because timings differ from run to run, while the same
  network always gives the same ``tutorial.md``.

Everything is built in a temporary folder beside ``out`` and moved into place
at the end: the pack is written whole or not at all.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import solve
from backprop_tutor.document import notation
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
from backprop_tutor.io.processes import worker_pool
from backprop_tutor.output import pack_code
from backprop_tutor.output.classkit import write_blank_sheet
from backprop_tutor.output.pack_lab import comparison_blocks, save_figure
from backprop_tutor.output.reports.worksheet import Case, case_blocks, describe
from backprop_tutor.output.writers import to_markdown, to_typst, typst_document

#: The tutorial's problems state no numbers: the pack's are those of its network file.
EXAMPLE_NOTE = ("The tutorial's problems give no numbers: those here are backprop-tutor's own "
                "example, from the network file.")

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
    return PackSummary(Path(out), files_in(Path(out)), losses)


def _write_pdf(blocks: list[Block], work: Path, title: str) -> None:
    import typst

    # type-var: typst's stub wants input and root of one type (bytes and str here).
    pdf = typst.compile(typst_document(blocks, title).encode("utf-8"), root=str(work))  # type: ignore[type-var]
    (work / "tutorial.pdf").write_bytes(pdf)


def _title(network: Network) -> str:
    return f"Backpropagation tutorial, solved: {network.title or 'network'}"


# ---------------------------------------------------------------- content

def _content(network: Network, work: Path, progress: Callable[[str], None]):
    """The pack's blocks, the blocks of measured timings, and E before and after each update.

    Figures are written into ``work/figures``, and the worksheet into ``work``.
    """
    from backprop_tutor.output import figures
    from backprop_tutor.teaching import experiments

    progress("Problem 2: worked solutions and network figures")
    sheets = {a: solve(network.with_options(hidden_activation=a)) for a in TUTORIAL_ACTIVATIONS}
    # SymPy's derivation (Problem 1), then Keras (Problem 4), run in a second process:
    # TensorFlow's start-up, the longest step, overlaps everything else, which runs in this
    # process, and the two processes have about as much work each.
    beside = worker_pool(1, initializer=_second_process)   # spawned; it ends with this process
    derivation_run = beside.submit(_problem1, network)
    keras_run = beside.submit(_problem4, network, sheets)
    for activation, sheet in sheets.items():
        save_figure(figures.plot_network(sheet, decimals=6), work, f"network_{activation}")
    progress("Problem 3: learning curves")
    save_figure(figures.plot_activations(), work, "activations")
    # Entry 1 of a learning curve is E after the single update of Problem 2.
    after = experiments.learning_curves(network, updates=1)
    losses = {a: (sheet["E"], after[a][1]) for a, sheet in sheets.items()}
    problem3, shown_curves = _problem3(network, sheets)
    save_figure(figures.plot_learning_curves(shown_curves), work, "learning_curves")
    progress("activations compared: the lab's experiments and the activation cost")
    comparison, measured = comparison_blocks(work)

    progress("writing worksheet.pdf")
    write_blank_sheet(network, work / "worksheet.pdf", note=EXAMPLE_NOTE)
    progress("Problems 1 and 4: SymPy's derivation and Keras, in the second process")
    twice = network.output_activation == "sigmoid"   # Problem 1's figure is the sigmoid case's
    problem1, problem2 = derivation_run.result(), _problem2(sheets, drawn_in_problem1=twice)
    # While Keras runs: Problems 1 to 3 made Typst markup, which translates their formulas.
    # tex2typst keeps each translation (an LRU cache), so the PDF, at the end, waits for
    # Problem 4's formulas only.
    to_typst([*problem1, *problem2, *problem3])
    with beside:
        problem4 = keras_run.result()
    body = [*problem1, *problem2, *problem3, *problem4, *NOTEBOOK_LEVELS, *comparison]
    shape = "-".join(str(size) for size in network.sizes)
    blocks = [Title(_title(network)),
              Paragraph(f"The {shape} network of the file, {describe(network)}. "
                        + " ".join(network.description.split()) + " " + EXAMPLE_NOTE),
              Contents(depth=1), *body]
    return blocks, measured, losses


#: Which notebook of Problems 3 and 4 to hand out to whom (docs/notebooks.md says the same).
NOTEBOOK_LEVELS = [
    Heading(1, "In class: Problems 3 and 4 at three levels"),
    Paragraph("Problems 3 (NumPy) and 4 (Keras) come as three notebooks each: the same code at "
              "three levels of help, with the same checks against Problem 2's worked step. Hand "
              "out guided (`notebooks/guided/`: the functions are written but for single lines, "
              "each followed by a check) to students who have not written NumPy or Keras before; "
              "standard (`notebooks/standard/`: whole functions from stubs) to those with some "
              "Python and NumPy; open (`notebooks/open/`: a specification and its tests only) to "
              "those who could write the network from a blank page. When in doubt hand out "
              "standard, and keep guided at hand for a student stuck after five minutes. The "
              "answers are in `notebooks/solutions/`; Problem 3's is the code printed above."),
]


def _problem1(network: Network) -> list[Block]:
    """SymPy's derivation, proven step by step; runs in the second process (see ``_content``)."""
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
            Figure("figures/network_sigmoid.svg",
                   "The network of Problem 1 with its numbers: weights and biases, the forward "
                   "pass (net, out) and the deltas, sigmoid hidden and output units."),
            *sections]


def _problem2(sheets: dict, drawn_in_problem1: bool) -> list[Block]:
    blocks: list[Block]
    blocks = [Heading(1, "Problem 2: one SGD update by hand"),
              Paragraph("One update for each hidden activation, the output unit a sigmoid. Each "
                        "line gives the formula, the formula with the numbers, and the result. "
                        "The backward pass uses the weights from before the update.")]
    for activation, sheet in sheets.items():
        blocks += demoted(case_blocks(Case(sheet), label=f"{activation} hidden units: "), 1)
        if activation == "sigmoid" and drawn_in_problem1:
            blocks.append(Paragraph("This network, with these numbers, is drawn in Problem 1."))
        else:
            blocks.append(Figure(f"figures/network_{activation}.svg",
                                 f"The network with {activation} hidden units: weights, the "
                                 f"forward pass (net, out) and the deltas of the backward pass."))
    relu = sheets["relu"]
    inactive = [n[4:] for n, v in relu.values.items() if n.startswith("net_h") and v <= 0]
    if inactive:
        blocks.append(Paragraph(
            f"With ReLU, unit {', '.join(inactive)} has a negative weighted sum: its output is 0, "
            f"relu′ is 0 there, so its delta is 0 and neither its incoming weights nor the weights "
            f"it feeds learn anything from this sample. A unit that stays in this state for every "
            f"sample is a “dead” ReLU."))
    return blocks


def _problem3(network: Network, sheets: dict) -> tuple[list[Block], dict[str, list[float]]]:
    """The matrix form, the student's NumPy code run on the file, and its numbers; and the
    learning curves its table and figure show (those the code made, where it fits)."""
    misfit = pack_code.student_code_fits(network)
    blocks: list[Block] = [
        Heading(1, "Problem 3: the network from scratch in NumPy"),
        Paragraph("Problem 2's steps, written for whole layers: the sample x and every layer's "
                  "values as vectors, the weights into a layer as a matrix W whose row r holds "
                  "the weights into unit r (so net = W·x + b), f′ taken from the stored net. "
                  "∘ multiplies element by element, ᵀ transposes. With this network's sizes:"),
        pack_code.matrix_form(network) if misfit is None else Paragraph(
            f"(The matrix form above is for one hidden layer; {misfit}.)"),
        Paragraph("The same in NumPy, as a student writes it: the forward pass, the backward "
                  "pass and training, then the lines that run it on this network. This very "
                  "code made the numbers below."),
    ]
    if misfit is not None:
        from backprop_tutor.networks import from_scratch
        from backprop_tutor.teaching import experiments

        curves = experiments.learning_curves(network, updates=max(pack_code.CHECKPOINTS))
        return [*blocks[:2],
            Code(pack_code.source_code(from_scratch)),
            Paragraph(f"This network does not fit that short code: {misfit}. The numbers "
                      f"below come from the package's general NumPy network (any depth, both "
                      f"losses), trained on the file's one sample with η = "
                      f"{notation.format_number(network.learning_rate)}:"),
            _loss_table(curves), _curves_figure()], curves
    shown = pack_code.run_shown(pack_code.problem3_code(network))
    code_curves = {a: [float(v) for v in shown["losses"][a]] for a in TUTORIAL_ACTIVATIONS}
    rows = tuple((a, notation.format_number(code_curves[a][0], 10),
                  notation.format_number(sheets[a]["E"], 10),
                  f"{pack_code.largest_gradient_gap(shown['gradients'][a], sheets[a], network):.1e}")
                 for a in TUTORIAL_ACTIVATIONS)
    return [
        *blocks,
        Code(pack_code.problem3_code(network)),
        Paragraph("Against Problem 2: the loss before the update, and the largest difference "
                  "between any gradient of the code and the worked one (they differ by rounding "
                  "only):"),
        Table(("hidden", "E by the code", "E in Problem 2", "max |∂E/∂p code − Problem 2|"),
              rows),
        Paragraph(f"Training on the file's one sample with η = "
                  f"{notation.format_number(network.learning_rate)}, from the same starting "
                  f"weights, the loss E after n updates (`losses[hidden][n]`):"),
        _loss_table(code_curves), _curves_figure()], code_curves


def _loss_table(curves: dict[str, list[float]]) -> Table:
    return Table(["updates", *TUTORIAL_ACTIVATIONS],
                 [[f"{n:,}"] + [notation.format_number(curves[a][n], 8)
                                for a in TUTORIAL_ACTIVATIONS] for n in pack_code.CHECKPOINTS])


def _curves_figure() -> Figure:
    return Figure("figures/learning_curves.svg",
                  "Learning curves on the file's one sample: the loss against the number of "
                  "updates, one line per hidden activation, all from the same start. With one "
                  "sample the network only memorises it; the activations compared below train "
                  "on data sets.")


def _second_process() -> None:
    """Prepare the second process (Problems 1 and 4) as it starts: spare it work not its own.

    Keras and TensorFlow import libraries when they are installed for work this process
    never does: Keras scikit-learn, IPython and matplotlib (wrappers, notebook display,
    image galleries; about 1.5 s of CPU), TensorFlow JAX (for TensorFlow Lite's
    converter; 0.4 s), SciPy (sparse inputs to the old Keras) and h5py (saving models;
    0.1 s together). None in ``sys.modules`` makes those imports fail as if the
    libraries were absent, and both go on without them.

    Until Keras is imported (``_problem4``) the process collects no garbage: what
    it makes by then, TensorFlow's hundreds of thousands of objects above all, is
    kept to its end anyway, bar a few megabytes of SymPy's, and the collector would
    only go through it again and again (0.1 s of CPU). At its end the process exits
    at once, after the exit handlers, instead of tearing TensorFlow's modules down
    one by one (about 0.5 s): its results are already sent.
    """
    for unused in ("sklearn", "IPython", "matplotlib", "jax", "scipy", "h5py"):
        sys.modules[unused] = None   # type: ignore[assignment]  # None: "not installed"
    gc.disable()
    atexit.register(os._exit, 0)    # the first registered, so it runs last


def _problem4(network: Network, sheets: dict) -> list[Block]:
    """Keras: the student's code run on the file, one update, 1..N updates, random weights.

    Runs in the second process (see ``_content``).
    """
    from backprop_tutor.networks.keras_network import compare_with_numpy, import_keras
    from backprop_tutor.output.reports.keras import convention_blocks

    import_keras()      # quietly, before the student's code imports it
    # What the process made so far stays to its end (see _second_process): frozen, out of
    # the collector's sight, while it collects the garbage of Keras' models.
    gc.freeze()
    gc.enable()
    convention = compare_with_numpy(network, loss="mse", steps=1)
    misfit = pack_code.student_code_fits(network)
    heading = Heading(1, "Problem 4: the same network in Keras")
    if misfit is not None:
        return [heading, Paragraph(
            f"The short Keras code of this problem has one hidden layer; {misfit}. `backprop-"
            f"tutor keras` runs any network file in Keras beside the NumPy network."),
            *convention_blocks(convention, commands=False)]
    from backprop_tutor.networks import from_scratch

    code = pack_code.problem4_code(network)
    shown = pack_code.run_shown(code)
    factor = convention.factor
    rows = tuple((a, notation.format_number(shown["one_update"][a][0], 10),
                  notation.format_number(sheets[a]["E"], 10),
                  f"{pack_code.largest_weight_gap(shown['one_update'][a][1], sheets[a], network):.1e}")
                 for a in TUTORIAL_ACTIVATIONS)
    half, mse = shown["runs"]["half_sse"], shown["runs"]["mse"]
    updates = pack_code.KERAS_UPDATES
    falls = tuple((str(n + 1), notation.format_number(half[n], 8), notation.format_number(mse[n], 8),
                   notation.format_number(mse[n] / factor, 8)) for n in range(updates))
    hidden = network.layers[0].activation
    W1, b1, W2, b2 = shown["random_start"]
    numpy_losses = from_scratch.train(W1, b1, W2, b2, np.asarray(network.inputs),
                                      np.asarray(network.targets), hidden,
                                      network.learning_rate, updates)
    random_rows = tuple((str(n + 1), notation.format_number(shown["random_losses"][n], 8),
                         notation.format_number(float(numpy_losses[n]), 8))
                        for n in range(updates))
    gap = max(abs(a - float(b)) for a, b in zip(shown["random_losses"], numpy_losses, strict=True))
    return [
        heading,
        Paragraph("A `keras.Sequential` of two `Dense` layers with the file's activations; "
                  "`set_weights` loads the file's weights (Keras keeps a kernel as inputs × units, "
                  "the transpose of W); `keras.optimizers.SGD` does plain gradient descent and "
                  "`train_on_batch` one update on the one sample, returning the loss before it. "
                  "float64 throughout, so the numbers agree with the hand calculation to rounding. "
                  "This very code made the numbers below:"),
        Code(code),
        Paragraph("One update with the tutorial's loss ½·Σ (t − y)²: Keras against Problem 2, "
                  "the loss before the update and the largest difference between any weight or "
                  "bias after it (`one_update`):"),
        Table(("hidden", "Keras E", "E in Problem 2", "max |w new Keras − Problem 2|"), rows),
        *convention_blocks(convention, commands=False),
        Paragraph(f"The loss before each of {updates} updates with η = "
                  f"{notation.format_number(network.learning_rate)} (`runs`), for each "
                  f"convention, and Keras' loss rescaled to the tutorial's scale (E·K/2). "
                  + _falls_sentence(half[-1], mse[-1] / factor, factor, updates)),
        Table(("update", "`half_sse` E", "`mse` E", "`mse` E·K/2"), falls),
        Heading(2, "Random weights"),
        Paragraph(f"From Keras' own random start instead (Glorot-uniform kernels, zero biases; "
                  f"seed {pack_code.RANDOM_SEED}; `random_losses`), and Problem 3's NumPy "
                  f"code from the very same weights (`random_start`), the loss before each "
                  f"update, the tutorial's loss. The two agree to {gap:.1e}."),
        Table(("update", "Keras E", "NumPy E (Problem 3's code)"), random_rows),
    ]


def _falls_sentence(tutorial: float, keras_rescaled: float, factor: float, updates: int) -> str:
    """What the table of the two runs shows, said from its last row (both before that update)."""
    if factor == 1:
        return "With 2/K = 1 the two conventions take the same steps: the runs are the same run."
    longer = "longer" if factor > 1 else "shorter"
    lower = ("lower than" if keras_rescaled < tutorial else
             "higher than" if keras_rescaled > tutorial else "equal to")
    return (f"Keras' steps are {notation.format_number(factor)} times the tutorial's, so {longer}; "
            f"before update {updates}, after {updates - 1} updates of each, its rescaled loss, "
            f"{notation.format_number(keras_rescaled, 8)}, is {lower} the tutorial's, "
            f"{notation.format_number(tutorial, 8)}.")
