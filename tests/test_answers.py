"""Checking a student's numbers: the precision rule, follow-through, settings, the command.

Expected values by hand or with mpmath (30 digits) on the tutorial network.
"""

import json
import math

import pytest

from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.errors import AnswerFileError
from backprop_tutor.teaching.marking import check_answers
from backprop_tutor.teaching.precision import judge, written
from backprop_tutor.teaching.rounding import ROUNDING_RULE, Rounding

OUT_H1 = 0.657010462673498785933          # σ(0.65), mpmath
OUT_O1 = 0.604056668691073049422          # mpmath


@pytest.mark.parametrize("text, sig_figs, unit", [
    ("0.657", 3, 1e-3), ("0.0708", 3, 1e-4), ("12", 2, 1.0), ("-0.1", 1, 0.1),
    ("1.20e-3", 3, 1e-5), ("4.4e-06", 2, 1e-7), ("0", 0, 1.0), ("−0.0708", 3, 1e-4),
])
def test_written_counts_significant_figures_and_the_last_digit(text, sig_figs, unit):
    answer = written(text)
    assert (answer.sig_figs, answer.unit) == (sig_figs, unit)
    assert answer.unit == 10.0 ** answer.unit_exponent


@pytest.mark.parametrize("text", ["abc", "", "1.2.3", "0,5,1", "1,000.5", "1e999", "1e-999", "."])
def test_written_refuses_what_is_not_a_number(text):
    assert written(text) is None


def test_a_decimal_comma_is_read_as_a_point():
    answer = written(" 0,475 ")
    assert (answer.value, answer.sig_figs, answer.unit_exponent, answer.comma) == (0.475, 3, -3, True)
    assert written("−0,0708").value == -0.0708 and not written("0.475").comma


def test_a_float_from_a_file_is_read_as_its_shortest_text():
    assert written(1.0).text == "1" and written(0.65).text == "0.65" and written(1e-05).sig_figs == 1


@pytest.mark.parametrize("answer, value, verdict, rule", [
    ("0.657", OUT_H1, "right", "rounded"),
    ("0.6570105", OUT_H1, "right", "rounded"),
    ("0.60405", OUT_O1, "right", "truncated"),           # cut at 5 figures, not rounded (0.60406)
    ("0.658", OUT_H1, "wrong", "not close"),
    ("0.66", OUT_H1, "imprecise", "too imprecise"),       # 2 figures, 3 needed
    ("0.65", 0.65004, "right", "rounded"),                # 0.650: the zero goes unwritten
    ("0.65", 0.6506, "imprecise", "too imprecise"),       # 0.651 to 3 figures
    ("-0.6", -0.6, "right", "exact"),                     # an unchanged weight: exact
    ("0", 0.0, "right", "exact"),                         # δ of an inactive ReLU unit
    ("0", -0.00558265, "wrong", "zero"),
    ("12345", math.inf, "wrong", "no finite value"),
    ("-0.60405", -OUT_O1, "right", "truncated"),
    ("0.60407", OUT_O1, "wrong", "not close"),            # above: not a truncation
    ("0.0088", 0.0088255952, "right", "rounded"),         # 4 decimals, though 2 figures
    ("0.009", 0.0088255952, "imprecise", "too imprecise"),
    ("0", 0.00004, "right", "rounded"),                   # 0.0000 to 4 decimals
])
def test_the_precision_rule_at_4_decimals(answer, value, verdict, rule):
    assert judge(written(answer), value) == (verdict, rule)


@pytest.mark.parametrize("answer, value, verdict, rule", [
    ("0.657", OUT_H1, "right", "rounded"),
    ("0.66", OUT_H1, "imprecise", "too imprecise"),
    ("0.65", 0.65004, "right", "rounded"),                # 0.650: the zero goes unwritten
    ("0.0088", 0.0088255952, "imprecise", "too imprecise"),   # 0.00883 to 3 figures
    ("0.0883", 0.0883, "right", "exact"),
    ("0.1", 0.09996, "right", "rounded"),                 # 0.09996 to 3 figures is 0.100
    ("0.1", 0.0998, "imprecise", "too imprecise"),        # ... and 0.0998 is 0.0998
    ("0", 0.00004, "wrong", "zero"),
])
def test_the_precision_rule_at_3_significant_figures(answer, value, verdict, rule):
    assert judge(written(answer), value, Rounding("sig_figs", 3)) == (verdict, rule)


def test_the_old_weight_is_never_the_new_one():
    assert judge(written("0.3"), 0.302791, old=0.3) == ("wrong", "old value")
    assert judge(written("0.66"), OUT_H1, Rounding("sig_figs", 2)) == ("right", "rounded")


def test_follow_through_marks_a_slip_once():
    """A student slips on out_h1 (0.675 instead of 0.657) and carries on correctly.

    By hand from their numbers: net_o1 = 0.7·0.675 − 0.5·0.475 + 0.2 = 0.435,
    which the checker must accept although the exact net_o1 is 0.422397.
    """
    network = load_network(DEFAULT_NETWORK)
    marks = check_answers(network, {"out_h1": 0.675, "out_h2": 0.475, "net_o1": 0.435})
    assert [(m.name, m.verdict) for m in marks] == [("out_h1", "wrong"), ("out_h2", "right"),
                                                    ("net_o1", "right")]
    assert marks[2].follows_from == ["out_h1"]
    assert marks[2].expected == pytest.approx(0.435, abs=1e-12)
    assert marks[2].exact == pytest.approx(0.422396917610919, rel=1e-12)   # mpmath


def test_the_old_hints_still_apply():
    network = load_network(EXAMPLES / "mazur.toml")
    # Sign: Mazur's delta_o1 is 0.138498562.
    assert check_answers(network, {"delta_o1": -0.138499})[0].slips == ["sign"]
    # Updated weights in the backward pass: by hand with Mazur's w5_new = 0.358916480,
    # w7_new = 0.511301270: (0.358916·0.138499 + 0.511301·(−0.038098))·0.593270·0.406730
    # = 0.0072945 instead of his 0.0087714.
    [mark] = check_answers(network, {"delta_h1": 0.0072945})
    assert mark.hint == "the backward pass must use the weights from before the update"


def test_unknown_name_is_one_deterministic_line():
    with pytest.raises(AnswerFileError) as error:
        check_answers(load_network(DEFAULT_NETWORK), {"delta_h3": 1.0}, source="answers.toml")
    assert str(error.value) == ("answers.toml: delta_h3: not a quantity of this network "
                                "(names like delta_h2, delta_h1, delta_o1, ...)")
    with pytest.raises(AnswerFileError, match=r"^answers: zzz: .*\(names like net_h1, out_h1, "
                                              r"net_h2, out_h2, \.\.\.\)$"):
        check_answers(load_network(DEFAULT_NETWORK), {"zzz": 1.0})


DONE_WHEN = "delta_o1 = -0.1\ndE_dw1 = 0\ndE_dw3 = 0\nw1_new = 0.3\nw5_new = 1\ndelta_h2 = 0\nE = 0\n"


def test_old_weights_and_zeros_score_nothing(run, tmp_path):
    """The file that scored 7 of 7: only w1_new = 0.3 is right, following from dE_dw1 = 0."""
    answers = tmp_path / "answers.toml"
    answers.write_text(DONE_WHEN)
    status, out, err = run("check", str(answers), "--hidden-activation", "sigmoid",
                           "--format", "json")
    assert status == 1 and err == ""
    document = json.loads(out)
    verdicts = {m["name"]: (m["verdict"], m["rule"]) for m in document["marks"]}
    assert verdicts == {
        "E": ("wrong", "zero"), "delta_o1": ("imprecise", "too imprecise"),
        "delta_h2": ("wrong", "zero"), "dE_dw1": ("wrong", "zero"),
        "dE_dw3": ("wrong", "zero"),      # 0 = δ_h2·i1 from the wrong 0, but dE_dw3 is not 0
        "w1_new": ("right", "exact"),     # 0.3 − 0.5·0 from the student's own dE_dw1
        "w5_new": ("imprecise", "too imprecise")}
    [w1_new] = [m for m in document["marks"] if m["name"] == "w1_new"]
    assert w1_new["follows_from"] == ["dE_dw1"] and w1_new["exact"] == pytest.approx(0.302791325)
    assert (document["right"], document["wrong"], document["imprecise"]) == (1, 4, 2)
    assert {"answer", "expected", "hint", "name"} <= set(document["marks"][0])
    status, out, _ = run("check", str(answers), "--hidden-activation", "sigmoid")
    assert "✓ w1_new = 0.3: exact, follows through from your wrong dE_dw1\n" in out
    assert "1 of 7 answers right, 4 wrong, 2 too imprecise." in " ".join(out.split())


def test_check_command(run, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text("net_h1 = 0.65\nout_h1 = 0.657\ndelta_o1 = 0.0708\n")
    status, out, err = run("check", str(answers), "--hidden-activation", "sigmoid")
    assert status == 1 and err == ""
    assert "✓ net_h1" in out and "✗ delta_o1" in out and "hint: the sign of (out − t) flipped" in out
    assert "2 of 3 answers right, 1 wrong, 0 too imprecise." in " ".join(out.split())
    status, out, _ = run("check", str(answers), "--format", "json", "--hidden-activation", "sigmoid")
    document = json.loads(out)
    assert (document["right"], document["wrong"]) == (2, 1)
    assert "w1_new" in document["unanswered"]


def test_the_rule_comes_from_the_options_else_the_file_else_4_decimals(run, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text("hidden_activation = 'sigmoid'\nout_h1 = 0.66\n")
    assert run("check", str(answers))[0] == 1               # 0.6570 to 4 decimals
    assert run("check", str(answers), "--sig-figs", "2")[0] == 0
    assert run("check", str(answers), "--decimals", "2")[0] == 0
    answers.write_text("hidden_activation = 'sigmoid'\ndecimals = 2\nout_h1 = 0.66\n")
    assert run("check", str(answers))[0] == 0
    status, out, _ = run("check", str(answers), "--decimals", "4", "--format", "json")
    assert status == 1 and json.loads(out)["rounding"]["decimals"] == 4
    answers.write_text("hidden_activation = 'sigmoid'\nsig_figs = 2\nout_h1 = 0.66\n")
    status, out, _ = run("check", str(answers), "--format", "json")
    assert status == 0 and json.loads(out)["rounding"] == {
        "decimals": None, "sig_figs": 2, "rule": Rounding("sig_figs", 2).sentence}
    status, out, err = run("check", str(answers), "--decimals", "2", "--sig-figs", "3")
    assert (status, out) == (2, "") and "give --decimals or --sig-figs, not both" in err


def test_check_help_says_the_rule_and_how_ties_go(run):
    status, out, _ = run("check", "--help")
    assert status == 0
    text = " ".join(out.split())
    assert " ".join(ROUNDING_RULE.split()) in text and "away from zero" in text


def test_an_imprecise_answer_is_not_a_wrong_one_to_follow_from(run, tmp_path):
    """δ_h2 = 0.0088 (right at 4 decimals) has 2 significant figures: too imprecise for 3,
    and the lines worked from it are right without "follows through from your wrong"."""
    answers = tmp_path / "answers.toml"
    # By hand: dE_dw3 = 0.0088·0.5 = 0.0044, w3⁺ = −0.6 − 0.5·0.0044 = −0.6022.
    answers.write_text("hidden_activation = 'sigmoid'\ndelta_h2 = 0.0088\ndE_dw3 = 0.0044\n"
                       "w3_new = -0.6022\n")
    assert run("check", str(answers))[0] == 0
    _, out, _ = run("check", str(answers), "--sig-figs", "3", "--format", "json")
    marks = {m["name"]: m for m in json.loads(out)["marks"]}
    assert marks["delta_h2"]["verdict"] == "imprecise"
    assert all(m["follows_from"] == [] for m in marks.values())
    _, out, _ = run("check", str(answers), "--sig-figs", "3")
    assert "follows through" not in out


def test_a_decimal_comma_in_an_answer_file(run, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text('hidden_activation = "sigmoid"\nout_h1 = "0,6570"\n')
    status, out, _ = run("check", str(answers))
    assert status == 0 and "✓ out_h1 = 0.657: rounded" in out
    assert "read as 0.6570: write a decimal point, not a comma" in out
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"hidden_activation": "sigmoid", "out_h1": "0,6570"}))
    status, out, _ = run("check", str(answers), "--format", "json")
    [mark] = json.loads(out)["marks"]
    assert status == 0 and mark["note"] == "read as 0.6570: write a decimal point, not a comma"


TANH = {"out_h1": 0.571670, "out_h2": -0.0996680, "out_o1": 0.657011,      # mpmath, tanh hidden
        "delta_o1": -0.0547569, "delta_h1": -0.0258034, "w1_new": 0.306451}


def test_without_an_activation_the_best_fit_is_chosen(run, tmp_path):
    # By hand, sigmoid and relu: out_h1, out_h2 and delta_h1 wrong; out_o1, delta_o1 and w1_new
    # follow through from them (w1_new = 0.3 − 0.5·(−0.0258034)·0.5).
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(TANH))
    status, out, _ = run("check", str(answers))
    assert status == 0
    assert "your answers fit tanh best (right answers: sigmoid 3, tanh 6, relu 3)" in " ".join(out.split())
    status, out, _ = run("check", str(answers), "--format", "json")
    assert json.loads(out)["fits"] == {"sigmoid": 3, "tanh": 6, "relu": 3}


def test_the_answer_file_says_what_it_answers_and_options_override(run, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text("hidden_activation = 'tanh'\n"
                       + "".join(f"{k} = {v}\n" for k, v in TANH.items()))
    status, out, _ = run("check", str(answers))
    assert status == 0 and "hidden tanh" in out and "6 of 6 answers right" in out
    status, out, _ = run("check", str(answers), "--hidden-activation", "sigmoid")
    assert status == 1 and "hidden sigmoid" in out
    # The learning rate from the file: w1_new = 0.3 − 1.0·(−0.0129017) = 0.31290 with η = 1.
    answers.write_text("hidden_activation = 'tanh'\nlearning_rate = 1.0\nw1_new = 0.31290\n")
    assert run("check", str(answers))[0] == 0


@pytest.mark.parametrize("text, message", [
    ("net_h1 = ", "is not valid TOML"),
    ('net_h1 = "abc"', "net_h1: expected a number, got 'abc'"),
    ('net_h1 = "' + "1" * 200 + '"', "net_h1: expected a number"),
    ("net_h1 = true", "net_h1: expected a finite number"),
    ('hidden_activation = ["sigmoid"]\nnet_h1 = 0.65', "hidden_activation: expected one of"),
    ("loss = {a=1}\nnet_h1 = 0.65", "loss: expected one of half_sse, mse, got {'a': 1}"),
    ("output_activation = 3\nnet_h1 = 0.65", "output_activation: expected one of"),
    ("decimals = 2.5\nnet_h1 = 0.65", "decimals: expected a whole number from 0 to 15"),
    ("sig_figs = 0\nnet_h1 = 0.65", "sig_figs: expected a whole number from 1 to 15"),
    ("decimals = 4\nsig_figs = 3\nnet_h1 = 0.65", "sig_figs: give decimals or sig_figs, not both"),
    ("variant = '000-¹²A'\nnet_h1 = 0.65", "is not a variant ID"),
    ("variant = '000-" + "1" * 5000 + "A'\nnet_h1 = 0.65", "is not a variant ID"),
    ("variant = '" + "7" * 200_000 + "'\nnet_h1 = 0.65", "is not a variant ID"),
    ("", "expected name = number lines"),
    ("hidden_activation = 'swish'\nnet_h1 = 0.65", "hidden_activation: expected one of sigmoid"),
    ("learning_rate = -1\nnet_h1 = 0.65", "learning_rate: expected a positive number"),
    ("variant = 'A7'\nnet_h1 = 0.65", "variant: A7: is not a variant ID"),
    ("variant = 7\nnet_h1 = 0.65", "variant: expected a variant ID"),
])
def test_bad_answer_files(run, tmp_path, text, message):
    answers = tmp_path / "answers.toml"
    answers.write_text(text)
    status, out, err = run("check", str(answers))
    assert (status, out) == (2, "")
    assert err.startswith(f"backprop-tutor: error: {answers}") and message in err
    assert err.count("\n") == 1


def test_check_accepts_the_json_of_solve(run, tmp_path):
    _, out, _ = run("solve", str(EXAMPLES / "mazur.toml"), "--format", "json")
    answers = tmp_path / "answers.json"
    answers.write_text(out)
    status, out, _ = run("check", str(answers), str(EXAMPLES / "mazur.toml"))
    assert status == 0 and "39 of 39 answers right" in out


def test_the_several_cases_of_solve_need_an_activation(run, tmp_path):
    _, out, _ = run("solve", "--format", "json")
    answers = tmp_path / "answers.json"
    answers.write_text(out)
    status, out, err = run("check", str(answers))
    assert (status, out) == (2, "")
    assert err == (f"backprop-tutor: error: {answers}: cases: 3 cases (sigmoid, tanh, relu): "
                   "pick one with --hidden-activation\n")
    status, out, _ = run("check", str(answers), "--hidden-activation", "tanh")
    assert status == 0 and "hidden tanh" in out and "29 of 29 answers right" in out


def test_an_infinite_exact_value_makes_no_answer_right(run, network_file, tmp_path):
    # E = 1/2 (1e200 - 1)² overflows a float: the command refuses the network, as solve does,
    # and the marker itself never calls an answer right against an infinite value.
    net = network_file("""
        learning_rate = 0.5
        inputs = [1.0]
        targets = [1e200]
        [[layers]]
        activation = "linear"
        weights = [[1.0]]
        """)
    answers = tmp_path / "answers.toml"
    answers.write_text("E = 12345\n")
    status, out, err = run("check", str(answers), str(net), "--format", "json")
    assert (status, out) == (2, "") and "E_o1" in err and err.count("\n") == 1
    [mark] = check_answers(load_network(net), {"E": 12345.0})
    assert (mark.verdict, mark.rule, mark.exact) == ("wrong", "no finite value", math.inf)


def test_a_tie_between_activations_is_said(run, tmp_path):
    answers = tmp_path / "answers.toml"
    answers.write_text("net_h1 = 0.65\n")            # the same for every activation
    status, out, _ = run("check", str(answers))
    assert status == 0
    assert "fit sigmoid, tanh and relu equally (1 right each); marked for sigmoid" in " ".join(out.split())


# ---------------------------------------------------------------- found by mutation testing
# (benchmarks/mutation.py): faults no test noticed before, each now caught.

def test_an_answer_that_is_not_a_number_is_marked_and_the_next_still_is():
    from backprop_tutor.teaching.marking import Mark

    marks = check_answers(load_network(DEFAULT_NETWORK), {"net_h1": "abc", "out_h1": "0.6570"})
    # By hand: net_h1 = 0.3·0.5 + 0.4·1 + 0.1 = 0.65, from the given numbers and exactly.
    assert marks[0] == Mark("net_h1", "w1 * i1 + w2 * i2 + b_h1", None, 0.65, 0.65, False,
                            verdict="wrong", rule="not a number")
    assert (marks[1].name, marks[1].verdict, marks[1].rule) == ("out_h1", "right", "rounded")


def test_only_an_answer_right_by_the_students_numbers_alone_follows_from_a_slip():
    """out_h1 slipped (0.675). net_o1 = 0.4224 is right by the exact values: it follows from
    nothing; net_o1 = 0.435 is right only from the student's out_h1 (by hand, as above); a
    wrong out_o1 worked from it is wrong, not one that follows."""
    network = load_network(DEFAULT_NETWORK)
    exact = check_answers(network, {"out_h1": 0.675, "out_h2": 0.475, "net_o1": 0.4224})
    assert (exact[2].verdict, exact[2].follows_from) == ("right", [])
    carried = check_answers(network, {"out_h1": 0.675, "out_h2": 0.475, "net_o1": 0.435,
                                      "out_o1": 0.9})
    assert [(m.verdict, m.follows_from) for m in carried[2:]] == [("right", ["out_h1"]),
                                                                  ("wrong", [])]


def test_the_rule_words_name_the_precision_needed():
    from backprop_tutor.teaching.marking import rule_words

    assert rule_words()["too imprecise"] == "too imprecise: 4 decimals needed"
    assert rule_words(Rounding("sig_figs", 3))["too imprecise"] == (
        "too imprecise: at least 3 significant figures needed")


@pytest.mark.parametrize("key, shown", [
    ("x" * 40, "x" * 40),                    # 40 characters: whole
    ("y" * 41, "y" * 37 + "..."),            # longer: 37 and an ellipsis, 40 in all
    ("δ_o1\nE", "\\u03b4_o1\\nE"),           # escaped: one line of ASCII
])
def test_an_unknown_key_is_shown_short_and_on_one_line(key, shown):
    with pytest.raises(AnswerFileError) as error:
        check_answers(load_network(DEFAULT_NETWORK), {key: 1.0}, source="a.toml")
    assert str(error.value).startswith(f"a.toml: {shown}: not a quantity of this network")


def test_the_slip_summary_names_the_slip_and_counts():
    from backprop_tutor.teaching.marking import slip_summary
    from backprop_tutor.teaching.slips import SLIPS

    # Mazur's delta_o1 is 0.138498562; his E is 0.298371109 (right).
    marks = check_answers(load_network(EXAMPLES / "mazur.toml"), {"delta_o1": -0.138499, "E": 0.298371})
    assert slip_summary(marks) == {"slip": "sign", "description": SLIPS["sign"], "explains": 1,
                                   "wrong": 1}
