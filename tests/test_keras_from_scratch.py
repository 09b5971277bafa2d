"""Problem 4's student-style Keras code (networks/keras_from_scratch.py) against mpmath's step.

The expected numbers are tests/reference/reference_values.py's (mpmath, 50 digits,
the tutorial network), not the package's worksheet or its Keras comparison.
"""

import numpy as np
import pytest

from backprop_tutor.networks import from_scratch, keras_from_scratch
from backprop_tutor.networks.keras_network import import_keras

W1, b1 = np.array([[0.3, 0.4], [-0.6, 0.1]]), np.array([0.1, 0.1])
W2, b2 = np.array([[0.7, -0.5]]), np.array([0.2])
x, t = np.array([0.5, 1.0]), np.array([0.9])

# mpmath: E before the update, w1 and w5 after it, E after it
REFERENCE = {("sigmoid", "half_sse"): (0.0437912276731126513375400737533,
                                       0.302791325485473672291575611069,
                                       0.723252066914187218358294558145,
                                       0.0395478977630653920512548642282),
             ("relu", "half_sse"): (0.02924902104927577171727960806,
                                    0.309523082327515358056287761564,
                                    0.717685724322528522104534414333,
                                    0.0256311034037043456232245016425),
             ("tanh", "mse"): (0.0590435896021633793114715728407,
                               0.312901703439769023943873610219,
                               0.731302895047516342840178148322,
                               0.0458284711053894783021424045033)}


@pytest.fixture(autouse=True)
def keras_floatx_restored():
    # build() sets Keras' float type for the session, as a student's script would; the other
    # tests expect Keras' defaults, its float type and the dtype policy its first layer fixed
    keras = import_keras()
    floatx, policy = keras.config.floatx(), keras.config.dtype_policy()
    yield
    keras.config.set_floatx(floatx)
    keras.config.set_dtype_policy(policy)


@pytest.mark.parametrize("hidden, loss", list(REFERENCE))
def test_losses_before_and_after_one_update(hidden, loss):
    E, _, _, E_after = REFERENCE[hidden, loss]
    model = keras_from_scratch.build(W1, b1, W2, b2, hidden, 0.5, loss)
    losses = keras_from_scratch.train(model, x, t, 2)
    assert losses[0] == pytest.approx(E, abs=1e-15)
    assert losses[1] == pytest.approx(E_after, abs=1e-15)


@pytest.mark.parametrize("hidden, loss", list(REFERENCE))
def test_weights_after_one_update(hidden, loss):
    _, w1, w5, _ = REFERENCE[hidden, loss]
    model = keras_from_scratch.build(W1, b1, W2, b2, hidden, 0.5, loss)
    keras_from_scratch.train(model, x, t, 1)
    new_W1, _, new_W2, _ = keras_from_scratch.weights(model)
    assert new_W1.shape == W1.shape and new_W2.shape == W2.shape     # rows are units again
    assert new_W1[0, 0] == pytest.approx(w1, abs=1e-15)
    assert new_W2[0, 0] == pytest.approx(w5, abs=1e-15)


def test_random_start_trains_as_the_numpy_code_does():
    # Problem 3's NumPy code from Keras' own random weights: the same losses, update by update.
    model = keras_from_scratch.build(W1, b1, W2, b2, "sigmoid", 0.5, "half_sse", seed=0)
    start = keras_from_scratch.weights(model)
    assert not np.allclose(start[0], W1)          # not the file's weights
    assert np.all(start[1] == 0) and np.all(start[3] == 0)   # zero biases
    keras_losses = keras_from_scratch.train(model, x, t, 5)
    numpy_losses = from_scratch.train(*start, x, t, "sigmoid", 0.5, 5)
    assert keras_losses == pytest.approx(numpy_losses, abs=1e-15)
