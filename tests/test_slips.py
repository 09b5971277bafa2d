"""Each slip recognised from a constructed answer file.

The slipped numbers were computed with mpmath at 30 digits from the tutorial
network (inputs 0.5, 1; target 0.9; w1..w6 = 0.3, 0.4, -0.6, 0.1, 0.7, -0.5;
biases 0.1, 0.1, 0.2; η = 0.5), by writing out the slipped line by hand, e.g.
the sign slip δ_o1 = (t − out)·out·(1 − out) = +0.0707814.
"""

import pytest

from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.teaching.marking import check_answers
from backprop_tutor.teaching.slips import SLIPS

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


def test_the_slip_behind_most_wrong_answers(run, tmp_path):
    answers = tmp_path / "answers.toml"
    # Step added: 0.3 + 0.5·(−0.00558265), 0.7 + 0.5·(−0.0465041); η left out: 0.4 + 0.0111653.
    answers.write_text("hidden_activation = 'sigmoid'\nw1_new = 0.29721\nw5_new = 0.67675\n"
                       "w2_new = 0.41117\n")
    status, out, _ = run("check", str(answers))
    assert status == 1
    assert "The slip behind most of your wrong answers (2 of 3): the step added" in " ".join(out.split())
