"""What an activation costs, for a reader: tables and sentences made from the measured numbers.

Timings differ from machine to machine and from run to run. Every timing is
shown as its median and a 95 % interval of the median over the repeats
(``Timing``); a sentence ranks two activations only where their intervals do
not overlap, and otherwise says that they are indistinguishable on this
machine. The operation counts per element, which do not depend on the
machine, stand beside the times.
"""

from __future__ import annotations

from itertools import combinations

from backprop_tutor.document.blocks import Block, Heading, Paragraph, Table
from backprop_tutor.output.writers import to_text
from backprop_tutor.teaching.activation_cost import (
    OPERATIONS,
    STEP_BATCH,
    STEP_SIZES,
    ActivationCost,
    StepCost,
    Timing,
)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3g} ms"


def ns(value: float) -> str:
    return f"{value:.3g} ns"


def with_interval(timing: Timing, unit) -> str:
    """``0.812 ms (0.80–0.83)``: the median and its 95 % interval."""
    return f"{unit(timing.median)} ({unit(timing.low)}–{unit(timing.high)})"


def comparison(timings: dict[str, Timing], cheaper: str = "cheaper than") -> str:
    """Every pair ranked where their intervals are apart; the rest called indistinguishable.

    >>> t = lambda m, w: Timing(m, m - w, m + w, 9)
    >>> comparison({"relu": t(1.0, 0.1), "tanh": t(2.0, 0.1), "sigmoid": t(2.05, 0.1)})
    'relu is cheaper than tanh and sigmoid; tanh and sigmoid are indistinguishable on this machine'
    >>> print(comparison({"relu": t(1.0, 0.3), "tanh": t(1.5, 0.3), "sigmoid": t(2.0, 0.3)}))
    ... # doctest: +NORMALIZE_WHITESPACE
    relu is cheaper than sigmoid; relu and tanh are indistinguishable on this machine,
    and so are tanh and sigmoid
    >>> comparison({"relu": t(1.0, 0.5), "tanh": t(1.2, 0.5)})
    'relu and tanh are indistinguishable on this machine'
    """
    ordered = sorted(timings, key=lambda name: timings[name].median)
    apart: dict[str, list[str]] = {}
    alike = []
    for a, b in combinations(ordered, 2):
        if timings[a].clearly_below(timings[b]):
            apart.setdefault(a, []).append(b)
        else:
            alike.append(f"{a} and {b}")
    if not apart:
        return f"{', '.join(ordered[:-1])} and {ordered[-1]} are indistinguishable on this machine"
    parts = [f"{a} is {cheaper} {' and '.join(bs)}" for a, bs in apart.items()]
    if alike:
        parts.append(f"{alike[0]} are indistinguishable on this machine"
                     + "".join(f", and so are {pair}" for pair in alike[1:]))
    return "; ".join(parts)


def element_sentences(cost: ActivationCost) -> list[str]:
    """(a): the operations, then which activation is cheaper forward and backward, if any."""
    forward = {c.activation: c.forward_ns for c in cost.elements}
    backward = {c.activation + "′": c.backward_ns for c in cost.elements}
    return [
        "Backpropagation takes f′ from the output it stored in the forward pass: "
        "σ′ = out·(1 − out), tanh′ = 1 − out², relu′ = (out > 0). No derivative needs an "
        "exponential; only the forward sigmoid and tanh do (inside tanh).",
        f"Per element (median of {cost.repeats} timings on {cost.size:,} numbers, with a 95 % "
        f"interval of the median), forward: {comparison(forward)}; backward: "
        f"{comparison(backward)}.",
    ]


def step_sentences(cost: ActivationCost, library: str = "NumPy") -> list[str]:
    """(b): the step time per activation, and the share of it the activation takes, if measurable."""
    steps = {c.activation: c.seconds for c in cost.steps if c.library == library}
    linear = steps.pop("linear")
    shares = []
    for name, timing in steps.items():
        if linear.clearly_below(timing):
            shares.append(f"{name} {(timing.median - linear.median) / timing.median:.0%}")
        else:
            shares.append(f"{name} indistinguishable from it on this machine")
    network = "-".join(map(str, STEP_SIZES))
    return [
        f"One SGD step of a {network} network on a batch of {STEP_BATCH} digits in {library} "
        f"(median of {linear.repeats} timings, 95 % interval): {comparison(steps)}. The same step "
        f"with linear hidden units (no activation to compute) takes "
        f"{with_interval(linear, ms)}, so the activation's share of a step is: "
        f"{'; '.join(shares)}.",
    ]


def end_to_end_sentences(cost: ActivationCost) -> list[str]:
    """(c): steps × cost per step, each at its own best η, and who gets there first, if anyone."""
    whole = cost.end_to_end
    if whole is None:
        return []
    parts = [f"{a} at η = {whole.learning_rates[a]:g}: {whole.steps[a]:,} steps × "
             f"{ms(whole.step_seconds[a].median)} = {with_interval(whole.seconds(a), _seconds)}"
             for a in whole.steps]
    seconds = {a: whole.seconds(a) for a in whole.steps}
    return [f"End to end, on digits ({whole.network}, batches of {whole.batch}, {whole.epochs} "
            f"epochs, mean of {whole.seeds} seeds), each activation at its own best η from the "
            f"lab's learning-rate sweep: to reach a validation loss of {whole.target:.3g}, the "
            f"lowest that every activation reached, {'; '.join(parts)}. In time: "
            f"{comparison(seconds, 'quicker than')}."]


def _seconds(value: float) -> str:
    return f"{value:.3g} s"


def _operations(counts: dict) -> str:
    return ", ".join(f"{counts[op]} {op}" for op in OPERATIONS if counts.get(op))


def tables(cost: ActivationCost) -> list[Table]:
    """(a), (b), (c) as tables."""
    elements = Table(["activation", "f", "per element", "ns (95 % interval)", "f′ from out",
                      "per element", "ns (95 % interval)"],
                     [[c.activation, c.forward, _operations(c.forward_operations),
                       with_interval(c.forward_ns, lambda v: f"{v:.2f}"), c.backward,
                       _operations(c.backward_operations),
                       with_interval(c.backward_ns, lambda v: f"{v:.2f}")]
                      for c in cost.elements])
    steps = Table(["hidden", "library", "ms per step (95 % interval)"],
                  [[c.activation, c.library, with_interval(c.seconds, lambda v: f"{v * 1e3:.3f}")]
                   for c in cost.steps])
    result = [elements, steps]
    if cost.end_to_end is not None:
        whole = cost.end_to_end
        result.append(Table(["hidden", "best η", "steps to target", "ms per step",
                             "seconds (95 % interval)"],
                            [[a, f"{whole.learning_rates[a]:g}", f"{whole.steps[a]:,}",
                              f"{whole.step_seconds[a].median * 1e3:.3f}",
                              with_interval(whole.seconds(a), lambda v: f"{v:.3g}")]
                             for a in whole.steps]))
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
