"""Activation cost: the formulas, the statistics, and prose that agrees with its numbers.

Timings are never asserted (machines are noisy); the sentences are checked on
hand-made measurements, and the real measurement for its structure.
"""

import json

import numpy as np
import pytest

from backprop_tutor.output.reports.cost import (
    clearly_less,
    element_sentences,
    end_to_end_sentences,
    step_sentences,
)
from backprop_tutor.teaching.activation_cost import (
    FORMULAS,
    ActivationCost,
    ElementCost,
    EndToEnd,
    StepCost,
    median_iqr,
)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_derivative_from_out_is_the_derivative(activation):
    *_, f, f_prime_from_out = FORMULAS[activation]
    x = np.array([-2.5, -0.7, 0.3, 1.9])   # away from relu's kink
    h = 1e-6
    central = (f(x + h) - f(x - h)) / (2 * h)
    assert f_prime_from_out(f(x)) == pytest.approx(central, abs=1e-8)


def test_sigmoid_as_computed_is_the_textbook_formula():
    # 1/(1+e^-2) and 1/(1+e^1), by hand with math.exp.
    sigmoid = FORMULAS["sigmoid"][4]
    values = sigmoid(np.array([0.0, 2.0, -1.0]))
    assert values.tolist() == pytest.approx([0.5, 0.8807970779778823, 0.2689414213699951],
                                            rel=1e-15)


def test_derivatives_by_hand():
    # sigmoid'(0) = 1/4, tanh'(0) = 1, relu'(0) = 0 (as in TensorFlow), relu'(2) = 1
    assert FORMULAS["sigmoid"][5](FORMULAS["sigmoid"][4](np.array([0.0]))) == [0.25]
    assert FORMULAS["tanh"][5](np.tanh(np.array([0.0]))) == [1.0]
    assert FORMULAS["relu"][5](np.array([0.0, 2.0])).tolist() == [0.0, 1.0]


def test_median_and_interquartile_range():
    # sorted 1..5: median 3, quartiles 2 and 4 (linear interpolation)
    assert median_iqr([5, 1, 4, 2, 3]) == (3.0, 2.0)
    assert median_iqr([10.0, 10.0, 10.0]) == (10.0, 0.0)


def test_clearly_less_needs_the_gap_to_exceed_the_spread():
    assert clearly_less(1.0, 0.2, 1.5, 0.2)         # 1.1 < 1.4
    assert not clearly_less(1.0, 0.6, 1.5, 0.6)     # 1.3 > 1.2


def hand_made(elements=None, steps=None, whole=None):
    elements = elements or [
        ElementCost("sigmoid", "f", "ops", "f'", "ops", 4.0, 0.1, 1.0, 0.2),
        ElementCost("tanh", "f", "ops", "f'", "ops", 2.0, 0.1, 1.05, 0.2),
        ElementCost("relu", "f", "ops", "f'", "ops", 0.5, 0.1, 0.9, 0.2)]
    steps = steps or [StepCost("sigmoid", "NumPy", 1.5e-3, 0.02e-3),
                      StepCost("tanh", "NumPy", 1.2e-3, 0.02e-3),
                      StepCost("relu", "NumPy", 1.01e-3, 0.05e-3),
                      StepCost("linear", "NumPy", 1.0e-3, 0.02e-3)]
    return ActivationCost(elements, steps, whole, 1000, 5, "test")


def test_element_sentence_names_the_cheapest_and_dearest_from_the_numbers():
    _, sentence = element_sentences(hand_made())
    assert "forward: relu is the cheapest (0.50 ns) and sigmoid the dearest (4.00 ns, 8.0 × relu)" \
        in sentence
    # backward: 0.9 + 0.1 is not below 1.05 - 0.1: not told apart
    assert "backward: all within the spread of the repeats (0.90 ns to 1.05 ns)" in sentence


def test_step_sentence_gives_the_share_over_the_linear_step():
    (sentence,) = step_sentences(hand_made())
    # (1.5 - 1.0) / 1.5 = 33 %, (1.2 - 1.0) / 1.2 = 17 %; relu 1.01 ± 0.025 vs 1.0 ± 0.01: spread
    assert "relu is the cheapest (1.01 ms) and sigmoid the dearest (1.5 ms, 1.5 × relu)" in sentence
    assert "linear hidden units (no activation to compute) takes 1 ms" in sentence
    assert "sigmoid 33%; tanh 17%; relu within the spread of the repeats" in sentence


def test_end_to_end_sentence_multiplies_steps_by_cost():
    whole = EndToEnd(0.25, 5, 64, 0.5, 2, {"sigmoid": 100, "tanh": 20, "relu": 40},
                     {"sigmoid": 1.5e-3, "tanh": 1.2e-3, "relu": 1.0e-3}, {})
    (sentence,) = end_to_end_sentences(hand_made(whole=whole))
    # 100 × 1.5 ms = 0.15 s; 20 × 1.2 ms = 0.024 s; 40 × 1 ms = 0.04 s
    assert "sigmoid 100 steps × 1.5 ms = 0.15 s; tanh 20 steps × 1.2 ms = 0.024 s; " \
           "relu 40 steps × 1 ms = 0.04 s" in sentence
    # tanh wins with the fewest steps though relu's step is cheaper
    assert "tanh gets there first: the steps needed decide, not the cost per step." in sentence
    assert whole.winner == "tanh"


def test_end_to_end_tie_is_called_a_tie():
    whole = EndToEnd(0.25, 5, 64, 0.5, 2, {"tanh": 10, "relu": 10},
                     {"tanh": 1e-3, "relu": 1e-3}, {})
    (sentence,) = end_to_end_sentences(hand_made(whole=whole))
    assert sentence.endswith("tanh and relu tie.")


@pytest.fixture(scope="module")
def measured():
    from backprop_tutor.teaching.activation_cost import measure

    return measure(size=2000, repeats=3, epochs=2, jobs=1)


def test_measurement_has_every_part(measured):
    assert [c.activation for c in measured.elements] == ["sigmoid", "tanh", "relu"]
    assert [c.activation for c in measured.steps] == ["sigmoid", "tanh", "relu", "linear"]
    assert all(c.median > 0 and c.iqr >= 0 for c in measured.steps)
    whole = measured.end_to_end
    # the target is the lowest mean validation loss the worst activation reached
    assert whole.target == max(min(curve) for curve in whole.mean_val_loss.values())
    per_epoch = 23   # ceil(1438 training rows of digits / 64)
    for activation, curve in whole.mean_val_loss.items():
        first = next(epoch for epoch, loss in enumerate(curve) if loss <= whole.target)
        assert whole.steps[activation] == first * per_epoch
        assert whole.seconds(activation) == whole.steps[activation] * measured.step(activation).median


def test_command_text_and_json(run):
    status, out, err = run("bench-activations", "--size", "1000", "--repeats", "3", "--epochs",
                           "0", "--jobs", "1")
    assert (status, err) == (0, "")
    assert "Per element" in out and "Per training step" in out and "End to end" not in out
    status, out, err = run("bench-activations", "--size", "1000", "--repeats", "3", "--epochs",
                           "0", "--format", "json")
    document = json.loads(out)
    assert document["network"] == "64-256-256-10" and document["end_to_end"] is None
    assert [row["activation"] for row in document["per_step"]] == ["sigmoid", "tanh", "relu",
                                                                   "linear"]


@pytest.mark.parametrize("args", [["--size", "0"], ["--repeats", "2"], ["--format", "csv"]])
def test_command_rejects_bad_options_in_one_line(run, args):
    status, out, err = run("bench-activations", *args)
    assert status == 2 and out == ""
    assert err.startswith("backprop-tutor: error: ") and err.count("\n") == 1


def test_cost_figure_is_the_same_for_the_same_numbers(tmp_path):
    from backprop_tutor.output.lab_figures import plot_cost

    whole = EndToEnd(0.25, 5, 64, 0.5, 2, {"sigmoid": 100, "tanh": 20, "relu": 40},
                     {"sigmoid": 1.5e-3, "tanh": 1.2e-3, "relu": 1.0e-3}, {})
    for folder in ("a", "b"):
        plot_cost(hand_made(whole=whole), tmp_path / folder / "cost")
    for name in ("cost.png", "cost.svg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
