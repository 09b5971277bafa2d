"""Activation cost: the formulas, the statistics, and prose that agrees with its numbers.

Timings are never asserted (machines are noisy); the sentences are checked on
hand-made measurements, and the real measurement for its structure.
"""

import json

import numpy as np
import pytest

from backprop_tutor.output.reports.cost import (
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
    Timing,
    median_interval,
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


def test_operation_counts_per_element_by_hand():
    # sigmoid as computed: 0.5 * (1 + tanh(0.5 * x)): one tanh, two multiplications, one addition
    assert FORMULAS["sigmoid"][1] == {"tanh": 1, "mul": 2, "add": 1}
    assert FORMULAS["tanh"][3] == {"mul": 1, "add": 1}           # 1 − out·out
    assert FORMULAS["relu"][1] == FORMULAS["relu"][3] == {"compare": 1}


def test_median_interval_of_the_median():
    # n = 15: j = floor(7.5 − 0.98·3.873) = 3, k = ceil(7.5 + 3.796) = 12 → 3rd and 12th sorted
    timing = median_interval([15, 1, 14, 2, 13, 3, 12, 4, 11, 5, 10, 6, 9, 7, 8])
    assert (timing.median, timing.low, timing.high, timing.repeats) == (8.0, 3.0, 12.0, 15)
    # n = 3: j = floor(1.5 − 1.697) → at least 1, k = ceil(3.197) → at most 3
    assert median_interval([2.0, 1.0, 3.0]) == Timing(2.0, 1.0, 3.0, 3)


def t(median, half_width, repeats=9):
    return Timing(median, median - half_width, median + half_width, repeats)


def hand_made(elements=None, steps=None, whole=None):
    elements = elements or [
        ElementCost("sigmoid", "f", {}, "f'", {}, t(4.0, 0.1), t(1.0, 0.1)),
        ElementCost("tanh", "f", {}, "f'", {}, t(2.0, 0.1), t(1.05, 0.1)),
        ElementCost("relu", "f", {}, "f'", {}, t(0.5, 0.1), t(0.9, 0.1))]
    steps = steps or [StepCost("sigmoid", "NumPy", t(1.5e-3, 0.02e-3)),
                      StepCost("tanh", "NumPy", t(1.2e-3, 0.02e-3)),
                      StepCost("relu", "NumPy", t(1.01e-3, 0.05e-3)),
                      StepCost("linear", "NumPy", t(1.0e-3, 0.02e-3))]
    return ActivationCost(elements, steps, whole, 1000, 9, "test")


def test_element_sentence_ranks_only_separated_intervals():
    _, sentence = element_sentences(hand_made())
    # forward: [0.4, 0.6] < [1.9, 2.1] < [3.9, 4.1]: every pair apart
    assert "forward: relu is cheaper than tanh and sigmoid; tanh is cheaper than sigmoid;" \
        in sentence
    # backward: [0.8, 1.0], [0.9, 1.1], [0.95, 1.15] all overlap
    assert "backward: relu′, sigmoid′ and tanh′ are indistinguishable on this machine." in sentence


def test_step_sentence_gives_the_share_only_where_it_is_measurable():
    (sentence,) = step_sentences(hand_made())
    # (1.5 − 1.0) / 1.5 = 33 %, (1.2 − 1.0) / 1.2 = 17 %; relu [0.96, 1.06] overlaps linear
    # [0.98, 1.02]: indistinguishable
    assert "takes 1 ms (0.98 ms–1.02 ms)" in sentence
    assert ("share of a step is: sigmoid 33%; tanh 17%; relu indistinguishable from it on this "
            "machine.") in sentence
    assert "relu is cheaper than tanh and sigmoid; tanh is cheaper than sigmoid" in sentence


def end_to_end(steps, step_ms):
    return EndToEnd(0.25, 5, 64, "64-16-10, linear output", {"sigmoid": 0.5, "tanh": 0.2,
                                                             "relu": 0.1}, 2, steps,
                    {a: t(ms * 1e-3, 0.02e-3) for a, ms in step_ms.items()}, {})


def test_end_to_end_multiplies_steps_by_cost_at_each_best_rate():
    whole = end_to_end({"sigmoid": 100, "tanh": 20, "relu": 40},
                       {"sigmoid": 1.5, "tanh": 1.2, "relu": 1.0})
    (sentence,) = end_to_end_sentences(hand_made(whole=whole))
    # 100 × 1.5 ms = 0.15 s [0.148, 0.152]; 20 × 1.2 ms = 0.024 s; 40 × 1 ms = 0.04 s
    assert "sigmoid at η = 0.5: 100 steps × 1.5 ms = 0.15 s (0.148 s–0.152 s)" in sentence
    assert "tanh at η = 0.2: 20 steps × 1.2 ms = 0.024 s (0.0236 s–0.0244 s)" in sentence
    assert sentence.endswith("In time: tanh is quicker than relu and sigmoid; relu is quicker "
                             "than sigmoid.")


def test_end_to_end_equal_steps_and_overlapping_costs_are_indistinguishable():
    # 23 steps each, 1.00 ± 0.02 ms and 1.01 ± 0.02 ms: the intervals overlap
    whole = end_to_end({"tanh": 23, "relu": 23}, {"tanh": 1.01, "relu": 1.0})
    (sentence,) = end_to_end_sentences(hand_made(whole=whole))
    assert sentence.endswith("In time: relu and tanh are indistinguishable on this machine.")


@pytest.fixture(scope="module")
def measured():
    from backprop_tutor.teaching.activation_cost import measure

    return measure(size=2000, repeats=3, epochs=2, jobs=2)


def test_measurement_has_every_part(measured):
    assert [c.activation for c in measured.elements] == ["sigmoid", "tanh", "relu"]
    assert [c.activation for c in measured.steps] == ["sigmoid", "tanh", "relu", "linear"]
    assert all(0 < c.seconds.low <= c.seconds.median <= c.seconds.high for c in measured.steps)
    whole = measured.end_to_end
    # the target is the lowest mean validation loss the worst activation reached
    assert whole.target == max(min(curve) for curve in whole.mean_val_loss.values())
    per_epoch = 23   # ceil(1438 training rows of digits / 64)
    for activation, curve in whole.mean_val_loss.items():
        first = next(epoch for epoch, loss in enumerate(curve) if loss <= whole.target)
        assert whole.steps[activation] == first * per_epoch
        assert whole.seconds(activation).median == (whole.steps[activation]
                                                    * whole.step_seconds[activation].median)


def test_timings_warm_up_once_then_time_repeats_of_calls():
    from backprop_tutor.teaching.activation_cost import timings

    called = []
    samples = timings(lambda: called.append(1), repeats=3, calls=4)
    assert len(samples) == 3 and len(called) == 1 + 3 * 4


def test_measure_refuses_fewer_than_one_call_per_timing():
    from backprop_tutor.teaching.activation_cost import measure

    with pytest.raises(ValueError, match="calls must be a whole number of at least 1; got 0"):
        measure(size=10, repeats=3, epochs=0, calls=0)


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

    whole = end_to_end({"sigmoid": 100, "tanh": 20, "relu": 40},
                       {"sigmoid": 1.5, "tanh": 1.2, "relu": 1.0})
    for folder in ("a", "b"):
        plot_cost(hand_made(whole=whole), tmp_path / folder / "cost")
    for name in ("cost.png", "cost.svg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
