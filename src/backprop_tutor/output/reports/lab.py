"""The lab's experiments for a reader, as document blocks (the terminal's text through the text writer).

Every sentence is made from the numbers it stands beside: the regions, the
best η and the epochs of divergence come from the experiment's summary, and a
comparison names a winner only where its mean ± standard deviation over the
seeds stays clear of the runner-up's.
"""

from __future__ import annotations

import math
import statistics

from backprop_tutor.document.blocks import Block, Figure, Heading, Paragraph, Table
from backprop_tutor.teaching.lab.learning_rate import (
    COLLAPSED,
    GOOD,
    LEARNING_RATES,
    OSCILLATION,
    RateResult,
    Sweep,
)


def loss_text(value: float) -> str:
    """A loss in 3 significant digits; ``inf`` when it is not finite."""
    return f"{value:.3g}" if math.isfinite(value) else "inf"


def mean_sd(values) -> str:
    """``mean ± sd`` of the seeds' values (population sd), or ``inf`` if one is not finite."""
    values = list(values)
    if not all(map(math.isfinite, values)):
        return "inf"
    return f"{statistics.fmean(values):.3g} ± {statistics.pstdev(values):.1g}"


def mean_spread(result: RateResult) -> str:
    if not math.isfinite(result.mean):
        return "inf"
    return f"{result.mean:.3g} ± {result.spread:.1g}"


def rate_text(rate: float) -> str:
    return f"{rate:g}"


# ---------------------------------------------------------------- learning rate

REGION_RULES = (
    f"Regions, each where at least half the seeds show it: diverging (the training loss ended "
    f"above where it started, or overflowed), dead (every hidden unit outputs 0 for every "
    f"row) or collapsed (the outputs differ across rows by less than {COLLAPSED:g} × the "
    f"targets' spread); the best η has the lowest mean final validation loss of the rest; good "
    f"within {GOOD:g} × that loss; below the best η, too small (the loss still falling at the "
    f"end) or stalled (no longer falling); above it, oscillating (the loss rose in at least "
    f"{OSCILLATION:.0%} of the epochs) or too large.")


def _stretches(results: list[RateResult]) -> list[list[RateResult]]:
    """Neighbouring learning rates with the same region, in increasing η."""
    stretches: list[list[RateResult]] = []
    for result in results:
        if stretches and stretches[-1][-1].region == result.region:
            stretches[-1].append(result)
        else:
            stretches.append([result])
    return stretches


def _stretch_text(stretch: list[RateResult]) -> str:
    first, last = stretch[0], stretch[-1]
    rates = (f"η = {rate_text(first.learning_rate)}" if len(stretch) == 1 else
             f"η = {rate_text(first.learning_rate)} to {rate_text(last.learning_rate)}")
    text = f"{rates}: {first.region}"
    if first.region == "diverging":
        first_at = min(r.first_diverged_at for r in stretch if r.first_diverged_at is not None)
        return text + f" (first at epoch {first_at})"
    notes = []
    for result in stretch:
        for count, what in ((result.diverged, "diverged"), (result.dead, "ended with every "
                                                             "hidden unit dead"),
                            (result.collapsed, "ended with constant outputs")):
            if count and result.region not in ("dead", "collapsed"):
                notes.append(f"{count} of {result.seeds} seeds {what} at η = "
                             f"{rate_text(result.learning_rate)}")
    return text + (f" ({'; '.join(notes)})" if notes else "")


def activation_sentence(sweep: Sweep, activation: str) -> str:
    """One sentence per activation: its best η, each stretch of η and its region, and whether
    (and how far) the grid had to grow for the curve to turn."""
    results = sweep.by_activation[activation]
    best = sweep.best(activation)
    if best is None:
        head = f"With {activation} hidden units every η failed"
    else:
        head = (f"With {activation} hidden units the best η is {rate_text(best.learning_rate)} "
                f"(final validation loss {mean_spread(best)} over {best.seeds} seeds)")
    text = head + "; " + "; ".join(_stretch_text(s) for s in _stretches(results)) + "."
    extended = sweep.extended(activation)
    if extended:
        text += (f" The grid was extended to η = {rate_text(min([*extended, LEARNING_RATES[0]]))}"
                 f" to {rate_text(max([*extended, LEARNING_RATES[-1]]))} for it.")
    why_not = sweep.why_not(activation)
    if why_not:
        text += f" The curve has not turned: {why_not}."
    return text


def _rate_table(sweep: Sweep) -> Table:
    activations = list(sweep.by_activation)
    rates = sorted({r.learning_rate for results in sweep.by_activation.values() for r in results})
    cells = {(r.activation, r.learning_rate): f"{mean_spread(r)} {r.region}"
             for results in sweep.by_activation.values() for r in results}
    return Table(("η", *activations),
                 tuple((rate_text(rate), *(cells.get((a, rate), "") for a in activations))
                       for rate in rates), align="r" + "l" * len(activations))


def learning_rate_blocks(sweep: Sweep, heading: str | None = None,
                         figure: str | None = None) -> list[Block]:
    """The sweep: what was run and the region rules, the figure, one sentence per activation,
    the table of mean ± sd and region per η."""
    blocks: list[Block] = [Heading(3, heading)] if heading else []
    blocks.append(Paragraph(
        f"Final validation loss after {sweep.epochs} epochs of {sweep.training} from "
        f"{sweep.seeds} seeded starts per η (mean ± sd over the seeds), "
        f"{sweep.output_activation} output. " + REGION_RULES))
    if figure:
        blocks.append(Figure(figure, "Final validation loss against η: mean (line) and range "
                                     "over the seeds (band), the region of each η marked."))
    blocks += [Paragraph(activation_sentence(sweep, a)) for a in sweep.by_activation]
    blocks.append(_rate_table(sweep))
    return blocks


# ---------------------------------------------------------------- comparisons over seeds

def ranking(values: dict[str, list[float]], what: str) -> str:
    """Which label has the lowest mean, said only if it is clear of the runner-up.

    Clear means: mean + sd of the lowest < mean − sd of the next lowest (sd over the seeds).
    """
    finite = {label: v for label, v in values.items() if all(map(math.isfinite, v))}
    if len(finite) < 2:
        return f"{what}: too few finite results to compare."
    ordered = sorted(finite, key=lambda label: statistics.fmean(finite[label]))
    low, next_ = ordered[0], ordered[1]
    m1, s1 = statistics.fmean(finite[low]), statistics.pstdev(finite[low])
    m2, s2 = statistics.fmean(finite[next_]), statistics.pstdev(finite[next_])
    if m1 + s1 < m2 - s2:
        return (f"{what}: {low} is lowest ({mean_sd(finite[low])}), clear of {next_} "
                f"({mean_sd(finite[next_])}) by more than their spreads.")
    return (f"{what}: {low} ({mean_sd(finite[low])}) and {next_} ({mean_sd(finite[next_])}) "
            f"are within each other's spread over the seeds: no clear lowest.")


# ---------------------------------------------------------------- batch size

def batch_size_blocks(result, heading: str | None = None, figure: str | None = None
                      ) -> list[Block]:
    """Each batch size at its own best η, then the three comparisons and what each shows."""
    compared = result.compared
    epochs, updates, seconds = result.epochs, result.equal_updates, result.equal_seconds
    seeds = len(compared[0].runs) if compared else 0
    values = result.comparisons()
    blocks: list[Block] = [Heading(3, heading)] if heading else []
    chosen = "; ".join(f"{r.label} η = {rate_text(r.best)}" for r in compared)
    failed = [r.label for r in result.results if not r.runs]
    blocks.append(Paragraph(
        f"Each batch size trains at its own best η: the lowest mean validation loss after "
        f"{epochs} epochs on the learning-rate grid of `lab learning-rate` (extended the same "
        f"way), {seeds} seeds: {chosen}."
        + (f" Every η failed for {', '.join(failed)}." if failed else "")))
    if figure:
        blocks.append(Figure(figure, "Validation loss (mean over the seeds, range as a band) "
                                     "against epochs, weight updates and measured seconds."))
    blocks.append(Table(
        ("batch", "best η", "updates", "s/run", f"after {epochs} epochs",
         f"after {updates:,} updates", f"after {seconds:.3g} s"),
        tuple((r.label, rate_text(r.best), f"{r.updates_per_epoch * epochs:,}",
               f"{r.seconds:.3g}", mean_sd(values["epochs"][r.label]),
               mean_sd(values["updates"][r.label]), mean_sd(values["seconds"][r.label]))
              for r in compared)))
    blocks += [Paragraph(ranking(values["epochs"], f"At equal epochs ({epochs}, the same "
                                                   f"per-sample gradients for every batch size)")),
               Paragraph(ranking(values["updates"], f"At equal weight updates ({updates:,}, "
                                                    f"all that the fewest-update batch size made)")),
               Paragraph(ranking(values["seconds"], f"At equal wall time ({seconds:.3g} s, "
                                                    f"when the quickest had finished; measured, "
                                                    f"so it varies between runs)"))]
    return blocks


# ---------------------------------------------------------------- curves of groups

def groups_blocks(summary, title: str) -> list[Block]:
    """Groups of runs: final validation loss, accuracy, divergence, time, and any more columns."""
    groups, columns = summary.groups, summary.columns
    rows = []
    for group in groups:
        accuracy = "" if group.accuracy is None else f"{group.accuracy:.1%}"
        rows.append((group.label, mean_sd(run.final_val_loss for run in group.runs), accuracy,
                     f"{group.diverged}/{len(group.runs)}", f"{group.seconds:.2f}",
                     *(f"{value(group):g}" for value in columns.values())))
    table = Table(("setting", "val loss (mean ± sd)", "accuracy", "diverged", "s/run",
                   *(name.replace("_", " ") for name in columns)), tuple(rows))
    values = {g.label: [run.final_val_loss for run in g.runs] for g in groups}
    return [Paragraph(f"{title}: final validation loss after {groups[0].setting.epochs} epochs, "
                      f"{len(groups[0].runs)} seeds."), table,
            *([Paragraph(ranking(values, "Lowest final validation loss"))] if len(groups) > 1
              else [])]


def activation_blocks(summary) -> list[Block]:
    return groups_blocks(summary, "Hidden activation")


def init_blocks(summary) -> list[Block]:
    units = summary.groups[0].setting.hidden_units
    return [*groups_blocks(summary, "Initialisation"), Paragraph(
        f"Distinct hidden units: of the {units} hidden units, how many differ after training "
        f"(mean over the seeds); with zeros every unit gets the same gradient and stays a copy.")]


def sweep_blocks(summary) -> list[Block]:
    return groups_blocks(summary, "Sweep")


# ---------------------------------------------------------------- depth

def depth_sentences(result) -> list[str]:
    """How much smaller the first layer's gradient is than the last hidden layer's, per
    activation, and how many relu units were dead at the start and the end."""
    deepest = result.deepest
    sentences = []
    for activation in result.start_norms:
        shrink = result.shrink(activation, deepest)
        change = (f"{shrink:.3g} × smaller than" if shrink > 1 else
                  f"{1 / shrink:.3g} × larger than" if shrink < 1 else "as large as")
        sentences.append(f"With {deepest} {activation} layers, before training the gradient of "
                         f"the first layer's weights is {change} that of the last hidden layer's.")
    for rate, dead in result.dead.items():
        sentences.append(f"relu, {deepest} layers, η = {rate:g}: {dead[0]:.0%} of the hidden "
                         f"units dead at the start, {dead[-1]:.0%} after {len(dead) - 1} epochs.")
    return sentences


def depth_blocks(result, heading: str | None = None, figure: str | None = None) -> list[Block]:
    """The gradient norm of every layer before training, per activation and depth."""
    rows = tuple((activation, str(depth), "  ".join(f"{n:.2g}" for n in norms))
                 for activation, by_depth in result.start_norms.items()
                 for depth, norms in by_depth.items())
    blocks: list[Block] = [Heading(3, heading)] if heading else []
    blocks.append(Paragraph("Gradient norm ‖dE/dW‖ of each layer before training (mean over the "
                            "seeds), layer 1 first, the output layer last:"))
    if figure:
        blocks.append(Figure(figure, f"Left: ‖dE/dW‖ of each layer of the {result.deepest}-layer "
                                     f"network before training, one line per activation (log "
                                     f"scale). Right: the fraction of dead relu units over "
                                     f"training, per η."))
    dead = Table(("relu, η", "dead at the start", "dead at the end", "epochs"),
                 tuple((f"{rate:g}", f"{fractions[0]:.0%}", f"{fractions[-1]:.0%}",
                        str(len(fractions) - 1)) for rate, fractions in result.dead.items()))
    return [*blocks, Table(("activation", "hidden layers", "‖dE/dW‖ per layer"), rows, align="lrl"),
            dead, *map(Paragraph, depth_sentences(result))]
