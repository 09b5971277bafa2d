"""Bad network files: one line on stderr naming the file and the key, status 2, nothing on stdout."""

import pytest

from backprop_tutor.core.network import EXAMPLES, load_network
from backprop_tutor.errors import NetworkFileError

GOOD = """\
learning_rate = 0.5
inputs = [0.5, 1.0]
targets = [0.9]

[[layers]]
activation = "sigmoid"
weights = [[0.3, 0.4], [-0.6, 0.1]]
biases = [0.1, 0.1]

[[layers]]
activation = "sigmoid"
weights = [[0.7, -0.5]]
"""

# (what to change in GOOD, text the error line must contain)
BAD_FILES = [
    ("learning_rate = 0.5\ninputs = [0.5, 1.0", "is not valid TOML"),
    (GOOD.replace("learning_rate", "learning_rat"), "learning_rat: unknown key"),
    (GOOD.replace("biases = [0.1, 0.1]", "bias = [0.1, 0.1]"), "layers[1].bias: unknown key"),
    (GOOD.replace("[[0.7, -0.5]]", "[[0.7, -0.5, 0.2]]"),
     "layers[2].weights[1]: expected 2 numbers (one per unit of the previous layer), got 3"),
    (GOOD.replace("[[0.3, 0.4], [-0.6, 0.1]]", "[[0.3], [-0.6, 0.1]]"), "layers[1].weights[1]: expected 2"),
    (GOOD.replace("biases = [0.1, 0.1]", "biases = [0.1]"), "layers[1].biases: expected 2 numbers"),
    (GOOD.replace("targets = [0.9]", "targets = [0.9, 0.1]"),
     "targets: expected 1 number (one per output unit), got 2"),
    (GOOD.replace('activation = "sigmoid"', 'activation = "softmax"', 1),
     "layers[1].activation: must be one of sigmoid, tanh, relu, linear; got 'softmax'"),
    (GOOD.replace("learning_rate = 0.5", 'learning_rate = 0.5\nloss = "cross_entropy"'),
     "loss: must be one of"),
    (GOOD.replace("0.3, 0.4", '"0.3", 0.4'), "layers[1].weights[1][1]: expected a finite number, got '0.3'"),
    (GOOD.replace("0.3, 0.4", "nan, 0.4"), "layers[1].weights[1][1]: expected a finite number, got nan"),
    (GOOD.replace("inputs = [0.5, 1.0]", "inputs = [inf, 1.0]"), "inputs[1]: expected a finite number"),
    (GOOD.replace("inputs = [0.5, 1.0]", "inputs = [true, 1.0]"),
     "inputs[1]: expected a finite number, got True"),
    (GOOD.replace("inputs = [0.5, 1.0]\n", ""), "inputs: missing"),
    (GOOD.replace("targets = [0.9]\n", ""), "targets: missing"),
    (GOOD.split("[[layers]]")[0], "layers: missing"),
    (GOOD.split("[[layers]]")[0] + "layers = []", "layers: expected one or more [[layers]] tables"),
    (GOOD.replace("learning_rate = 0.5", "learning_rate = -1"), "learning_rate: must be positive"),
    (GOOD.replace("learning_rate = 0.5", "learning_rate = 0.5\ntitle = 3"), "title: must be a string"),
    (GOOD.replace("biases = [0.1, 0.1]", "biases = [0.1, 0.1]\ntrain_biases = 1"),
     "layers[1].train_biases: must be true or false"),
    (GOOD.replace('activation = "sigmoid"\n', "", 1), "layers[1].activation: missing"),
    (GOOD.replace("[[0.7, -0.5]]", "[]"), "layers[2].weights: expected a list of rows"),
    ("", "is empty"),
]


@pytest.mark.parametrize("text, message", BAD_FILES)
def test_bad_file_gives_one_line_naming_file_and_key(run, network_file, text, message):
    path = network_file(text)
    status, out, err = run("solve", str(path))
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"backprop-tutor: error: {path}: ")
    assert message in err


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "missing.toml", "no such file"),
    (lambda tmp: tmp, "is a folder, not a network file"),
])
def test_bad_paths(run, tmp_path, make, message):
    status, out, err = run("train", str(make(tmp_path)))
    assert (status, out) == (2, "")
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a text file"),
    (b"inputs = [1.0]\x00", "is not a text file"),
])
def test_binary_file(run, tmp_path, data, message):
    path = tmp_path / "image.toml"
    path.write_bytes(data)
    status, out, err = run("solve", str(path))
    assert (status, out) == (2, "")
    assert f"{path}: {message}" in err


@pytest.mark.parametrize("args, message", [
    (["solve", "--hidden-activation", "softmax"], "'--hidden-activation'"),
    (["solve", "--learning-rate", "nan"], "'--learning-rate'"),
    (["solve", "--learning-rate", "-0.5"], "is not a positive finite number"),
    (["train", "--learning-rate", "inf"], "is not a positive finite number"),
    (["solve", "--format", "pdf"], "'--format'"),
    (["solve", "--decimals", "-1"], "'--decimals'"),
    (["train", "--epochs", "0"], "'--epochs'"),
    (["solve", "--no-such-option"], "No such option"),
    (["no-such-command"], "No such command"),
])
def test_bad_options(run, args, message):
    status, out, err = run(*args)
    assert (status, out) == (2, "")
    assert message in err and err.count("\n") == 1 and "Usage" not in err


def test_every_shipped_example_loads():
    for path in sorted(EXAMPLES.glob("*.toml")):
        network = load_network(path)
        assert network.title and network.description, path


def test_error_is_a_value_error_for_python_users(tmp_path):
    path = tmp_path / "net.toml"
    path.write_text("inputs = [1]")
    with pytest.raises(NetworkFileError, match=r"net.toml: targets: missing"):
        load_network(path)


def test_with_options_validates_its_arguments():
    network = load_network(EXAMPLES / "tutorial.toml")
    with pytest.raises(ValueError, match="hidden_activation must be one of"):
        network.with_options(hidden_activation="softplus")
    with pytest.raises(ValueError, match="learning_rate must be a positive finite number"):
        network.with_options(learning_rate=float("nan"))


def test_with_parameters_takes_weights_and_biases_by_name():
    """tutorial.toml is 2-2-1 with biases; no_biases.toml has none, and keeps none."""
    network = load_network(EXAMPLES / "tutorial.toml")
    values = {f"w{k}": k / 10 for k in range(1, 7)} | {"b_h1": -1.0, "b_h2": -2.0, "b_o1": -3.0}
    changed = network.with_parameters(values)
    assert [layer.weights for layer in changed.layers] == [((0.1, 0.2), (0.3, 0.4)), ((0.5, 0.6),)]
    assert [layer.biases for layer in changed.layers] == [(-1.0, -2.0), (-3.0,)]
    bare = load_network(EXAMPLES / "no_biases.toml")
    weights = {name: 1.0 for name in bare.parameters()}
    assert [layer.biases for layer in bare.with_parameters(weights).layers] == [None] * len(bare.layers)
