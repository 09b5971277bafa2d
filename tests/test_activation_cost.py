"""The activation-cost benchmark: its structure, never its timings (machines are noisy)."""

import json
import math

import numpy as np
import pytest

from backprop_tutor.output.reports.cost import render_cost_text
from backprop_tutor.teaching.activation_cost import (
    benchmark_input,
    measure_costs,
    plain_sigmoid,
)

LABELS = ["sigmoid", "sigmoid'", "tanh", "tanh'", "relu", "relu'", "sigmoid, plain"]
SIX = LABELS[:6]


@pytest.fixture(scope="module")
def table():
    return measure_costs(size=1000, repeats=3)


def test_every_function_is_timed_once_in_order(table):
    assert [row.label for row in table.rows] == LABELS
    assert [row.kind for row in table.rows] == ["function", "derivative"] * 3 + ["function"]
    assert (table.size, table.repeats, table.seed) == (1000, 3, 0)


def test_times_are_positive_and_ratios_are_to_relu(table):
    relu, relu_derivative = table.row("relu"), table.row("relu'")
    assert relu.ratio == 1.0 and relu_derivative.ratio == 1.0
    for row in table.rows:
        assert math.isfinite(row.ns_per_element) and row.ns_per_element > 0, row.label
        baseline = relu_derivative if row.kind == "derivative" else relu
        assert row.ratio == pytest.approx(row.ns_per_element / baseline.ns_per_element)


def test_input_is_seeded_and_in_range():
    x = benchmark_input(10_000, seed=3)
    assert x.dtype == np.float64 and x.shape == (10_000,)
    assert -4.0 <= x.min() and x.max() <= 4.0
    assert np.array_equal(x, benchmark_input(10_000, seed=3))
    assert not np.array_equal(x, benchmark_input(10_000, seed=4))


def test_plain_sigmoid_is_the_textbook_formula():
    # 1/(1+e^-2) and 1/(1+e^1), by hand with math.exp.
    values = plain_sigmoid(np.array([0.0, 2.0, -1.0]))
    assert values.tolist() == pytest.approx([0.5, 0.8807970779778823, 0.2689414213699951],
                                            rel=1e-15)


@pytest.mark.parametrize("name, value", [("size", 0), ("repeats", 0), ("size", 2.5),
                                         ("repeats", True)])
def test_bad_settings_name_the_parameter(name, value):
    with pytest.raises(ValueError, match=f"^{name} must be a whole number"):
        measure_costs(**{name: value})


def table_rows(text: str) -> dict[str, tuple[float, float]]:
    """The rows of a printed table, from below its dashed rule to the first blank line:
    label (the first 16 columns) → (ns per element, ratio), the last two columns."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if set(line) == {"-"}) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return {line[:16].strip(): (float(line.split()[-2]), float(line.split()[-1]))
            for line in lines[start:end]}


def test_text_table_has_a_row_per_function(table):
    text = render_cost_text(table)
    rows = table_rows(text)
    assert list(rows) == LABELS
    assert rows["relu"][1] == 1.0 and rows["relu'"][1] == 1.0
    assert "1,000 float64" in text.splitlines()[0]


def test_command_prints_the_table_and_why(run):
    status, out, err = run("bench-activations", "--size", "1000", "--repeats", "2")
    assert (status, err) == (0, "")
    rows = table_rows(out)
    assert list(rows)[:6] == SIX
    assert all(ns > 0 and ratio > 0 for ns, ratio in rows.values())
    assert rows["relu"][1] == 1.0 and rows["relu'"][1] == 1.0
    assert "Why the costs differ" in out and "memory bandwidth" in out


def test_command_json(run):
    status, out, err = run("bench-activations", "--size", "1000", "--repeats", "2",
                           "--format", "json")
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert (document["size"], document["repeats"], document["unit"]) == (1000, 2,
                                                                         "ns per element")
    assert document["ratio_to"] == {"function": "relu", "derivative": "relu'"}
    rows = {row["label"]: row for row in document["rows"]}
    assert list(rows) == LABELS
    assert rows["relu"]["ratio"] == 1.0 and rows["relu'"]["ratio"] == 1.0
    assert all(row["ns_per_element"] > 0 and row["ratio"] > 0 for row in rows.values())
    assert rows["tanh'"]["formula"] == "1 − tanh(x)²"   # not escaped as \u2212


@pytest.mark.parametrize("args", [["--size", "0"], ["--repeats", "0"], ["--format", "csv"]])
def test_command_rejects_bad_options_in_one_line(run, args):
    status, out, err = run("bench-activations", *args)
    assert status == 2 and out == ""
    assert err.startswith("backprop-tutor: error: ") and err.count("\n") == 1
