"""Problem 1's formula checker: a student's formulas against the worked solution.

Numbers by hand on examples/tutorial.toml (i1 = 0.5, i2 = 1, sigmoid units):
delta_o1 = (0.604057 - 0.9) · 0.604057 · (1 - 0.604057) = -0.0707814,
delta_h1 = 0.7 · (-0.0707814) · 0.657010 · (1 - 0.657010) = -0.0111653,
dE_dw1 = delta_h1 · i1 = -0.00558265, so the slip delta_h1 · i2 gives -0.0111653.
"""

from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.output.reports.formulas import render_formula_marks
from backprop_tutor.teaching.formulas import check_formulas, random_networks

NETWORK = load_network(DEFAULT_NETWORK)


def marks_by_name(formulas):
    return {m.name: m for m in check_formulas(NETWORK, formulas)}


def test_right_formulas_are_right_however_they_are_written():
    marks = marks_by_name({
        "out_o1": "1 / (1 + exp(-net_o1))",
        "delta_o1": "(out_o1 - t1) * out_o1 * (1 - out_o1)",
        "dE_dw5": "delta_o1 * out_h1",
        "dE_dw6": "(out_o1 - t1) * out_o1 * (1 - out_o1) * out_h2",
        "delta_h1": "w5 * delta_o1 * out_h1 * (1 - out_h1)",
        "dE_db_h1": "delta_h1",
    })
    assert all(m.right is True for m in marks.values()), marks


def test_a_slip_is_wrong_with_the_value_it_gives_at_the_files_numbers():
    mark = marks_by_name({"dE_dw1": "delta_h1 * i2"})["dE_dw1"]
    assert mark.right is False and mark.point == 0
    assert round(mark.value, 7) == -0.0111653 and round(mark.expected, 8) == -0.00558265
    text = render_formula_marks([mark])
    assert text == ("  ✗ dE_dw1 = delta_h1 * i2\n"
                    "      gives -0.0111653 at the file's numbers, where dE_dw1 = -0.00558265\n")


def test_a_formula_right_by_coincidence_is_caught_at_random_numbers():
    # dE_dw2 = delta_h1 · i2, and i2 = 1 in the file: leaving out i2 agrees there only.
    mark = marks_by_name({"dE_dw2": "delta_h1"})["dE_dw2"]
    assert mark.right is False and mark.point >= 1
    assert "only by coincidence" in render_formula_marks([mark])


def test_random_sets_change_inputs_and_targets_too():
    for copy in random_networks(NETWORK, 3, seed=1):
        assert copy.inputs != NETWORK.inputs and copy.targets != NETWORK.targets
        assert all(0.05 <= t <= 0.95 for t in copy.targets)


def test_unwritten_unknown_and_unreadable_formulas():
    marks = marks_by_name({"delta_o1": "  ", "dE_dw9": "delta_h1",
                           "delta_h2": "w6 * delta_o1 *", "dE_dw5": "delta_h1 * out_h1"})
    assert marks["delta_o1"].right is None
    assert "not a quantity of this network" in marks["dE_dw9"].error
    assert marks["delta_h2"].error.startswith("SyntaxError")
    # Every delta is known before any gradient: the wrong delta gives a wrong value, not an error.
    assert marks["dE_dw5"].right is False and not marks["dE_dw5"].error
    text = render_formula_marks(list(marks.values()))
    assert "  · delta_o1: not written yet" in text
    assert "cannot be evaluated at the file's numbers: SyntaxError" in text


def test_a_name_not_known_yet_cannot_be_used():
    # The output delta comes before the hidden ones: delta_h1 is not known for delta_o1.
    mark = marks_by_name({"delta_o1": "delta_h1 / w5"})["delta_o1"]
    assert mark.right is False and mark.error.startswith("NameError")


def test_marks_are_the_same_every_time():
    formulas = {"dE_dw2": "delta_h1", "dE_dw1": "delta_h1 * i2"}
    assert check_formulas(NETWORK, formulas) == check_formulas(NETWORK, formulas)
