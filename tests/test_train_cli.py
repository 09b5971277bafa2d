"""``backprop-tutor train`` on data sets, and how it reports a run that diverges.

Expected numbers are worked by hand here or come from the worksheet (solve),
one sample at a time, never from the training code under test.
"""

import dataclasses
import json
import math
import warnings

import numpy as np
import pytest

from backprop_tutor.cli.training import keras_command, train
from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.core.worksheet import solve
from backprop_tutor.networks.gradcheck import finite_difference_gradients
from backprop_tutor.networks.numpy_network import INIT_NAMES

XOR = [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]

#: One linear unit without bias, w = 1, x = 1, t = 0: E = w²/2 and w <- (1 - η) w.
UNIT = """
    learning_rate = 3.0
    inputs = [1.0]
    targets = [0.0]

    [[layers]]
    activation = "linear"
    weights = [[1.0]]
"""


def json_run(run, *args):
    status, out, err = run("train", *args, "--format", "json")
    assert (status, err) == (0, ""), err
    return json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


def test_full_batch_loss_is_the_mean_of_the_worksheets_E(run):
    network = load_network(DEFAULT_NETWORK)
    sheets = [solve(dataclasses.replace(network, inputs=x, targets=(t,))) for x, t in XOR]
    document = json_run(run, "--data", "xor", "--epochs", "2")
    assert len(document["loss"]) == 2 and document["diverged_at"] is None
    assert document["loss"][0] == pytest.approx(np.mean([s["E"] for s in sheets]), rel=1e-14)
    # One full-batch update: each weight moves by η times the mean of the per-sample gradients.
    mean_w5_gradient = np.mean([s["dE_dw5"] for s in sheets])
    one = json_run(run, "--data", "xor", "--epochs", "1")
    assert one["values"]["w5"] == pytest.approx(0.7 - 0.5 * mean_w5_gradient, rel=1e-14)
    assert "val_loss" not in document


def test_a_csv_with_the_files_sample_gives_the_worked_step(run, tmp_path):
    """By hand: w5_new = 0.7 - 0.5 · (-0.070781) · 0.657010 = 0.723252."""
    path = tmp_path / "one.csv"
    path.write_text("i1,i2,t1\n0.5,1.0,0.9\n")
    document = json_run(run, "--data", str(path), "--epochs", "1", "--batch-size", "1")
    assert document["loss"] == [pytest.approx(0.043791, abs=5e-7)]
    assert document["values"]["w5"] == pytest.approx(0.723252, abs=5e-7)


def test_mini_batches_validation_and_seeds(run):
    args = ["--data", "moons", "--epochs", "5", "--batch-size", "16", "--shuffle-seed", "2",
            "--validation", "0.25", "--init", "he_normal", "--seed", "1"]
    document = json_run(run, *args)
    assert len(document["loss"]) == len(document["val_loss"]) == 5
    assert document["final_loss"] < document["loss"][0]
    assert math.isfinite(document["final_val_loss"])
    assert json_run(run, *args) == document  # the same seeds, the same numbers
    other = json_run(run, *args[:-1], "2")
    assert other["values"] != document["values"]
    reshuffled = json_run(run, *args[:5], "3", *args[6:])
    assert reshuffled["values"] != document["values"]


def test_text_shows_training_and_validation_loss_per_epoch(run):
    status, out, err = run("train", "--data", "circles", "--epochs", "20", "--validation", "0.2")
    assert (status, err) == (0, "")
    assert ("Data: circles, 160 training samples, 40 held out for validation; batches of all "
            "of them, file order") in " ".join(out.split())
    rows = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert [int(r[0]) for r in rows] == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]


def test_without_data_a_diverging_run_stops_at_the_update_that_crossed_the_limit(run,
                                                                              network_file):
    """η = 3: E_k = 4^k / 2 after k updates, above 10^6 · E_0 first at k = 10 (E = 524288)."""
    path = str(network_file(UNIT))
    document = json_run(run, path, "--epochs", "100")
    assert document["diverged_at"] == 10
    assert document["loss"] == [4.0 ** k / 2 for k in range(10)]
    assert document["final_loss"] == 524288 and document["values"] == {"w1": 1024}
    status, out, err = run("train", path, "--epochs", "100")
    assert (status, err) == (0, "")
    assert ("Update 10 made E = 524288, more than 1e+06 times its start, 0.5: the run diverged "
            "and training stopped there.") in " ".join(out.split())


def test_an_overflow_is_reported_without_warnings_nan_or_huge_integers(run, network_file):
    """η = 1e200: w_1 = 1 - 1e200 and E_1 = w_1² / 2 overflows to inf at update 1."""
    path = str(network_file(UNIT))
    document = json_run(run, path, "--epochs", "50", "--learning-rate", "1e200")
    assert (document["diverged_at"], document["loss"], document["final_loss"]) == (1, [0.5], None)
    status, out, err = run("train", path, "--epochs", "50", "--learning-rate", "1e200")
    assert (status, err) == (0, "")
    assert "Update 1 made E = inf, no longer a finite number" in " ".join(out.split())
    assert "w1 -1e+200" in " ".join(out.split())
    data = json_run(run, "--data", "moons", "--epochs", "30", "--learning-rate", "1e100",
                    "--output-activation", "linear")
    assert data["diverged_at"] is not None and len(data["loss"]) == data["diverged_at"]


def test_finite_differences_of_an_overflowing_network_raise_no_warning(network_file):
    """Two linear layers with weights 1e200: out = 1e400 overflows, E and its estimates are not
    finite numbers, and that is the result, without a NumPy warning on stderr."""
    path = network_file(UNIT.replace("weights = [[1.0]]", "weights = [[1e200]]") + """
    [[layers]]
    activation = "linear"
    weights = [[1e200]]
    """)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        estimates = finite_difference_gradients(load_network(path))
    assert not any(math.isfinite(value) for value in estimates.values())


@pytest.mark.parametrize("args, message", [
    (["--data", "mooons"], "mooons: unknown data set; choose one of xor, moons, circles, "
                           "spirals, sine, digits or give a .csv file"),
    (["--data", "digits"], "digits: has 64 inputs and 10 targets; the network takes 2 inputs "
                           "and gives 1 output"),
    (["--batch-size", "4"], "--batch-size needs --data"),
    (["--data", "xor", "--batch-size", "0"], "Invalid value for '--batch-size': '0' is not a "
                                             "whole number >= 1"),
    (["--data", "xor", "--batch-size", "some"], "Invalid value for '--batch-size': 'some' is "
                                                "neither a whole number nor 'full'"),
    (["--validation", "0.2"], "--validation needs --data"),
    (["--seed", "3"], "--seed needs --init"),
    (["--epoch-loss", "batches"], "--epoch-loss batches needs --data"),
    (["--data", "xor", "--threads", "-1"], "Invalid value for '--threads': -1 is not in the "
                                           "range x>=0."),
])
def test_bad_options_are_one_line_and_exit_2(run, args, message):
    status, out, err = run("train", *args)
    assert (status, out) == (2, "")
    assert err == f"backprop-tutor: error: {message}\n"


def test_a_bad_csv_is_one_line_naming_the_file_and_place(run, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("i1,i2,t1\n0.5,1,0.9\n0.5,x,1\n")
    status, out, err = run("train", "--data", str(path))
    assert (status, out) == (2, "")
    assert err == f"backprop-tutor: error: {path}: line 3, i2: expected a number, got 'x'\n"


def test_the_command_line_offers_the_networks_initialisers_and_losses():
    """--init: what the NumPy network draws; keras --loss: both losses and their old names."""
    choices = {option.name: option.type.choices for command in (train, keras_command)
               for option in command.params if option.name in ("init", "loss")}
    assert tuple(choices["init"]) == INIT_NAMES
    assert sorted(choices["loss"]) == ["half_sse", "keras-mse", "mse", "tutorial"]


def test_mazur_file_without_data_is_unchanged(run):
    document = json_run(run, str(EXAMPLES / "mazur.toml"), "--epochs", "2")
    assert document["loss"][0] == pytest.approx(0.298371109, abs=1e-9)
    assert len(document["loss"]) == 2 and set(document) == {"epoch_loss", "loss", "final_loss",
                                                             "diverged_at", "values"}
    assert document["epoch_loss"] == "full"


def test_batches_epoch_loss_is_recorded_without_a_final_loss(run):
    """Full batches on xor: the one batch of epoch 1 is the whole set at the start, so its
    loss is the mean of the worksheet's E; epoch 2's is after one update, and the weights are
    those of the full mode."""
    network = load_network(DEFAULT_NETWORK)
    sheets = [solve(dataclasses.replace(network, inputs=x, targets=(t,))) for x, t in XOR]
    document = json_run(run, "--data", "xor", "--epochs", "2", "--epoch-loss", "batches")
    assert set(document) == {"epoch_loss", "loss", "diverged_at", "values"}
    assert document["epoch_loss"] == "batches" and len(document["loss"]) == 2
    assert document["loss"][0] == pytest.approx(np.mean([s["E"] for s in sheets]), rel=1e-14)
    full = json_run(run, "--data", "xor", "--epochs", "2")
    assert document["loss"][1] == pytest.approx(full["loss"][1], rel=1e-14)
    assert document["values"] == full["values"]


def test_the_help_says_which_loss_an_epoch_records(run):
    status, out, _ = run("train", "--help")
    text = " ".join(out.split())
    assert status == 0
    assert "full: the loss of the whole training set before each epoch" in text
    assert "batches: the mean of the epoch's batch losses" in text and "no extra pass" in text


def test_training_runs_on_one_blas_thread_unless_asked():
    from threadpoolctl import threadpool_info

    from backprop_tutor.networks.datasets import load_dataset
    from backprop_tutor.networks.training import train_network

    def blas_threads_seen(threads):
        seen = []
        train_network(load_network(DEFAULT_NETWORK), epochs=1, data=load_dataset("xor"),
                      threads=threads, progress=lambda done: seen.extend(
                          info["num_threads"] for info in threadpool_info()
                          if info["user_api"] == "blas"))
        return seen

    outside = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    assert outside and blas_threads_seen(1) == [1] * len(outside)
    assert blas_threads_seen(None) == outside
