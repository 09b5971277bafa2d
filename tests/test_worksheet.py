"""The worked SGD step against numbers computed elsewhere.

* Matt Mazur, "A Step by Step Backpropagation Example" (2015): the published
  2-2-2 sigmoid example (examples/mazur.toml), numbers copied from the post.
* The default network (examples/tutorial.toml): values computed independently
  with mpmath at 50 digits by a separate scalar script (not this package),
  and checked against a pocket calculator for the first few.
"""

import dataclasses
import math

import pytest

from backprop_tutor.core import compiled
from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.core.worksheet import definitions, solve

MAZUR = {
    "net_h1": 0.3775, "out_h1": 0.593269992, "out_h2": 0.596884378,
    "net_o1": 1.105905967, "out_o1": 0.75136507, "out_o2": 0.772928465,
    "E_o1": 0.274811083, "E_o2": 0.023560026, "E": 0.298371109,
    "dE_dw5": 0.082167041, "w5_new": 0.35891648, "w6_new": 0.408666186,
    "w7_new": 0.511301270, "w8_new": 0.561370121,
    "dE_dw1": 0.000438568, "w1_new": 0.149780716, "w2_new": 0.19956143,
    "w3_new": 0.24975114, "w4_new": 0.29950229,
}

# mpmath, 50 digits (see module docstring), rounded to 15 significant digits.
TUTORIAL = {
    "sigmoid": {"out_h1": 0.657010462673499, "out_h2": 0.47502081252106,
                "net_o1": 0.422396917610919, "out_o1": 0.604056668691073,
                "E": 0.0437912276731127, "delta_o1": -0.0707814204954064,
                "delta_h1": -0.0111653019418947, "delta_h2": 0.00882559518118623,
                "w1_new": 0.302791325485474, "w5_new": 0.723252066914187,
                "w6_new": -0.483188676062439, "b_o1_new": 0.235390710247703},
    "tanh": {"out_h1": 0.571669966085117, "out_h2": -0.0996679946249558,
             "net_o1": 0.65000297357206, "out_o1": 0.657011132760854,
             "E": 0.0295217948010817, "delta_o1": -0.0547569347780911,
             "delta_h1": -0.025803406879538, "delta_h2": 0.0271064976569599,
             "w1_new": 0.306450851719885, "w5_new": 0.715651447523758,
             "w6_new": -0.502728756940571, "b_o1_new": 0.227378467389046},
    "relu": {"out_h1": 0.65, "out_h2": 0.0, "net_o1": 0.655, "out_o1": 0.658136315048018,
             "E": 0.0292490210492758, "delta_o1": -0.0544176133000878,
             "delta_h1": -0.0380923293100614, "delta_h2": 0.0,
             "w1_new": 0.309523082327515, "w5_new": 0.717685724322529,
             "w6_new": -0.5, "b_o1_new": 0.227208806650044},
}


def test_mazur_published_example():
    sheet = solve(load_network(EXAMPLES / "mazur.toml"))
    for name, expected in MAZUR.items():
        assert sheet[name] == pytest.approx(expected, abs=6e-9), name
    # His biases are not trained: their update is the identity.
    assert sheet["b_h1_new"] == 0.35 and sheet["b_o2_new"] == 0.6


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_tutorial_network_matches_mpmath(activation):
    sheet = solve(load_network(DEFAULT_NETWORK).with_options(hidden_activation=activation))
    for name, expected in TUTORIAL[activation].items():
        assert sheet[name] == pytest.approx(expected, rel=1e-12, abs=1e-15), name


def test_relu_inactive_unit_learns_nothing():
    network = load_network(DEFAULT_NETWORK).with_options(hidden_activation="relu")
    sheet = solve(network)
    assert sheet["net_h2"] < 0
    assert sheet["delta_h2"] == 0 and sheet["dE_dw3"] == 0 and sheet["dE_dw4"] == 0
    assert (sheet["w3_new"], sheet["w4_new"]) == (-0.6, 0.1)


def test_default_network_has_no_saturated_sigmoid():
    for activation in ("sigmoid", "tanh", "relu"):
        sheet = solve(load_network(DEFAULT_NETWORK).with_options(hidden_activation=activation))
        assert all(abs(v) < 2 for n, v in sheet.values.items() if n.startswith("net_"))


def test_mse_with_one_output_doubles_the_deltas():
    """Keras' mse with K = 1: dE/dout = 2 (out - t), twice the tutorial's (mpmath value × 2)."""
    sheet = solve(load_network(DEFAULT_NETWORK).with_options(loss="mse"))
    assert sheet["delta_o1"] == pytest.approx(2 * -0.0707814204954064, rel=1e-12)
    assert sheet["E"] == pytest.approx(2 * 0.0437912276731127, rel=1e-12)


def test_mse_with_two_outputs_equals_half_sse():
    """With K = 2, mean((t - out)^2) = 1/2 sum((t - out)^2): the same loss and the same step."""
    network = load_network(EXAMPLES / "two_outputs_mse.toml")
    keras_style = solve(network).values
    tutorial_style = solve(network.with_options(loss="half_sse")).values
    assert keras_style == pytest.approx(tutorial_style, rel=1e-15)


def test_round_as_you_go_matches_hand_work():
    """By hand with 4 decimals: out_h1 = σ(0.65) = 0.6570, out_h2 = σ(-0.1) = 0.4750,
    net_o1 = 0.7·0.6570 − 0.5·0.4750 + 0.2 = 0.4224, out_o1 = σ(0.4224) = 0.6041,
    delta_o1 = (0.6041 − 0.9)·0.6041·(1 − 0.6041) = −0.0708, dE_dw5 = −0.0708·0.6570 = −0.0465."""
    from backprop_tutor.teaching.rounding import rounded_sheet

    sheet = rounded_sheet(load_network(DEFAULT_NETWORK), 4)
    assert [sheet[n] for n in ("out_h1", "out_h2", "net_o1", "out_o1", "delta_o1", "dE_dw5")] \
        == [0.6570, 0.4750, 0.4224, 0.6041, -0.0708, -0.0465]


def test_deltas_come_after_the_forward_pass_and_use_old_weights():
    formulas = {s.name: s.formula for s in definitions(load_network(EXAMPLES / "mazur.toml"))}
    assert formulas["delta_h1"] == "(w5 * delta_o1 + w7 * delta_o2) * out_h1 * (1 - out_h1)"
    assert formulas["w5_new"] == "w5 - eta * dE_dw5"
    order = [s.section for s in definitions(load_network(EXAMPLES / "mazur.toml"))]
    assert order == sorted(order, key=["forward", "loss", "deltas", "gradients", "update"].index)


def test_two_hidden_layers_number_units_on():
    sheet = solve(load_network(EXAMPLES / "deep.toml"))
    assert [n for n in sheet.values if n.startswith("out_")] == \
        ["out_h1", "out_h2", "out_h3", "out_h4", "out_h5", "out_o1"]
    # w1..w6 into h1..h3, w7..w12 into h4, h5, w13, w14 into o1.
    assert [n for n in sheet.values if n.startswith("dE_dw")][-1] == "dE_dw14"
    formulas = {s.name: s.formula for s in definitions(load_network(EXAMPLES / "deep.toml"))}
    assert formulas["delta_h1"] == "(w7 * delta_h4 + w10 * delta_h5) * step(net_h1)"


def test_the_compiled_step_is_the_worksheets_formulas_line_by_line():
    """One source: each line of the generated function is a formula exactly as the sheet shows it."""
    network = load_network(EXAMPLES / "deep.toml")
    formulas = [(s.name, s.formula) for s in definitions(network)]
    source = compiled.step_source(network.sizes, [True] * len(network.layers), formulas)
    body = source.splitlines()[-len(formulas) - 1:-1]
    assert body == [f"    {name} = {formula}" for name, formula in formulas]


def test_a_square_beyond_floating_point_is_inf_and_the_rest_is_still_worked():
    """t1 = 1e200 in Mazur's network: (t1 - out_o1)**2 overflows, so E = inf; by hand
    w5_new = w5 - eta * (out_o1 - t1) * out_o1 * (1 - out_o1) * out_h1
           ≈ 0.5 * 1e200 * out_o1 * (1 - out_o1) * out_h1, with his published outputs."""
    network = dataclasses.replace(load_network(EXAMPLES / "mazur.toml"), targets=(1e200, 0.99))
    sheet = solve(network)
    assert sheet["E_o1"] == math.inf and sheet["E"] == math.inf
    out_o1, out_h1 = MAZUR["out_o1"], MAZUR["out_h1"]
    assert sheet["w5_new"] == pytest.approx(0.5e200 * out_o1 * (1 - out_o1) * out_h1, rel=1e-7)
    assert sheet["E_o2"] == pytest.approx(0.023560026, abs=6e-9)


# ---------------------------------------------------------------- found by mutation testing
# (benchmarks/mutation.py): faults no test noticed before, each now caught.

def test_quantities_keep_section_name_formula_and_value_also_when_sliced():
    """By hand, tutorial.toml: net_h1 = 0.3·0.5 + 0.4·1 + 0.1 = 0.65, out_h1 = σ(0.65)."""
    from backprop_tutor.core.worksheet import Quantity

    first_two = solve(load_network(DEFAULT_NETWORK)).quantities[:2]
    assert first_two[0] == Quantity("forward", "net_h1", "w1 * i1 + w2 * i2 + b_h1", 0.65)
    assert (first_two[1].section, first_two[1].name, first_two[1].formula) == (
        "forward", "out_h1", "sigmoid(net_h1)")
    assert first_two[1].value == pytest.approx(0.657010462673499, rel=1e-14)   # mpmath


def test_solving_formula_by_formula_rounds_as_it_goes():
    """3 decimals, by hand: out_h1 = σ(0.65) = 0.657010 → 0.657; net_h2 = −0.3 + 0.1 + 0.1 = −0.1,
    out_h2 = σ(−0.1) = 0.475021 → 0.475; net_o1 = 0.7·0.657 − 0.5·0.475 + 0.2 = 0.4224 → 0.422."""
    from backprop_tutor.core.worksheet import Quantity
    from backprop_tutor.teaching.rounding import rounded_sheet

    sheet = rounded_sheet(load_network(DEFAULT_NETWORK), 3)
    assert [sheet[name] for name in ("out_h1", "out_h2", "net_o1")] == [0.657, 0.475, 0.422]
    assert sheet.quantities[2] == Quantity("forward", "net_h2", "w3 * i1 + w4 * i2 + b_h2", -0.1)


def test_a_linear_output_leaves_its_factor_of_one_out():
    """f'(net) = 1 for a linear unit: delta_o1 = (out_o1 − t1), with no `* 1`, as by hand."""
    network = load_network(DEFAULT_NETWORK).with_options(output_activation="linear")
    formulas = {d.name: d.formula for d in definitions(network)}
    assert formulas["out_o1"] == "net_o1"
    assert formulas["delta_o1"] == "(out_o1 - t1)"


def test_formulas_see_no_builtins_whichever_functions_they_are_given():
    from backprop_tutor.core.worksheet import evaluate

    with pytest.raises(NameError):
        evaluate("abs(x)", {"x": -1.0})
    with pytest.raises(NameError):
        evaluate("abs(x)", {"x": -1.0}, functions={"exp": math.exp})


def test_an_overflowing_square_is_inf_beside_a_function_call():
    """(1e200)**2 overflows; the formula is then evaluated with the square as a product (inf),
    its functions still known: sigmoid(0) + inf = inf."""
    from backprop_tutor.core.worksheet import evaluate

    assert evaluate("sigmoid(x) + y**2", {"x": 0.0, "y": 1e200}) == math.inf
    assert evaluate("exp(x) + y**2", {"x": 0.0, "y": 1e200}, functions={"exp": math.exp}) == math.inf


def test_a_loss_of_outputs_and_targets_of_different_lengths_is_an_error():
    from backprop_tutor.core.losses import LOSSES

    with pytest.raises(ValueError):
        LOSSES["half_sse"].value([0.5, 0.5], [1.0])


def test_hidden_units_are_numbered_on_across_three_hidden_layers():
    """The naming contract: 2-3-2-2-1 has h1–h3, then h4, h5, then h6, h7."""
    from backprop_tutor.core.names import unit_names

    assert unit_names([2, 3, 2, 2, 1]) == [["i1", "i2"], ["h1", "h2", "h3"], ["h4", "h5"],
                                           ["h6", "h7"], ["o1"]]
