"""The NumPy network of Problem 3 on its own.

Expected numbers come from elsewhere: Matt Mazur's published example, hand
calculations written out below, the worksheet (named scalars, one sample at a
time) or finite differences, never from the network under test.
"""

import dataclasses
import math
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.core.worksheet import solve
from backprop_tutor.networks import numpy_fit, numpy_network
from backprop_tutor.networks.numpy_network import ARRAY_ACTIVATIONS, NumpyNetwork, sigmoid

#: Four samples for the tutorial's 2-2-1 network (its own sample first).
X4 = [[0.5, 1.0], [0.2, -0.4], [-1.0, 0.3], [0.8, 0.6]]
T4 = [[0.9], [0.1], [0.4], [0.7]]


def with_sample(network, x, t):
    return dataclasses.replace(network, inputs=tuple(x), targets=tuple(t))


def test_mazur_after_one_update():
    """Mazur's published weights after one update (biases frozen in his example)."""
    net = NumpyNetwork.from_network(load_network(EXAMPLES / "mazur.toml"))
    net.sgd_step([[0.05, 0.10]], [[0.01, 0.99]], learning_rate=0.5)
    expected = {"w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229,
                "w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121,
                "b_h1": 0.35, "b_h2": 0.35, "b_o1": 0.6, "b_o2": 0.6}
    assert net.parameters() == pytest.approx(expected, abs=6e-9)


def test_mazur_after_10000_updates():
    """Mazur: "After repeating this process 10,000 times ... the error plummets to 0.0000351085".

    His figure is the error at the 10,000th pass, measured before its update:
    loss[9999], the loss after 9,999 epochs of the one sample.
    """
    network = load_network(EXAMPLES / "mazur.toml")
    history = NumpyNetwork.from_network(network).fit(
        [network.inputs], [network.targets], learning_rate=0.5, epochs=10_000)
    assert len(history.loss) == 10_001 and history.diverged_at is None
    assert history.loss[0] == pytest.approx(0.298371109, abs=1e-9)
    assert history.loss[9_999] == pytest.approx(0.0000351085, abs=5e-11)


def test_parameters_follow_the_naming_contract():
    net = NumpyNetwork.from_network(load_network(EXAMPLES / "deep.toml"))
    names = list(net.parameters())
    assert names[:14] == [f"w{k}" for k in range(1, 15)]
    assert names[14:] == ["b_h1", "b_h2", "b_h3", "b_h4", "b_h5", "b_o1"]
    # w7 is the weight from h1 into h4: row 0, column 0 of the second layer.
    assert net.parameters()["w7"] == 0.5 and net.parameters()["w10"] == 0.2


def test_training_lowers_the_loss_for_every_hidden_activation():
    for activation in ("sigmoid", "tanh", "relu"):
        network = load_network(DEFAULT_NETWORK).with_options(hidden_activation=activation)
        history = NumpyNetwork.from_network(network).fit(
            [network.inputs], [network.targets], learning_rate=network.learning_rate, epochs=200)
        assert history.loss[-1] < history.loss[0] / 10, activation


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("loss", ["half_sse", "mse"])
def test_batch_gradient_is_the_mean_of_the_worksheets_per_sample_gradients(activation, loss):
    network = load_network(DEFAULT_NETWORK).with_options(hidden_activation=activation, loss=loss)
    dW, db = NumpyNetwork.from_network(network).gradients(X4, T4)
    sheets = [solve(with_sample(network, x, t)) for x, t in zip(X4, T4, strict=True)]
    mean = {name: np.mean([sheet[f"dE_d{name}"] for sheet in sheets])
            for name in network.parameters()}
    ours = np.concatenate([g.ravel() for g in dW] + [g.ravel() for g in db])
    assert ours == pytest.approx(list(mean.values()), rel=1e-13, abs=1e-16)
    batch_loss = NumpyNetwork.from_network(network).loss_value(X4, T4)
    assert batch_loss == pytest.approx(np.mean([sheet["E"] for sheet in sheets]), rel=1e-14)


def test_batch_gradient_equals_central_finite_differences():
    network = load_network(EXAMPLES / "deep.toml").with_options(hidden_activation="tanh",
                                                                  loss="mse")
    rng = np.random.default_rng(7)
    X, T = rng.uniform(-1, 1, (6, 2)), rng.uniform(0, 1, (6, 1))
    model = NumpyNetwork.from_network(network)
    dW, db = model.gradients(X, T)
    h = 1e-6
    for array, grad in zip(model.weights + model.biases, dW + db, strict=True):
        for index in np.ndindex(array.shape):
            p = array[index]
            array[index] = p + h
            above = model.loss_value(X, T)
            array[index] = p - h
            below = model.loss_value(X, T)
            array[index] = p
            assert grad[index] == pytest.approx((above - below) / (2 * h), rel=1e-6, abs=1e-9)


def test_one_sample_full_batch_fit_is_the_worked_step():
    network = load_network(DEFAULT_NETWORK)
    sheet = solve(network)
    model = NumpyNetwork.from_network(network)
    history = model.fit([network.inputs], [network.targets], learning_rate=0.5, epochs=1,
                        batch_size=1)
    assert history.loss[0] == pytest.approx(sheet["E"], rel=1e-15)
    for name, value in model.parameters().items():
        assert value == pytest.approx(sheet[f"{name}_new"], rel=1e-14, abs=1e-16), name


def test_validation_loss_is_the_mean_of_the_worksheets_E():
    network = load_network(DEFAULT_NETWORK)
    history = NumpyNetwork.from_network(network).fit(
        X4[:2], T4[:2], learning_rate=0.5, epochs=3, validation=(X4[2:], T4[2:]))
    expected = np.mean([solve(with_sample(network, x, t))["E"] for x, t in zip(X4[2:], T4[2:], strict=True)])
    assert len(history.val_loss) == 4 and history.val_loss[0] == pytest.approx(expected)


def test_a_transposed_batch_is_an_error_naming_the_expected_shape():
    model = NumpyNetwork.from_network(load_network(DEFAULT_NETWORK))
    expected = "X must have shape (samples, 2); got shape (2, 4)"
    with pytest.raises(ValueError, match=re.escape(expected)):
        model.forward(np.array(X4).T)
    with pytest.raises(ValueError, match=re.escape("T must have shape (samples, 1)")):
        model.gradients(X4, np.array(T4).T)


def divergent_unit():
    """One linear unit, no bias: E = w²/2 with x = 1, t = 0, so each step is w <- (1 - η) w."""
    return NumpyNetwork([[[1.0]]], [None], ["linear"])


def test_divergence_stops_at_the_epoch_that_crossed_the_limit():
    """η = 3: w_k = (-2)^k, E_k = 4^k / 2 > 10^6 · E_0 first at k = 10 (4^10 = 1,048,576)."""
    history = divergent_unit().fit([[1.0]], [[0.0]], learning_rate=3.0, epochs=100)
    assert history.diverged_at == 10
    assert history.loss == [4.0 ** k / 2 for k in range(11)]


def test_overflow_stops_at_the_first_update_without_a_warning():
    """η = 1e200: w_1 = 1 - 1e200, E_1 = w_1² / 2 = 5e399 overflows."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = divergent_unit().fit([[1.0]], [[0.0]], learning_rate=1e200, epochs=5)
    assert history.diverged_at == 1 and history.loss[0] == 0.5 and math.isinf(history.loss[1])


@pytest.mark.parametrize("init", ["glorot_uniform", "he_uniform"])
def test_uniform_initialisers_have_keras_limits(init):
    W = NumpyNetwork.initialised([300, 200, 1], ["tanh", "sigmoid"], init=init, seed=1).weights[0]
    limit = math.sqrt(6 / 500) if init == "glorot_uniform" else math.sqrt(6 / 300)
    assert np.abs(W).max() <= limit and np.abs(W).max() > 0.99 * limit
    assert W.std() == pytest.approx(limit / math.sqrt(3), rel=0.02)  # std of uniform(-l, l)


@pytest.mark.parametrize("init", ["glorot_normal", "he_normal"])
def test_normal_initialisers_are_truncated_with_keras_standard_deviation(init):
    W = NumpyNetwork.initialised([300, 200, 1], ["tanh", "sigmoid"], init=init, seed=1).weights[0]
    std = math.sqrt(2 / 500) if init == "glorot_normal" else math.sqrt(2 / 300)
    assert W.std() == pytest.approx(std, rel=0.02)
    # Keras draws a unit normal truncated at ±2 and rescales it by that distribution's std,
    # sqrt(1 - 4·φ(2) / (Φ(2) - Φ(-2))) with φ(2) = e^-2 / sqrt(2π), Φ(2) - Φ(-2) = erf(√2).
    phi_2 = math.exp(-2) / math.sqrt(2 * math.pi)
    truncated_std = math.sqrt(1 - 4 * phi_2 / math.erf(math.sqrt(2)))
    assert pytest.approx(truncated_std, rel=1e-15) == numpy_network.TRUNCATED_STD
    assert np.abs(W).max() <= 2 * std / truncated_std


def test_zeros_never_break_the_symmetry():
    model = NumpyNetwork.initialised([2, 3, 1], ["tanh", "sigmoid"], init="zeros")
    model.fit(X4, T4, learning_rate=0.5, epochs=20)
    W = model.weights[0]
    assert np.all(W[0] == W) and np.all(model.biases[0] == model.biases[0][0])


def test_random_normal_has_the_scale_as_standard_deviation_and_seeds_repeat():
    first = NumpyNetwork.initialised([100, 100, 1], ["relu", "linear"], init="random_normal",
                                     scale=0.3, seed=4)
    again = NumpyNetwork.initialised([100, 100, 1], ["relu", "linear"], init="random_normal",
                                     scale=0.3, seed=4)
    assert first.weights[0].std() == pytest.approx(0.3, rel=0.03)
    assert all(np.array_equal(a, b) for a, b in zip(first.weights, again.weights, strict=True))


def test_float32_trains_in_float32_close_to_float64():
    network = load_network(EXAMPLES / "deep.toml")
    single = NumpyNetwork.from_network(network, dtype="float32")
    double = NumpyNetwork.from_network(network)
    for model in (single, double):
        model.fit(X4, T4, learning_rate=0.5, epochs=50, batch_size=2, shuffle_seed=3)
    assert all(W.dtype == np.float32 for W in single.weights + single.biases)
    assert single.predict(X4).dtype == np.float32
    assert list(single.parameters().values()) == pytest.approx(
        list(double.parameters().values()), rel=1e-4, abs=1e-5)


def test_the_file_runs_alone_with_numpy_only(tmp_path):
    """Copied into an empty folder and run in isolated mode, it prints the worked step.

    By hand (tutorial.toml, sigmoid): E = 0.043791, delta_o1 = -0.070781,
    w5_new = 0.7 - 0.5 · (-0.070781) · 0.657010 = 0.723252,
    b_o1_new = 0.2 - 0.5 · (-0.070781) = 0.235391.
    """
    shutil.copy(numpy_network.__file__, tmp_path / "numpy_network.py")
    result = subprocess.run([sys.executable, "-I", "numpy_network.py"], cwd=tmp_path,
                            capture_output=True, text=True, check=True)
    printed = dict(re.findall(r"^(\S+(?: before the update)?) = (\S+)$", result.stdout, re.M))
    assert float(printed["E before the update"]) == pytest.approx(0.043791, abs=5e-7)
    assert float(printed["w5_new"]) == pytest.approx(0.723252, abs=5e-7)
    assert float(printed["b_o1_new"]) == pytest.approx(0.235391, abs=5e-7)
    assert result.stderr == ""
    imports = re.findall(r"^(?:from|import) (\S+)", (tmp_path / "numpy_network.py").read_text(),
                         re.M)
    assert set(imports) <= {"__future__", "collections.abc", "itertools", "typing", "numpy"}


def test_the_training_loop_needs_numpy_and_the_network_only():
    imports = re.findall(r"^(?:from|import) (\S+)", Path(numpy_fit.__file__).read_text(), re.M)
    assert set(imports) <= {"__future__", "time", "dataclasses", "numpy",
                            "backprop_tutor.networks.numpy_network"}


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", divide="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        values = sigmoid(np.array([-1e4, -745.0, 0.0, 745.0, 1e4]))
    assert values.tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]


def test_sigmoid_equals_the_textbook_formula():
    """1 / (1 + exp(-x)), evaluated with math.exp where it does not overflow."""
    x = np.linspace(-30, 30, 601)
    textbook = np.array([1 / (1 + math.exp(-v)) for v in x])
    assert np.max(np.abs(sigmoid(x) - textbook)) < 3e-16


def test_relu_derivative_at_zero_is_zero_as_in_tensorflow():
    assert ARRAY_ACTIVATIONS["relu"].derivative(np.array([-1.0, 0.0, 2.0])).tolist() == [0.0, 0.0, 1.0]


def test_derivatives_from_the_output_equal_the_textbook_derivatives():
    """sigmoid' = e^-x / (1 + e^-x)², tanh' = 1 / cosh², relu' = step, linear' = 1, by math."""
    net = np.linspace(-3, 3, 61)  # includes 0, where relu' = 0
    textbook = {"sigmoid": [math.exp(-x) / (1 + math.exp(-x)) ** 2 for x in net],
                "tanh": [1 / math.cosh(x) ** 2 for x in net],
                "relu": [1.0 if x > 0 else 0.0 for x in net], "linear": [1.0] * len(net)}
    for name, expected in textbook.items():
        activation = ARRAY_ACTIVATIONS[name]
        from_output = activation.derivative_from_output(activation.function(net))
        assert from_output.tolist() == pytest.approx(expected, rel=1e-12, abs=1e-15), name
        assert activation.derivative(net).tolist() == from_output.tolist()


def test_a_run_starting_at_zero_loss_is_not_called_diverged():
    """Zero weights and biases: out = sigmoid(0) = 0.5 = t, so E = 0 before training."""
    model = NumpyNetwork.initialised([2, 2, 1], ["tanh", "sigmoid"], init="zeros")
    history = model.fit(X4, [[0.5]] * 4, learning_rate=0.5, epochs=3)
    assert history.loss == [0.0] * 4 and history.diverged_at is None


def worksheet_epoch(network, samples, batch_size):
    """One epoch of mini-batch SGD worked with the worksheet, one sample at a time.

    Returns (E of each batch before its update, its size) and the network after the epoch:
    a batch's E is the mean of its samples' E, its step the mean of their gradients.
    """
    losses = []
    for start in range(0, len(samples), batch_size):
        sheets = [solve(with_sample(network, x, t)) for x, t in samples[start:start + batch_size]]
        losses.append((np.mean([s["E"] for s in sheets]), len(sheets)))
        network = network.with_parameters({
            name: value - network.learning_rate * np.mean([s[f"dE_d{name}"] for s in sheets])
            for name, value in network.parameters().items()})
    return losses, network


def test_batches_epoch_loss_is_the_mean_of_the_worksheets_batch_losses():
    """Batches of 3 and 1 from X4: each epoch's loss weighs a batch's E by its samples."""
    network = load_network(DEFAULT_NETWORK)
    model = NumpyNetwork.from_network(network)
    history = model.fit(X4, T4, learning_rate=0.5, epochs=2, batch_size=3,
                        validation=([X4[0]], [T4[0]]), epoch_loss="batches")
    samples = list(zip(X4, T4, strict=True))
    first, network = worksheet_epoch(network, samples, 3)
    after_first = solve(with_sample(network, X4[0], T4[0]))["E"]
    second, network = worksheet_epoch(network, samples, 3)
    expected = [sum(e * n for e, n in epoch) / 4 for epoch in (first, second)]
    assert history.epoch_loss == "batches" and history.diverged_at is None
    assert history.loss == pytest.approx(expected, rel=1e-13)
    assert first[0][0] != first[1][0]   # the weighting is seen
    assert history.val_loss == pytest.approx(
        [after_first, solve(with_sample(network, X4[0], T4[0]))["E"]], rel=1e-13)
    assert model.parameters() == pytest.approx(network.parameters(), rel=1e-13, abs=1e-15)


def test_batches_epoch_loss_stops_in_the_epoch_that_crossed_the_limit():
    """η = 3, one sample a batch: epoch k (from 1) has E = 4^(k-1) / 2 before its update, so
    epoch 11 is the first above 10^6 times epoch 1's."""
    history = divergent_unit().fit([[1.0]], [[0.0]], learning_rate=3.0, epochs=100,
                                   epoch_loss="batches")
    assert history.diverged_at == 11
    assert history.loss == [4.0 ** k / 2 for k in range(11)]


def test_the_frozen_and_absent_biases_keep_their_values_in_every_mode():
    network = load_network(EXAMPLES / "mazur.toml")   # biases frozen
    for mode in ("full", "batches"):
        model = NumpyNetwork.from_network(network)
        model.fit([[0.05, 0.1], [0.3, -0.2]], [[0.01, 0.99], [0.5, 0.5]],
                  learning_rate=0.5, epochs=3, batch_size=1, epoch_loss=mode)
        assert [b.tolist() for b in model.biases] == [[0.35, 0.35], [0.6, 0.6]]


def test_an_unknown_epoch_loss_is_refused():
    with pytest.raises(ValueError, match="epoch_loss must be full or batches; got 'mean'"):
        divergent_unit().fit([[1.0]], [[0.0]], learning_rate=0.1, epochs=1, epoch_loss="mean")
