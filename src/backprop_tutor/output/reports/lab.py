"""The lab's experiments for a reader, as document blocks (the terminal's text through the text writer).

Every sentence is made from the numbers it stands beside: the regions, the
best η and the epochs of divergence come from the experiment's summary.
"""

from __future__ import annotations

import math

from backprop_tutor.document.blocks import Block, Figure, Heading, Paragraph, Table
from backprop_tutor.output.writers import to_text
from backprop_tutor.teaching.lab.learning_rate import (
    GOOD,
    OSCILLATION,
    RateResult,
    Sweep,
)


def loss_text(value: float) -> str:
    """A loss in 3 significant digits; ``overflow`` when it is not finite."""
    return f"{value:.3g}" if math.isfinite(value) else "inf"


def mean_spread(result: RateResult) -> str:
    if not math.isfinite(result.mean):
        return "inf"
    return f"{result.mean:.3g} ± {result.spread:.1g}"


def rate_text(rate: float) -> str:
    return f"{rate:g}"


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
    rates = (f"η = {rate_text(stretch[0].learning_rate)}" if len(stretch) == 1 else
             f"η = {rate_text(stretch[0].learning_rate)} to {rate_text(stretch[-1].learning_rate)}")
    text = f"{rates}: {stretch[0].region}"
    if stretch[0].region == "diverging":
        first = min(r.first_diverged_at for r in stretch)
        return text + f" (first at epoch {first})"
    for result in stretch:
        if result.diverged:
            text += (f" ({result.diverged} of {result.seeds} seeds diverged at η = "
                     f"{rate_text(result.learning_rate)}, the first at epoch "
                     f"{result.first_diverged_at})")
    return text


def activation_sentence(sweep: Sweep, activation: str) -> str:
    """One sentence per activation: its best η, then each stretch of η and its region."""
    results = sweep.by_activation[activation]
    best = sweep.best(activation)
    if best is None:
        head = f"With {activation} hidden units every η diverged"
    else:
        head = (f"With {activation} hidden units the best η is {rate_text(best.learning_rate)} "
                f"(final validation loss {mean_spread(best)} over {best.seeds} seeds)")
        rates = [r.learning_rate for r in results]
        if len(rates) > 1 and best.learning_rate in (min(rates), max(rates)):
            edge = "largest" if best.learning_rate == max(rates) else "smallest"
            head += f", the {edge} η tried: one beyond it may do better still"
    return head + "; " + "; ".join(_stretch_text(s) for s in _stretches(results)) + "."


def learning_rate_text(sweep: Sweep) -> str:
    """The sweep for a terminal: mean ± standard deviation and region, per activation and η."""
    activations = list(sweep.by_activation)
    seeds = next(iter(sweep.by_activation.values()))[0].seeds
    return to_text([Paragraph(f"Final validation loss after {sweep.epochs} epochs of "
                              f"{sweep.training} (mean ± sd over {seeds} seeds), "
                              f"{sweep.output_activation} output:"),
                    _rate_table(sweep),
                    *(Paragraph(activation_sentence(sweep, a)) for a in activations)])


def _rate_table(sweep: Sweep) -> Table:
    activations = list(sweep.by_activation)
    rates = [r.learning_rate for r in sweep.by_activation[activations[0]]]
    return Table(("η", *activations),
                 tuple((rate_text(rate), *(f"{mean_spread(sweep.by_activation[a][k])} "
                                           f"{sweep.by_activation[a][k].region}"
                                           for a in activations))
                       for k, rate in enumerate(rates)), align="r" + "l" * len(activations))


REGION_RULES = (f"Regions: diverging when at least half the seeds diverged (the training loss "
                f"ended above where it started, or overflowed); good when the mean final "
                f"validation loss is at most {GOOD:g} × the best; oscillating when it is not and "
                f"the training loss rose in at least {OSCILLATION:.0%} of the epochs; otherwise "
                f"too small (below the best η) or too large (above it).")


def learning_rate_blocks(sweep: Sweep, dataset: str, figure: str | None) -> list[Block]:
    """The sweep as document blocks: what was run, the figure, one sentence per activation."""
    activations = list(sweep.by_activation)
    any_result = sweep.by_activation[activations[0]]
    blocks: list[Block] = [
        Heading(3, f"The learning rate on {dataset}"),
        Paragraph(f"{sweep.training[0].upper()}{sweep.training[1:]} for {sweep.epochs} epochs from "
                  f"{any_result[0].seeds} seeded starts per η, {sweep.output_activation} output. "
                  + REGION_RULES),
    ]
    if figure:
        blocks.append(Figure(figure, f"Final validation loss against η on {dataset}: mean "
                                     f"(line) and range over the seeds (band), regions marked."))
    blocks += [Paragraph(activation_sentence(sweep, a)) for a in activations]
    blocks.append(_rate_table(sweep))
    return blocks


def groups_text(groups, title: str, columns: dict | None = None,
                sentences: tuple[str, ...] = ()) -> str:
    """Groups of runs for a terminal: final validation loss, accuracy, divergence, time.

    Args:
        columns: more columns, header → function(group) → text.
        sentences: more to say below the table.
    """
    columns = columns or {}
    rows = []
    for group in groups:
        final = (f"{group.final:.3g} ± {group.spread:.1g}" if math.isfinite(group.final)
                 else "inf")
        accuracy = "" if group.accuracy is None else f"{group.accuracy:.1%}"
        rows.append((group.label, final, accuracy, f"{group.diverged}/{len(group.runs)}",
                     f"{group.seconds:.2f}", *(show(group) for show in columns.values())))
    table = Table(("setting", "val loss (mean ± sd)", "accuracy", "diverged", "s/run", *columns),
                  tuple(rows))
    return to_text([Paragraph(f"{title}: final validation loss after {groups[0].setting.epochs} "
                              f"epochs, {len(groups[0].runs)} seeds."), table,
                    *map(Paragraph, [*best_and_worst(groups), *sentences])])


def best_and_worst(groups) -> list[str]:
    """Which group ended with the lowest and which with the highest mean validation loss."""
    ordered = sorted(groups, key=lambda g: g.final)
    best, worst = ordered[0], ordered[-1]
    if len(groups) < 2 or best.final == worst.final:
        return []
    return [f"Lowest final validation loss: {best.label} ({loss_text(best.final)}); "
            f"highest: {worst.label} ({loss_text(worst.final)})."]


def batch_size_sentences(groups) -> list[str]:
    """At equal epochs (equal gradient evaluations) and per weight update and second."""
    epochs = groups[0].setting.epochs
    slowest = max(groups, key=lambda g: g.seconds)
    fastest = min(groups, key=lambda g: g.seconds)
    parts = [f"{g.label} {g.updates_per_epoch * epochs:,}" for g in groups]
    return [f"In {epochs} epochs every batch size computed the same number of per-sample "
            f"gradients, spent on different numbers of weight updates: {', '.join(parts)}.",
            f"Wall time per run (median): {fastest.label} the shortest ({fastest.seconds:.3g} s), "
            f"{slowest.label} the longest ({slowest.seconds:.3g} s)."]


def depth_sentences(result) -> list[str]:
    """How much smaller the first layer's gradient is than the last hidden layer's, per activation."""
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


def depth_text(result) -> str:
    """The gradient norm of every layer before training, per activation and depth."""
    rows = tuple((activation, str(depth), "  ".join(f"{n:.2g}" for n in norms))
                 for activation, by_depth in result.start_norms.items()
                 for depth, norms in by_depth.items())
    return to_text([Paragraph("Gradient norm ‖dE/dW‖ of each layer before training (mean over "
                              "seeds), layer 1 first, the output layer last:"),
                    Table(("activation", "hidden layers", "‖dE/dW‖ per layer"), rows, align="lrl"),
                    *map(Paragraph, depth_sentences(result))])
