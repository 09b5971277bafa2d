"""Each slip recognised from a constructed answer file.

The slipped numbers were computed with mpmath at 30 digits from the tutorial
network (inputs 0.5, 1; target 0.9; w1..w6 = 0.3, 0.4, -0.6, 0.1, 0.7, -0.5;
biases 0.1, 0.1, 0.2; η = 0.5), by writing out the slipped line by hand, e.g.
the sign slip δ_o1 = (t − out)·out·(1 − out) = +0.0707814.
"""

import json

import pytest

from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.core.worksheet import definitions
from backprop_tutor.teaching.marking import check_answers, slip_sentence
from backprop_tutor.teaching.slips import SLIPS, slips

SLIPPED = [  # (hidden activation, line, slipped answer, slip)
    ("sigmoid", "delta_o1", 0.070781, "sign"),
    ("sigmoid", "delta_o1", -0.14156, "loss_factor"),          # 2·(out − t)·σ′
    ("sigmoid", "E_o1", 0.087582, "loss_factor"),              # (t − out)² / 1
    ("sigmoid", "delta_h1", -0.011536, "updated_weights"),     # w5_new = 0.723252 used
    ("sigmoid", "delta_o1", -0.29594, "no_output_derivative"),  # out − t
    ("sigmoid", "delta_h1", -0.049547, "no_hidden_derivative"),  # w5·δ_o1
    ("sigmoid", "delta_o1", -0.072204, "sigmoid_derivative_of_net"),  # net(1 − net)
    ("tanh", "delta_h1", -0.022135, "tanh_derivative_of_net"),  # w5·δ_o1·(1 − 0.65²)
    ("relu", "delta_h2", 0.027209, "relu_derivative_of_negative"),   # w6·δ_o1·1
    # σ′ = out(1 − out) for a tanh unit: w5·δ_o1·out_h1·(1 − out_h1), out_h1 = tanh(0.65)
    ("tanh", "delta_h1", -0.0093856, "sigmoid_derivative_elsewhere"),
    ("relu", "delta_h1", -0.0086660, "sigmoid_derivative_elsewhere"),  # w5·δ_o1·0.65·0.35
    ("sigmoid", "out_h1", 0.34299, "sigmoid_plus"),             # 1/(1 + e^0.65)
    ("sigmoid", "w1_new", 0.29721, "step_added"),               # 0.3 + 0.5·(−0.00558265)
    ("sigmoid", "w1_new", 0.30558, "no_learning_rate"),         # 0.3 − (−0.00558265)
    ("sigmoid", "w5_new", 0.7, "not_updated"),
    ("sigmoid", "dE_dw1", -0.011165, "wrong_source"),           # δ_h1·i2
    ("sigmoid", "delta_h1", 0.0079752, "wrong_weight"),         # w6·δ_o1·out_h1(1 − out_h1)
    ("sigmoid", "E_o1", 0.045, "rounded_early"),                 # ½(0.9 − 0.60)²
]


def test_every_slip_has_a_test():
    assert {slip for *_, slip in SLIPPED} == set(SLIPS)
    assert len(SLIPS) >= 12


@pytest.mark.parametrize("activation, line, answer, slip", SLIPPED)
def test_slip_is_named(activation, line, answer, slip):
    network = load_network(DEFAULT_NETWORK).with_options(hidden_activation=activation)
    [mark] = check_answers(network, {line: answer})
    assert mark.verdict == "wrong"
    assert slip in mark.slips


def test_the_wrong_source_is_not_taken_for_the_factor_2_over_k():
    """δ_h1·i2 = −0.011165 is also 2·dE_dw1 (i2/i1 = 2 = 2/K): only the source is named."""
    [mark] = check_answers(load_network(DEFAULT_NETWORK), {"dE_dw1": -0.011165})
    assert mark.slips == ["wrong_source"]
    assert mark.hint == "the wrong source in the gradient: i2 instead of i1"


def test_two_slips_giving_one_number_are_both_named():
    # relu′(−0.1) taken as 1 and relu′ left out both give w6·δ_o1 = 0.027209.
    network = load_network(DEFAULT_NETWORK).with_options(hidden_activation="relu")
    [mark] = check_answers(network, {"delta_h2": 0.027209})
    assert mark.slips == ["no_hidden_derivative", "relu_derivative_of_negative"]
    assert mark.hint.startswith("either f′(net_h2) missing at the hidden unit, or relu′(net_h2)")


def test_slips_are_found_from_the_students_own_numbers():
    # out_o1 written as 0.61 (wrong), then the sign slip on δ_o1 from it, by hand:
    # (0.9 − 0.61)·0.61·(1 − 0.61) = 0.068991.
    [_, mark] = check_answers(load_network(DEFAULT_NETWORK),
                              {"out_o1": 0.61, "delta_o1": 0.068991})
    assert mark.slips == ["sign"]


def test_the_slip_behind_the_wrong_answers(run, tmp_path):
    answers = tmp_path / "answers.toml"
    # Step added: 0.3 + 0.5·(−0.00558265), 0.7 + 0.5·(−0.0465041); η left out: 0.4 + 0.0111653.
    answers.write_text("hidden_activation = 'sigmoid'\nw1_new = 0.29721\nw5_new = 0.67675\n"
                       "w2_new = 0.41117\n")
    status, out, _ = run("check", str(answers))
    assert status == 1
    assert "The slip behind most of your wrong answers (2 of 3): the step added" in " ".join(out.split())


@pytest.mark.parametrize("explains, wrong, sentence", [
    (1, 6, "The slip behind 1 of your 6 wrong answers: X."),
    (3, 6, "The slip behind 3 of your 6 wrong answers: X."),      # half is not most
    (4, 6, "The slip behind most of your wrong answers (4 of 6): X."),
    (2, 2, "The slip behind all 2 of your wrong answers: X."),
    (1, 1, "The slip behind your wrong answer: X."),
])
def test_most_only_for_more_than_half(explains, wrong, sentence):
    assert slip_sentence({"description": "X", "explains": explains, "wrong": wrong}) == sentence


def test_a_slip_is_recognised_at_the_precision_written():
    # The updated weight w6⁺ = −0.5 − 0.5·δ_o1·out_h2 = −0.483189 used in δ_h2, by hand with
    # mpmath: −0.483189·(−0.0707814)·0.4750208·(1 − 0.4750208) = 0.0085289 (right: 0.0088256).
    network = load_network(DEFAULT_NETWORK).with_options(hidden_activation="sigmoid")
    for answer in (0.0085289, 0.00853, 0.0085):
        [mark] = check_answers(network, {"delta_h2": answer})
        assert (mark.verdict, mark.slips) == ("wrong", ["updated_weights"]), answer
    [mark] = check_answers(network, {"delta_h2": 0.009})     # one figure says too little
    assert mark.slips == []


def test_slips_grow_with_the_network_not_with_its_square(network_file):
    """A 200-4-1 network has 1,625 steps; one wrong source per neighbour, not per input."""
    inputs = ", ".join(f"{(k % 9 + 1) / 10}" for k in range(200))
    row = "[" + ", ".join("0.01" for _ in range(200)) + "]"
    network = load_network(network_file(f"""
        learning_rate = 0.5
        inputs = [{inputs}]
        targets = [0.5]
        [[layers]]
        activation = "sigmoid"
        weights = [{", ".join([row] * 4)}]
        [[layers]]
        activation = "sigmoid"
        weights = [[0.1, 0.2, 0.3, 0.4]]
        """))
    found = slips(network)
    assert len(definitions(network)) == 1625    # 10 forward, 2 loss, 5 deltas, 804 + 804
    assert sum(len(s) for s in found.values()) <= 6 * len(definitions(network))
    assert [s.hint for s in found["dE_dw7"] if s.key == "wrong_source"] == [
        f"the wrong source in the gradient: {i} instead of i7" for i in ("i5", "i6", "i8", "i9")]


def test_check_on_a_network_of_a_thousand_inputs(run, network_file, tmp_path):
    """Every answer of a 1000-2-1 network wrong: marked with its slips (in seconds, once
    100 s and 626 MB: the slips were made per pair of units)."""
    inputs = ", ".join(f"{(k % 9 + 1) / 10}" for k in range(1000))
    row = "[" + ", ".join("0.01" for _ in range(1000)) + "]"
    path = network_file(f"""
        learning_rate = 0.5
        inputs = [{inputs}]
        targets = [0.5]
        [[layers]]
        activation = "sigmoid"
        weights = [{row}, {row}]
        [[layers]]
        activation = "sigmoid"
        weights = [[0.1, 0.2]]
        """)
    names = [step.name for step in definitions(load_network(path))]
    answers = tmp_path / "answers.toml"
    answers.write_text("hidden_activation = 'sigmoid'\n" + "".join(f"{n} = 0.1234\n" for n in names))
    status, out, err = run("check", str(answers), str(path), "--format", "json")
    assert status == 1 and err == ""
    assert len(json.loads(out)["marks"]) == len(names) == 4015   # 6 + 2 + 3 + 2002 + 2002


@pytest.mark.parametrize("line, answer, slip", [
    # Keras' loss with K = 1: δ_o1 = 2·(out − t)·σ′ = 2·(−0.0707814) = −0.1415628 (mpmath, above)
    ("delta_o1", 0.14156, "sign"),               # 2·(t − out)·σ′
    ("delta_o1", -0.070781, "loss_factor"),      # the tutorial's (out − t)·σ′
    ("E_o1", 0.043791, "loss_factor"),           # ½(t − out)² instead of (t − out)²
])
def test_slips_under_keras_loss(line, answer, slip):
    network = load_network(DEFAULT_NETWORK).with_options(loss="mse")
    [mark] = check_answers(network, {line: answer})
    assert mark.verdict == "wrong" and slip in mark.slips
