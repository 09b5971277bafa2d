"""Problem 4: Keras beside the NumPy network, and the keras command.

Expected numbers come from elsewhere: Matt Mazur's published example, the
worked solution (worksheet, named scalars) or the NumPy network (matrix form)
run here by the test itself, never from the Keras code under test.
"""

import json
import math
import os
import re
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from backprop_tutor.core.network import EXAMPLES, load_network
from backprop_tutor.core.worksheet import solve
from backprop_tutor.networks.keras_network import compare_with_numpy, import_keras
from backprop_tutor.networks.numpy_network import NumpyNetwork

#: Our name for the loss each Keras loss computes.
STEPS = 5


def example(name: str, **options):
    return load_network(EXAMPLES / f"{name}.toml").with_options(**options)


def frozen_output_bias():
    """The tutorial network with only its output bias frozen."""
    network = example("tutorial")
    hidden, output = network.layers
    return replace(network, layers=(hidden, replace(output, train_biases=False)))


NETWORKS = {
    "1 output, sigmoid hidden": example("tutorial", hidden_activation="sigmoid"),
    "1 output, tanh hidden": example("tutorial", hidden_activation="tanh"),
    "1 output, relu hidden": example("tutorial", hidden_activation="relu"),
    "1 output, linear output": example("tutorial", output_activation="linear",
                                       learning_rate=0.1),
    "2 outputs, sigmoid hidden": example("two_outputs_mse", hidden_activation="sigmoid"),
    "2 outputs, tanh hidden": example("two_outputs_mse", hidden_activation="tanh"),
    "2 outputs, relu hidden": example("two_outputs_mse", hidden_activation="relu"),
    "no biases": example("no_biases"),
    "frozen biases (Mazur)": example("mazur"),
    "frozen output bias only": frozen_output_bias(),
    "two hidden layers": example("deep"),
}


def numpy_run(network, loss: str, steps: int, learning_rate=None):
    """(losses before each update, final weights) of the NumPy network with Keras' loss."""
    model = NumpyNetwork.from_network(network.with_options(loss=loss))
    losses = [model.sgd_step([network.inputs], [network.targets],
                             learning_rate or network.learning_rate) for _ in range(steps)]
    return losses, model.parameters()


@pytest.mark.parametrize("loss", ["mse", "half_sse"])
@pytest.mark.parametrize("name", NETWORKS)
def test_keras_agrees_with_numpy_to_rounding_in_float64(name, loss):
    network = NETWORKS[name]
    result = compare_with_numpy(network, loss, steps=STEPS)
    losses, values = numpy_run(network, loss, STEPS)
    assert list(result.keras_values) == list(network.parameters())
    assert max(abs(result.keras_values[n] - values[n]) for n in values) < 1e-12
    # train_on_batch reports the loss of the forward pass before its update.
    assert np.allclose(result.keras_loss, losses, rtol=0, atol=1e-12)
    assert result.numpy_values == values and result.max_abs_diff < 1e-12
    assert result.keras_values != network.parameters()  # it did train


def test_frozen_biases_keep_their_values_and_the_others_train():
    mazur = compare_with_numpy(NETWORKS["frozen biases (Mazur)"], "half_sse", steps=STEPS)
    biases = [mazur.keras_values[b] for b in ("b_h1", "b_h2", "b_o1", "b_o2")]
    assert biases == [0.35, 0.35, 0.6, 0.6]
    partly = compare_with_numpy(frozen_output_bias(), "half_sse", steps=STEPS)
    assert partly.keras_values["b_o1"] == 0.2 and partly.keras_values["b_h1"] != 0.1


def test_mazur_published_numbers():
    # Matt Mazur, "A Step by Step Backpropagation Example" (2015).
    result = compare_with_numpy(example("mazur"), "half_sse")
    assert result.keras_loss[0] == pytest.approx(0.298371109, abs=5e-10)
    assert round(result.keras_values["w5"], 8) == 0.35891648
    assert round(result.keras_values["w1"], 9) == 0.149780716
    # Two outputs: 2/K = 1, Keras' MSE takes the very same step.
    keras_mse = compare_with_numpy(example("mazur"), "mse")
    assert round(keras_mse.keras_values["w5"], 8) == 0.35891648


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_keras_with_the_tutorial_loss_reproduces_the_hand_calculation(activation):
    network = example("tutorial", hidden_activation=activation)
    sheet = solve(network)
    result = compare_with_numpy(network, "half_sse")
    assert result.keras_loss[0] == pytest.approx(sheet["E"], rel=1e-12)
    for name, value in result.keras_values.items():
        assert value == pytest.approx(sheet[f"{name}_new"], abs=1e-12)


def test_one_output_keras_mse_gradient_is_twice_the_tutorial_s():
    network = NETWORKS["1 output, sigmoid hidden"]
    start = network.parameters()
    keras = compare_with_numpy(network, "mse")
    _, tutorial = numpy_run(network, "half_sse", steps=1)
    for name in start:
        keras_change = keras.keras_values[name] - start[name]
        assert keras_change == pytest.approx(2 * (tutorial[name] - start[name]), rel=1e-9)
    assert keras.factor == 2
    # Keras' MSE at η/2 = η·K/2 is the hand calculation (tutorial loss) at η.
    sheet = solve(network)
    half_rate = compare_with_numpy(network.with_options(learning_rate=network.learning_rate / 2))
    for name, value in half_rate.keras_values.items():
        assert value == pytest.approx(sheet[f"{name}_new"], abs=1e-12)
    # Keras' MSE at η is the tutorial loss at η·2/K = 2η, over several steps.
    _, double_rate = numpy_run(network, "half_sse", STEPS, learning_rate=2 * network.learning_rate)
    several = compare_with_numpy(network, "mse", steps=STEPS)
    assert max(abs(several.keras_values[n] - double_rate[n]) for n in start) < 1e-12


def test_the_explained_figures():
    result = compare_with_numpy(NETWORKS["1 output, sigmoid hidden"], "mse")
    tutorial_loss = solve(NETWORKS["1 output, sigmoid hidden"])["E"]
    assert result.initial_loss() == pytest.approx({"half_sse": tutorial_loss,
                                                   "mse": 2 * tutorial_loss}, rel=1e-12)
    assert result.same_step_learning_rates() == {"mse": 0.5, "half_sse": 1.0}
    two = compare_with_numpy(NETWORKS["2 outputs, tanh hidden"], "half_sse")
    assert (two.n_outputs, two.factor) == (2, 1.0)
    assert two.same_step_learning_rates() == {"mse": 0.5, "half_sse": 0.5}


def test_random_weights_same_seed_same_numbers_other_seed_other_numbers():
    network = NETWORKS["two hidden layers"]
    first, again, other = (compare_with_numpy(network, "half_sse", steps=3, seed=seed)
                           for seed in (7, 7, 8))
    assert first.start.parameters() == again.start.parameters()
    assert (first.keras_loss, first.keras_values) == (again.keras_loss, again.keras_values)
    assert first.start.parameters() != other.start.parameters()
    assert first.keras_values != other.keras_values


def test_random_weights_are_keras_defaults_and_numpy_starts_from_them():
    network = NETWORKS["two hidden layers"]
    result = compare_with_numpy(network, "mse", steps=STEPS, seed=3)
    start = result.start.parameters()
    assert start != network.parameters()
    assert all(start[b] == 0 for b in start if b.startswith("b_"))  # Keras: zero biases
    # Glorot-uniform kernels: |w| <= sqrt(6 / (fan_in + fan_out)), per layer.
    sizes = network.sizes
    for layer, fan_in, fan_out in zip(result.start.layers, sizes[:-1], sizes[1:], strict=True):
        assert np.abs(layer.weights).max() <= math.sqrt(6 / (fan_in + fan_out))
    _, values = numpy_run(result.start, "mse", STEPS)
    assert max(abs(result.keras_values[n] - values[n]) for n in values) < 1e-12


def test_float32_differs_by_a_single_precision_amount():
    network = NETWORKS["1 output, sigmoid hidden"]
    result = compare_with_numpy(network, "half_sse", steps=STEPS, precision="float32")
    assert 1e-9 < result.max_abs_diff < 1e-5
    assert result.start.parameters()["w1"] == float(np.float32(0.3))  # what float32 holds
    _, float64_values = numpy_run(network, "half_sse", STEPS)
    difference = max(abs(result.keras_values[n] - float64_values[n]) for n in float64_values)
    assert 1e-9 < difference < 1e-5


def test_keras_global_float_settings_are_restored():
    keras = import_keras()
    before = keras.config.floatx()
    for precision in ("float32", "float64"):  # float64 last: not Keras' default
        compare_with_numpy(NETWORKS["no biases"], precision=precision)
    layer = keras.layers.Dense(1)  # a model built afterwards gets the float type from before
    layer.build((None, 2))
    assert keras.config.floatx() == before == layer.kernel.dtype


@pytest.mark.parametrize("options, message", [
    ({"loss": "keras-mse"}, "loss must be one of mse, half_sse"),
    ({"precision": "float16"}, "precision must be one of float64, float32"),
    ({"steps": 0}, "steps must be a whole number >= 1"),
])
def test_bad_arguments_name_the_parameter(options, message):
    with pytest.raises(ValueError, match=message):
        compare_with_numpy(NETWORKS["no biases"], **options)


# The command.

def test_text_shows_both_networks_and_explains_the_loss_for_this_network(run):
    status, out, err = run("keras")
    assert (status, err) == (0, "")
    sheet = solve(example("tutorial"))
    assert "Keras loss mse, float64, the file's weights" in out
    assert "Largest difference |Keras − NumPy|:" in out
    assert "K = 1 output unit, 2/K = 2" in out
    losses = {line.split()[0]: line.split()[-1] for line in out.splitlines() if " E = " in line}
    assert losses == {"half_sse": f"{sheet['E']:.10f}",            # E before the first update
                      "mse": f"{2 * sheet['E']:.10f}"}             # 2/K times the tutorial's E
    rates = [line.split() for line in out.splitlines() if re.fullmatch(r" +[\d.]+ +[\d.]+", line)]
    assert rates == [["0.25", "0.5"], ["0.5", "1"]]                # the same SGD step
    assert max(len(line) for line in out.splitlines()) <= 80


def test_text_with_the_tutorial_loss_shows_the_hand_calculated_weights(run):
    status, out, _ = run("keras", "--loss", "tutorial", "--hidden-activation", "tanh")
    sheet = solve(example("tutorial", hidden_activation="tanh"))
    w5_row = next(line.split() for line in out.splitlines() if line.startswith("  w5 "))
    assert status == 0 and w5_row[:4] == ["w5", "0.7", f"{sheet['w5_new']:.10f}",
                                          f"{sheet['w5_new']:.10f}"]


def test_json_contract(run):
    status, out, err = run("keras", str(EXAMPLES / "two_outputs_mse.toml"), "--steps", "3",
                           "--format", "json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert list(data)[:4] == ["loss", "values", "numpy", "max_abs_diff"]
    names = list(example("two_outputs_mse").parameters())
    assert list(data["values"]) == list(data["numpy"]) == names
    assert len(data["loss"]) == 3 and data["max_abs_diff"] < 1e-12
    losses, values = numpy_run(example("two_outputs_mse"), "mse", 3)
    assert data["loss"] == pytest.approx(losses, abs=1e-12)
    assert data["values"] == pytest.approx(values, abs=1e-12)
    assert (data["loss_convention"], data["precision"], data["steps"], data["seed"],
            data["outputs"], data["factor"]) == ("mse", "float64", 3, None, 2, 1.0)


def test_json_with_random_weights_records_the_seed(run):
    _, out, _ = run("keras", "--random-weights", "--seed", "4", "--precision", "float32",
                    "--format", "json")
    data = json.loads(out)
    assert (data["seed"], data["precision"]) == (4, "float32")
    assert data["start"]["w1"] != 0.3 and 0 < data["max_abs_diff"] < 1e-5


def test_seed_without_random_weights_is_an_error(run):
    status, out, err = run("keras", "--seed", "3")
    assert (status, out) == (2, "")
    assert err == "backprop-tutor: error: --seed needs --random-weights\n"


def test_without_tensorflow_one_line_says_how_to_install_it(run, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # makes `import tensorflow` fail
    status, out, err = run("keras")
    assert (status, out) == (2, "")
    assert err == ("backprop-tutor: error: TensorFlow is not installed; "
                   "install it with: pip install 'backprop-tutor[keras]'\n")


def test_tensorflow_is_not_imported_by_the_package_or_its_command_line():
    code = ("import sys, backprop_tutor, backprop_tutor.cli, backprop_tutor.networks.keras_network; "
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "False False\n"


def test_the_command_is_quiet_on_stderr_in_a_fresh_process():
    # TensorFlow's start-up messages appear on its first import only; the variables
    # that silence them must come from the command, not from this test's process.
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "KERAS_"))}
    command = [sys.executable, "-c", "from backprop_tutor.cli import main; main()", "keras"]
    done = subprocess.run(command, capture_output=True, text=True, env=environment)
    assert (done.returncode, done.stderr) == (0, "")
    assert "Largest difference" in done.stdout


def test_one_update_reproduces_the_hand_calculation(run):
    """Keras with the tutorial's loss lands on the worked solution's w_new (mpmath values)."""
    _, out, _ = run("keras", "--loss", "tutorial", "--format", "json")
    document = json.loads(out)
    assert document["values"]["w1"] == pytest.approx(0.302791325485474, rel=1e-12)
    assert document["values"]["w5"] == pytest.approx(0.723252066914187, rel=1e-12)
    assert document["by_hand_max_abs_diff"] < 1e-12
    _, text, _ = run("keras", "--loss", "tutorial")
    assert "Largest difference |Keras − worked by hand|:" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_loss_takes_the_file_names_and_keeps_the_keras_names_as_aliases(run):
    outputs = {loss: run("keras", "--loss", loss, "--steps", "2", "--format", "json")[1]
               for loss in ("half_sse", "tutorial", "mse", "keras-mse")}
    assert outputs["half_sse"] == outputs["tutorial"] and outputs["mse"] == outputs["keras-mse"]
    assert json.loads(outputs["half_sse"])["numpy_loss_convention"] == "half_sse"
    assert outputs["mse"] == run("keras", "--steps", "2", "--format", "json")[1]


# Mini-batch training on a data set: the same start, the same batches in the same order.

def two_class_data(n=10):
    """Points on a circle and their classes as two one-hot targets: K = 2 outputs."""
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    X = np.column_stack([np.cos(angle), np.sin(2 * angle)])
    inside = (angle < np.pi).astype(float)
    return X, np.column_stack([inside, 1 - inside])


def keras_weights(model):
    """The model's weights in the file's layout: each kernel transposed, then the biases."""
    return ([dense.kernel.numpy().T for dense in model.layers],
            [dense.bias.numpy() for dense in model.layers])


@pytest.mark.parametrize("loss", ["half_sse", "mse"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_mini_batch_sgd_agrees_with_keras_after_several_epochs(activation, loss):
    """3 epochs of batches of 4 over 10 rows (the last batch 2), reshuffled from one seed."""
    from backprop_tutor.networks.keras_network import fit_keras, keras_precision, model_of

    X, T = two_class_data()
    model = NumpyNetwork.initialised([2, 3, 2], [activation, "sigmoid"], init="he_uniform",
                                     seed=5, loss=loss)
    model.biases[0] += 0.1  # so that relu units start away from their kink at 0
    with keras_precision("float64"):
        keras_model = model_of(model, learning_rate=0.3)
        fit_keras(keras_model, X, T, epochs=3, batch_size=4, shuffle_seed=11)
        weights, biases = keras_weights(keras_model)
    history = model.fit(X, T, learning_rate=0.3, epochs=3, batch_size=4, shuffle_seed=11)
    assert history.diverged_at is None and len(history.loss) == 4
    for ours, theirs in zip(model.weights + model.biases, weights + biases, strict=True):
        assert np.max(np.abs(ours - theirs)) <= 1e-12
    start = NumpyNetwork.initialised([2, 3, 2], [activation, "sigmoid"], init="he_uniform",
                                     seed=5, loss=loss)
    assert not np.allclose(start.weights[0], model.weights[0])  # it did train


def test_initialisers_draw_with_keras_standard_deviation():
    """Our he_normal and glorot_normal beside Keras' own, on a large layer."""
    keras = import_keras()
    for name in ("he_normal", "glorot_normal", "he_uniform", "glorot_uniform"):
        ours = NumpyNetwork.initialised([400, 300, 1], ["relu", "linear"], init=name).weights[0]
        theirs = keras.initializers.get(name)(shape=(400, 300)).numpy()
        assert ours.std() == pytest.approx(theirs.std(), rel=0.02), name
        assert np.abs(ours).max() == pytest.approx(np.abs(theirs).max(), rel=0.02), name
