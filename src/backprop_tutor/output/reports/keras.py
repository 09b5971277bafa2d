"""The Keras comparison (Problem 4) as a document: loss per update, weights, the loss convention."""

from __future__ import annotations

from backprop_tutor.core.losses import LOSSES
from backprop_tutor.document.blocks import Block, Heading, Paragraph, Table
from backprop_tutor.document.notation import format_number
from backprop_tutor.networks.keras_network import (
    KerasComparison,
    same_step_learning_rates,
)
from backprop_tutor.output.reports.training import shown_updates
from backprop_tutor.output.reports.worksheet import describe
from backprop_tutor.output.writers import to_text


def comparison_text(result: KerasComparison, decimals: int = 10) -> str:
    """The comparison for a terminal."""
    return to_text(comparison_blocks(result, decimals))


def comparison_blocks(result: KerasComparison, decimals: int = 10) -> list[Block]:
    """Keras beside the NumPy network: E before each update, the weights after, the loss convention."""
    start = ("the file's weights" if result.seed is None
             else f"Keras' random weights (seed {result.seed})")
    updates = "update" if result.steps == 1 else "updates"
    by_hand = result.by_hand_max_abs_diff()   # None after several updates
    return [
        Heading(1, f"Keras beside the NumPy network: {result.start.title or 'network'}"),
        Paragraph(f"{describe(result.start)}."),
        Paragraph(f"Keras loss `{result.loss_convention}`, {result.precision}, {start}."),
        Heading(2, "E before each update"),
        Table(("update", "Keras", "NumPy", "difference"),
              tuple((str(step + 1), *_pair(result.keras_loss[step], result.numpy_loss[step], decimals))
                    for step in shown_updates(result.steps))),
        Heading(2, f"Weights and biases after {result.steps} {updates}"),
        Table(("name", "start", "Keras", "NumPy", "difference"),
              tuple((name, format_number(value, decimals),
                     *_pair(result.keras_values[name], result.numpy_values[name], decimals))
                    for name, value in result.start.parameters().items())),
        Paragraph(f"Largest difference |Keras − NumPy|: {_difference(result.max_abs_diff)} "
                  f"({result.precision})."),
        *([Paragraph(f"Largest difference |Keras − worked by hand|: "
                     f"{_difference(by_hand)} "
                     f"(`backprop-tutor solve --loss {result.start.loss}`).")]
          if by_hand is not None else []),
        *convention_blocks(result, decimals),
    ]


def convention_blocks(result: KerasComparison, decimals: int = 10,
                      commands: bool = True) -> list[Block]:
    """What the loss convention changes for this network: E, the gradient, the same-step η;
    with ``commands``, which command works each by hand (not in the pack's student text)."""
    k, factor = result.n_outputs, format_number(result.factor)
    initial = result.initial_loss()
    times = "the same as" if result.factor == 1 else f"{factor} times"
    pairs = dict.fromkeys(tuple(same_step_learning_rates(result.start.learning_rate, name, k).values())
                          for name in LOSSES)
    return [
        Heading(2, f"The loss convention for this network: K = {k} output "
                   f"unit{'s' if k > 1 else ''}, 2/K = {factor}"),
        Table(("loss", "E", "before the first update"),
              tuple((f"`{name}`", f"E = {loss.formula}", format_number(initial[name], decimals))
                    for name, loss in LOSSES.items()), align="llr"),
        Paragraph(f"So E of `mse` is 2/K times E of `half_sse`, and Keras' gradient 2/K·(out − t) "
                  f"is {times} the tutorial's (out − t). These take the same SGD step "
                  f"(η of `half_sse` = η of `mse` · 2/K):"),
        Table(("`mse` with η", "`half_sse` with η"),
              tuple((format_number(mse), format_number(half_sse)) for mse, half_sse in pairs),
              align="rr"),
        *([Paragraph("`backprop-tutor solve --loss half_sse` works by hand what `--loss half_sse` "
                     "does here, and `solve --loss mse` what `--loss mse` does.")]
          if commands else []),
    ]


def _pair(keras_value: float, numpy_value: float, decimals: int) -> tuple[str, str, str]:
    """Keras, NumPy, and Keras − NumPy."""
    return (format_number(keras_value, decimals), format_number(numpy_value, decimals),
            _difference(keras_value - numpy_value))


def _difference(value: float) -> str:
    """A difference of rounding size, in scientific notation: 1.1e-16."""
    return "0" if value == 0 else f"{value:.1e}"
