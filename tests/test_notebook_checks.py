"""The notebooks' check cells (teaching/notebook_checks/), called in-process.

The expected numbers are worked by hand from examples/tutorial.toml, as in
tests/test_notebooks.py's docstring: out_h1 = σ(0.65) = 0.657010, σ′(0.65) =
0.657010·0.342990 = 0.225348, net_o1 = 0.422397, out_o1 = 0.604057,
delta_o1 = (0.604057 − 0.9)·0.604057·(1 − 0.604057) = -0.0707814, E = 0.0437912;
with Keras' MSE w5 = 0.746504 after one update, with the tutorial's loss 0.723252
(= 0.7 − 0.5·(−0.070781)·0.657010); w1 = 0.3 − 0.5·2·(−0.011165)·0.5 = 0.305583 with
Keras' MSE, 0.302791 with the tutorial's loss.
"""

import numpy as np
import pytest

import backprop_tutor as bt
from backprop_tutor.networks import from_scratch
from backprop_tutor.teaching.notebook_checks import Problem3, Problem4


@pytest.fixture(scope="module")
def network():
    return bt.load_network(bt.DEFAULT_NETWORK)


@pytest.fixture(scope="module")
def check(network):
    return Problem3(network)


def sigmoid_derivative_from_net(name, net):
    if name == "sigmoid":
        out = 1 / (1 + np.exp(-net))
        return out, net * (1 - net)
    return from_scratch.activation(name, net)


def blank_sigmoid(name, net):
    if name == "sigmoid":
        out = ...                                     # σ(net), elementwise
        return out, out * (1 - out)
    return from_scratch.activation(name, net)


def sign_flipped(W1, b1, W2, b2, x, t, hidden):
    net_h, out_h, net_o, out_o = from_scratch.forward(W1, b1, W2, b2, x, hidden)
    delta_o = (t - out_o) * from_scratch.activation("sigmoid", net_o)[1]
    delta_h = (W2.T @ delta_o) * from_scratch.activation(hidden, net_h)[1]
    return np.outer(delta_h, x), delta_h, np.outer(delta_o, out_h), delta_o


def untransposed(W1, b1, W2, b2, x, t, hidden):
    net_h, out_h, net_o, out_o = from_scratch.forward(W1, b1, W2, b2, x, hidden)
    delta_o = (out_o - t) * from_scratch.activation("sigmoid", net_o)[1]
    delta_h = (W2 @ delta_o) * from_scratch.activation(hidden, net_h)[1]
    return np.outer(delta_h, x), delta_h, np.outer(delta_o, out_h), delta_o


def stub(*args):
    raise NotImplementedError("write the backward pass")


def test_the_from_scratch_network_passes_every_check(check, capsys):
    for name in ("activation", "forward", "backward", "train"):
        getattr(check, name)(getattr(from_scratch, name))
    shown = capsys.readouterr().out
    assert "✓ σ(net_h) = [0.65701, 0.475021], Problem 2's out_h; σ′(net_h) = [0.225348, 0.249376]" in shown
    assert "(out_o1 = 0.604057)" in shown and "(delta_o1 = -0.070781," in shown
    assert shown.count("✓") == 13 and "✗" not in shown


def test_a_wrong_derivative_names_the_quantity_and_the_slip(check, capsys):
    check.activation(sigmoid_derivative_from_net)
    shown = capsys.readouterr().out
    assert shown.startswith("✗ σ′(net_h1): expected 0.225348, got 0.2275 (off by 0.00215229)\n"
                            "  hint: σ′ taken as net(1 − net): net_h where out_h belongs\n")


def blank_backward(W1, b1, W2, b2, x, t, hidden):
    return ...                                        # dE/dW1, dE/db1, dE/dW2, dE/db2


def test_a_blank_is_named_by_its_line(check, capsys):
    check.activation(blank_sigmoid)
    check.backward(blank_backward)
    assert capsys.readouterr().out == (
        "not written yet: fill in `out = ...  # σ(net), elementwise` in activation above\n"
        "not written yet: fill in `return ...  # dE/dW1, dE/db1, dE/dW2, dE/db2` in backward above\n")


def test_a_slip_in_the_backward_pass_gets_check_s_hint(check, capsys):
    check.backward(sign_flipped)
    shown = capsys.readouterr().out
    assert shown.startswith("✗ delta_o1 (hidden sigmoid): expected -0.0707814, got 0.0707814")
    assert "hint: the sign of (out − t) flipped" in shown
    assert "tanh" not in shown          # the first activation that fails ends the check


def test_an_error_is_one_line_and_a_stub_is_unwritten(check, capsys):
    check.backward(untransposed)
    check.backward(stub)
    check.train(None)
    first, second, third = capsys.readouterr().out.splitlines()
    assert first.startswith("✗ backward raised ValueError: matmul:")
    assert second == "not written yet: fill in backward above"
    assert third == "not written yet: fill in train above"


def test_a_wrong_shape_is_named(check, capsys):
    check.forward(lambda *args: tuple(np.atleast_2d(v) for v in from_scratch.forward(*args)))
    assert capsys.readouterr().out == "✗ net_h (hidden sigmoid) has shape (1, 2); expected (2,)\n"


def test_the_other_loss_convention_is_named(check, capsys):
    def train(W1, b1, W2, b2, x, t, hidden, eta, updates):
        losses = from_scratch.train(W1, b1, W2, b2, x, t, hidden, eta, updates)
        return [2 * loss for loss in losses]      # mean((t - out)²) with one output
    check.train(train)
    shown = capsys.readouterr().out
    assert shown.startswith("✗ E_o1 before the first update (hidden sigmoid): expected 0.0437912, "
                            "got 0.0875825")
    assert "hint: the other loss convention: E = mean (t − out)²" in shown


def test_keras_with_mse_is_not_problem_2s_update(network, capsys):
    from backprop_tutor.networks.keras_network import build_model

    keras_check = Problem4(network)
    after = keras_check.update(lambda net: build_model(net, loss="mse"),
                               lambda model, x, t: float(model.train_on_batch(x, t)))
    assert "(w5_new = 0.746504)" in capsys.readouterr().out
    assert after["w5"] == pytest.approx(0.746504, abs=1e-6)
    keras_check.update(lambda net: build_model(net, loss="mse"),
                       lambda model, x, t: float(model.train_on_batch(x, t)), loss="half_sse")
    shown = capsys.readouterr().out
    assert shown.startswith("✗ w1 after the update: expected 0.302791, got 0.305583")
    assert "hint: that is the step with E = mean (t − out)²" in shown
    keras_check.update(lambda net: build_model(net, loss="half_sse"),
                       lambda model, x, t: float(model.train_on_batch(x, t)), loss="half_sse")
    assert "(w5_new = 0.723252)" in capsys.readouterr().out
