"""Problem 3's student-style network (networks/from_scratch.py) against mpmath's worked step.

The expected numbers are tests/reference/reference_values.py's (mpmath, 50 digits,
the tutorial network with tanh hidden units), not the package's worksheet.
"""

import numpy as np

from backprop_tutor.networks import from_scratch

W1, b1 = np.array([[0.3, 0.4], [-0.6, 0.1]]), np.array([0.1, 0.1])
W2, b2 = np.array([[0.7, -0.5]]), np.array([0.2])
x, t = np.array([0.5, 1.0]), np.array([0.9])


def test_one_step_equals_the_worked_step():
    dW1, db1, dW2, db2 = from_scratch.backward(W1, b1, W2, b2, x, t, "tanh")
    assert abs(dW1[0, 0] - -0.012901703439769023943873610219) < 1e-17   # dE_dw1
    assert abs(dW2[0, 0] - -0.0313028950475163428401781483222) < 1e-16   # dE_dw5
    assert abs(db1[1] - 0.0271064976569599407464124191954) < 1e-16      # dE_db_h2
    assert dW1.shape == W1.shape and db2.shape == b2.shape


def test_training_records_the_loss_before_each_update():
    losses = from_scratch.train(W1, b1, W2, b2, x, t, "tanh", eta=0.5, updates=2)
    assert abs(losses[0] - 0.0295217948010816896557357864204) < 1e-16   # E
    assert abs(losses[1] - 0.026080702658924936468252452391) < 1e-16    # E_after


def test_relu_derivative_at_zero_is_zero():
    assert from_scratch.activation("relu", np.array([0.0]))[1][0] == 0.0
