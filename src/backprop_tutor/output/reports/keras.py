"""The Keras comparison (Problem 4) for a terminal: loss per update, weights, the loss convention."""

from __future__ import annotations

from backprop_tutor.networks.keras_network import (
    LOSS_CONVENTIONS,
    KerasComparison,
    same_step_learning_rates,
)
from backprop_tutor.output.notation import format_number
from backprop_tutor.output.reports.training import shown_updates
from backprop_tutor.output.reports.worksheet import describe


def comparison_text(result: KerasComparison, decimals: int = 10) -> str:
    """The comparison for people: loss per update, weights after the last, the loss convention."""
    sections = [_text_heading(result), _text_losses(result, decimals),
                _text_values(result, decimals), _text_convention(result, decimals)]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


def _text_heading(result: KerasComparison) -> list[str]:
    start = ("the file's weights" if result.seed is None
             else f"Keras' random weights (seed {result.seed})")
    return [f"Keras beside the NumPy network: {result.start.title or 'network'}",
            f"  {describe(result.start)}",
            f"  Keras loss {result.loss_convention} (= {result.start.loss}), {result.precision}, "
            f"{start}"]


def _text_losses(result: KerasComparison, decimals: int) -> list[str]:
    return ["E before each update", _row("update", ["Keras", "NumPy"], "difference", decimals),
            *(_comparison_row(str(step + 1), [], result.keras_loss[step], result.numpy_loss[step],
                              decimals) for step in shown_updates(result.steps))]


def _text_values(result: KerasComparison, decimals: int) -> list[str]:
    updates = "update" if result.steps == 1 else "updates"
    return [f"Weights and biases after {result.steps} {updates}",
            _row("name", ["start", "Keras", "NumPy"], "difference", decimals),
            *(_comparison_row(name, [format_number(start, decimals)], result.keras_values[name],
                              result.numpy_values[name], decimals)
              for name, start in result.start.parameters().items()),
            f"Largest difference |Keras − NumPy|: {_difference(result.max_abs_diff)} "
            f"({result.precision})",
            *([f"Largest difference |Keras − worked by hand|: "
               f"{_difference(result.by_hand_max_abs_diff())} (solve --loss {result.start.loss})"]
              if result.steps == 1 else [])]


def _comparison_row(label: str, before: list[str], keras_value: float, numpy_value: float,
                    decimals: int) -> str:
    """One table row: label, any leading columns, Keras, NumPy, Keras − NumPy."""
    numbers = [format_number(keras_value, decimals), format_number(numpy_value, decimals)]
    return _row(label, before + numbers, _difference(keras_value - numpy_value), decimals)


def _row(label: str, columns: list[str], difference: str, decimals: int) -> str:
    width = decimals + 6  # sign, "0." and a few digits of an exponent
    return "  ".join([f"  {label:<6}", *(f"{column:>{width}}" for column in columns),
                      f"{difference:>10}"])


def _text_convention(result: KerasComparison, decimals: int) -> list[str]:
    k, factor, rate = result.n_outputs, format_number(result.factor), result.start.learning_rate
    loss = {name: format_number(value, decimals) for name, value in result.initial_loss().items()}
    times = "the same as" if result.factor == 1 else f"{factor} times"
    lines = [f"The loss convention for this network: K = {k} output unit{'s' if k > 1 else ''}, "
             f"2/K = {factor}",
             f"  tutorial   E = ½·Σ (t − out)²   = {loss['half_sse']}"
             " before the first update",
             f"  keras-mse  E = mean (t − out)²  = {loss['mse']} = 2/K · the tutorial's E",
             f"  Keras' gradient 2/K · (out − t) is {times} the tutorial's (out − t),",
             "  so these take the same SGD step (η_tutorial = η_keras · 2/K):"]
    pairs = dict.fromkeys(tuple(same_step_learning_rates(rate, convention, k).values())
                          for convention in LOSS_CONVENTIONS)
    for keras_rate, tutorial_rate in pairs:
        lines.append(f"    {'keras-mse with η = ' + format_number(keras_rate):<28}"
                     f"tutorial with η = {format_number(tutorial_rate)}")
    return lines + ["  `backprop-tutor solve --loss half_sse` works by hand what --loss tutorial",
                    "  does here; `backprop-tutor solve --loss mse` what --loss keras-mse does."]


def _difference(value: float) -> str:
    """A difference of rounding size, in scientific notation: 1.1e-16."""
    return "0" if value == 0 else f"{value:.1e}"
