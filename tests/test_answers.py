"""Checking a student's numbers: follow-through, rounding, hints. Expected values by hand."""

import json

import pytest

from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.errors import AnswerFileError
from backprop_tutor.teaching.answers import check_answers, decimals_written, is_right


@pytest.mark.parametrize("value, decimals", [(0.657, 3), (0.65, 2), (12.0, 0), (-0.0708, 4),
                                             (1e-05, 5), (4.4e-06, 7)])
def test_decimals_written(value, decimals):
    assert decimals_written(value) == decimals


def test_rounding_to_the_written_decimals_is_right():
    assert is_right(0.657, 0.6570104627)       # σ(0.65) rounded to 3 decimals
    assert is_right(0.66, 0.6570104627)        # ... to 2
    assert not is_right(0.658, 0.6570104627)   # 3 decimals, wrong last digit


def test_follow_through_marks_a_slip_once():
    """A student slips on out_h1 (0.675 instead of 0.657) and carries on correctly.

    By hand from their numbers: net_o1 = 0.7·0.675 − 0.5·0.475 + 0.2 = 0.435,
    which the checker must accept although the exact net_o1 is 0.422397.
    """
    network = load_network(DEFAULT_NETWORK)
    marks = check_answers(network, {"out_h1": 0.675, "out_h2": 0.475, "net_o1": 0.435})
    assert [(m.name, m.right) for m in marks] == [("out_h1", False), ("out_h2", True),
                                                  ("net_o1", True)]
    assert marks[2].expected == pytest.approx(0.435, abs=1e-12)
    assert marks[2].exact == pytest.approx(0.422396917610919, rel=1e-12)   # mpmath


def test_hints():
    network = load_network(EXAMPLES / "mazur.toml")
    # Sign: Mazur's delta_o1 is 0.138498562.
    marks = check_answers(network, {"delta_o1": -0.138499})
    assert marks[0].hint == "the sign is wrong"
    # Keras' convention with K = 2 gives the same step, so no factor hint can apply;
    # on the one-output tutorial network mse doubles delta_o1: 2 · (−0.0707814) = −0.141563.
    marks = check_answers(load_network(DEFAULT_NETWORK), {"delta_o1": -0.141563})
    assert "2/K" in marks[0].hint
    # Updated weights in the backward pass: by hand with Mazur's w5_new = 0.358916480,
    # w7_new = 0.511301270: (0.358916·0.138499 + 0.511301·(−0.038098))·0.593270·0.406730
    # = 0.0072945 instead of his 0.0087714.
    marks = check_answers(network, {"delta_h1": 0.0072945})
    assert marks[0].hint == "the backward pass must use the weights from before the update"


def test_unknown_name_is_an_error_naming_it():
    with pytest.raises(AnswerFileError, match="answers.toml: delta_h3: not a quantity"):
        check_answers(load_network(DEFAULT_NETWORK), {"delta_h3": 1.0}, source="answers.toml")


def test_check_command(run, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text("net_h1 = 0.65\nout_h1 = 0.657\ndelta_o1 = 0.0708\n")
    status, out, err = run("check", str(answers), "--hidden-activation", "sigmoid")
    assert status == 1 and err == ""
    assert "✓ net_h1" in out and "✗ delta_o1" in out and "hint: the sign is wrong" in out
    assert "2 of 3 answers right." in out
    status, out, _ = run("check", str(answers), "--format", "json")
    document = json.loads(out)
    assert (document["right"], document["wrong"]) == (2, 1)
    assert "w1_new" in document["unanswered"]


def test_check_accepts_the_json_of_solve(run, tmp_path):
    _, out, _ = run("solve", str(EXAMPLES / "mazur.toml"), "--format", "json")
    answers = tmp_path / "answers.json"
    answers.write_text(out)
    status, out, _ = run("check", str(answers), str(EXAMPLES / "mazur.toml"))
    assert status == 0 and "39 of 39 answers right." in out


@pytest.mark.parametrize("text, message", [
    ("net_h1 = ", "cannot be parsed"),
    ('net_h1 = "0.65"', "net_h1: expected a finite number"),
    ("", "expected name = number lines"),
])
def test_bad_answer_files(run, tmp_path, text, message):
    answers = tmp_path / "answers.toml"
    answers.write_text(text)
    status, out, err = run("check", str(answers))
    assert (status, out) == (2, "")
    assert err.startswith(f"backprop-tutor: error: {answers}") and message in err
