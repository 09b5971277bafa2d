"""What an activation costs, for a reader: tables and sentences made from the measured numbers.

Timings differ from machine to machine and from run to run; every comparison
in the prose is computed from the numbers in the table beside it, so the two
always agree. Two timings count as different only when their medians are
further apart than half their interquartile ranges added (``clearly_less``).
"""

from __future__ import annotations


from backprop_tutor.output.writers import to_text
from backprop_tutor.document.blocks import Block, Heading, Paragraph, Table
from backprop_tutor.teaching.activation_cost import (
    STEP_BATCH,
    STEP_SIZES,
    ActivationCost,
    StepCost,
)


def clearly_less(a: float, a_iqr: float, b: float, b_iqr: float) -> bool:
    """Is median ``a`` below median ``b`` by more than the spread of the repeats?"""
    return a + a_iqr / 2 < b - b_iqr / 2


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3g} ms"


def _ranking(items: list[tuple[str, float, float]], unit) -> str:
    """'relu is cheapest (x), sigmoid dearest (y, k × relu)', or that they are within the spread."""
    ordered = sorted(items, key=lambda item: item[1])
    (low, low_value, low_iqr), (high, high_value, high_iqr) = ordered[0], ordered[-1]
    if not clearly_less(low_value, low_iqr, high_value, high_iqr):
        return f"all within the spread of the repeats ({unit(low_value)} to {unit(high_value)})"
    return (f"{low} is the cheapest ({unit(low_value)}) and {high} the dearest "
            f"({unit(high_value)}, {high_value / low_value:.1f} × {low})")


def element_sentences(cost: ActivationCost) -> list[str]:
    """(a): the operations, then which activation is cheapest forward and backward."""
    ns = lambda value: f"{value:.2f} ns"   # noqa: E731
    forward = [(c.activation, c.forward_ns, c.forward_iqr) for c in cost.elements]
    backward = [(c.activation + "′", c.backward_ns, c.backward_iqr) for c in cost.elements]
    return [
        "Backpropagation takes f′ from the output it stored in the forward pass: "
        "σ′ = out·(1 − out), tanh′ = 1 − out², relu′ = (out > 0). No derivative needs an "
        "exponential; only the forward sigmoid and tanh do.",
        f"Per element (median of {cost.repeats} timings on {cost.size:,} numbers), forward: "
        f"{_ranking(forward, ns)}; backward: {_ranking(backward, ns)}.",
    ]


def step_sentences(cost: ActivationCost, library: str = "NumPy") -> list[str]:
    """(b): the step time per activation, and the share of it the activation takes."""
    steps = [c for c in cost.steps if c.library == library]
    linear = next(c for c in steps if c.activation == "linear")
    shown = [c for c in steps if c.activation != "linear"]
    shares = []
    for c in shown:
        if clearly_less(linear.median, linear.iqr, c.median, c.iqr):
            shares.append(f"{c.activation} {(c.median - linear.median) / c.median:.0%}")
        else:
            shares.append(f"{c.activation} within the spread of the repeats")
    network = "-".join(map(str, STEP_SIZES))
    return [
        f"One SGD step of a {network} network on a batch of {STEP_BATCH} digits in {library}: "
        f"{_ranking([(c.activation, c.median, c.iqr) for c in shown], ms)}. The same step with "
        f"linear hidden units (no activation to compute) takes {ms(linear.median)}, so the "
        f"activation's share of a step is: {'; '.join(shares)}.",
    ]


def end_to_end_sentences(cost: ActivationCost) -> list[str]:
    """(c): steps × cost per step, and which activation reaches the target first."""
    whole = cost.end_to_end
    if whole is None:
        return []
    parts = [f"{a} {whole.steps[a]:,} steps × {ms(whole.step_seconds[a])} = "
             f"{whole.seconds(a):.3g} s" for a in whole.steps]
    ordered = sorted(whole.steps, key=whole.seconds)
    verdict = (f"{ordered[0]} gets there first" if whole.seconds(ordered[0]) < whole.seconds(ordered[1])
               else f"{ordered[0]} and {ordered[1]} tie")
    text = (f"End to end, on digits (η = {whole.learning_rate:g}, batch {whole.batch}, "
            f"{whole.epochs} epochs, mean of {whole.seeds} seeds): to reach a validation loss of "
            f"{whole.target:.3g}, the lowest that every activation reached: {'; '.join(parts)}. "
            f"{verdict}")
    if _steps_decide(whole):
        text += ": the steps needed decide, not the cost per step"
    return [text + "."]


def _steps_decide(whole) -> bool:
    """Does the order by time follow the order by steps rather than by cost per step?"""
    by_time = sorted(whole.steps, key=whole.seconds)
    by_step_cost = sorted(whole.steps, key=whole.step_seconds.get)
    by_steps = sorted(whole.steps, key=whole.steps.get)
    return by_time[0] != by_step_cost[0] and by_time[0] == by_steps[0]


def tables(cost: ActivationCost) -> list[Table]:
    """(a), (b), (c) as tables (header and rows of text)."""
    elements = Table(["activation", "f", "operations", "ns/element (IQR)", "f′ from out",
                      "operations", "ns/element (IQR)"],
                     [[c.activation, c.forward, c.forward_operations,
                       f"{c.forward_ns:.2f} ({c.forward_iqr:.2f})", c.backward,
                       c.backward_operations, f"{c.backward_ns:.2f} ({c.backward_iqr:.2f})"]
                      for c in cost.elements])
    steps = Table(["hidden", "library", "ms per step", "IQR (ms)"],
                  [[c.activation, c.library, f"{c.median * 1e3:.3f}", f"{c.iqr * 1e3:.3f}"]
                   for c in cost.steps])
    result = [elements, steps]
    if cost.end_to_end is not None:
        whole = cost.end_to_end
        result.append(Table(["hidden", "steps to target", "ms per step", "seconds"],
                            [[a, f"{whole.steps[a]:,}", f"{whole.step_seconds[a] * 1e3:.3f}",
                              f"{whole.seconds(a):.3g}"] for a in whole.steps]))
    return result


def cost_blocks(cost: ActivationCost) -> list[Block]:
    """The three measurements as document blocks, each table with its sentences."""
    element_table, step_table, *end_table = tables(cost)
    blocks: list[Block] = [Heading(2, "Per element"),
                           *map(Paragraph, element_sentences(cost)), element_table,
                           Heading(2, "Per training step"),
                           *(Paragraph(s) for library in _libraries(cost.steps)
                             for s in step_sentences(cost, library)), step_table]
    if end_table:
        blocks += [Heading(2, "End to end"), *map(Paragraph, end_to_end_sentences(cost)),
                   *end_table]
    return blocks


def _libraries(steps: list[StepCost]) -> list[str]:
    return list(dict.fromkeys(c.library for c in steps))


def cost_text(cost: ActivationCost) -> str:
    """The measurements for a terminal."""
    return to_text(cost_blocks(cost))
