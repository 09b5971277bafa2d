"""The edges of documented limits and formulas: the last value accepted, the first refused.

Each test here was written against a mutant that the earlier tests let live
(issue 17's mutation run): a limit off by one, a bound that let 0 through, a
data set formula with one term dropped, a floor removed.
"""

import math

import numpy as np
import pytest

from backprop_tutor.networks.datasets import load_dataset
from backprop_tutor.networks.gradcheck import GradientCheck

LIMIT = 1000   # units per layer in a worked step, as docs/network-file.md states


def network_with_inputs(n: int) -> str:
    return (f"learning_rate = 0.5\ninputs = [{', '.join(['0.1'] * n)}]\ntargets = [0.5]\n"
            f"[[layers]]\nactivation = \"linear\"\nweights = [[{', '.join(['0.01'] * n)}]]\n")


@pytest.mark.parametrize(("n", "status"), [(LIMIT, 0), (LIMIT + 1, 2)])
def test_the_unit_limit_is_exact(run, tmp_path, n, status):
    path = tmp_path / "wide.toml"
    path.write_text(network_with_inputs(n), encoding="utf-8")
    assert run("solve", str(path), "--format", "json")[0] == status


@pytest.mark.parametrize(("value", "status"), [("0", 2), ("-0.5", 2), ("1e-300", 0)])
def test_a_learning_rate_must_be_positive(run, value, status):
    assert run("solve", "--learning-rate", value, "--hidden-activation", "tanh")[0] == status


def test_each_spiral_class_is_its_own_arm():
    """Without noise a point of class t lies on r ↦ r (cos(3πr + πt), sin(3πr + πt)):
    its angle less 3πr is 0 (class 0) or π (class 1), modulo 2π."""
    data = load_dataset("spirals", n=200, noise=0.0, seed=3)
    r = np.hypot(data.X[:, 0], data.X[:, 1])
    offset = np.mod(np.arctan2(data.X[:, 1], data.X[:, 0]) - 3 * math.pi * r, 2 * math.pi)
    distance_to_pi = np.abs(offset - math.pi)
    on_arm_1 = distance_to_pi < 1e-9
    on_arm_0 = np.minimum(offset, 2 * math.pi - offset) < 1e-9
    assert np.array_equal(on_arm_1, data.T.ravel() == 1) and np.array_equal(on_arm_0, data.T.ravel() == 0)


def test_relative_error_has_a_floor_for_gradients_near_zero():
    """|bp − fd| / max(|bp|, |fd|, 1e-8): 1e-12 against 3e-12 is 2e-4, not 2/3."""
    check = GradientCheck({"dE_dw1": 1e-12}, {"dE_dw1": 3e-12}, h=1e-6)
    assert check.relative_error("dE_dw1") == pytest.approx(2e-12 / 1e-8, rel=1e-9)


@pytest.mark.parametrize(("value", "status"), [("nan", 2), ("0", 2), ("1", 2), ("inf", 2), ("0.2", 0)])
def test_a_validation_share_is_strictly_between_0_and_1(run, value, status):
    """The option fuzz found it: click's FloatRange let nan through to a traceback."""
    assert run("train", "--data", "xor", "--validation", value, "--epochs", "1")[0] == status


def test_the_unit_limit_names_the_file_and_the_layer(run, tmp_path):
    """Inputs are counted under `inputs`; a layer's units under its weights, layers from 1."""
    wide = tmp_path / "wide.toml"
    wide.write_text(network_with_inputs(LIMIT + 1), encoding="utf-8")
    status, out, err = run("solve", str(wide))
    assert (status, out) == (2, "")
    assert err.endswith(f"{wide}: inputs: {LIMIT + 1} units; a worked step has at most {LIMIT} "
                        "per layer (train has no such limit)\n")
    deep = tmp_path / "deep.toml"
    column, row = ", ".join(["[0.1]"] * (LIMIT + 1)), ", ".join(["0.1"] * (LIMIT + 1))
    deep.write_text("learning_rate = 0.5\ninputs = [0.1]\ntargets = [0.5]\n"
                    f"[[layers]]\nactivation = \"relu\"\nweights = [{column}]\n"
                    f"[[layers]]\nactivation = \"linear\"\nweights = [[{row}]]\n", encoding="utf-8")
    status, out, err = run("solve", str(deep))
    assert (status, out) == (2, "")
    assert f"{deep}: layers[1].weights: {LIMIT + 1} units;" in err
