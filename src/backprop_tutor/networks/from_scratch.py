"""Problem 3 as a student writes it: the 2-layer network from scratch in NumPy.

One hidden layer with a selectable activation, a sigmoid output, the
tutorial's loss E = ½·Σ (t − out)², one sample, plain SGD. Shapes: x (n_in,),
W1 (n_hidden, n_in), b1 (n_hidden,), W2 (n_out, n_hidden), b2 (n_out,).
The pack prints this file and the Problem 3 solution notebook holds the same
code; the package's own `NumpyNetwork` is the general version (any depth,
batches, both losses).
"""

import numpy as np


def activation(name, net):
    """Return f(net) and f'(net) for "sigmoid", "tanh" or "relu" (relu'(0) = 0)."""
    if name == "sigmoid":
        out = 1 / (1 + np.exp(-net))
        return out, out * (1 - out)
    if name == "tanh":
        out = np.tanh(net)
        return out, 1 - out**2
    return np.maximum(net, 0), (net > 0).astype(float)


def forward(W1, b1, W2, b2, x, hidden):
    """Return net_h, out_h, net_o, out_o."""
    net_h = W1 @ x + b1                               # (n_hidden,)
    out_h = activation(hidden, net_h)[0]              # (n_hidden,)
    net_o = W2 @ out_h + b2                           # (n_out,)
    return net_h, out_h, net_o, activation("sigmoid", net_o)[0]


def backward(W1, b1, W2, b2, x, t, hidden):
    """Return dE/dW1, dE/db1, dE/dW2, dE/db2, with the shapes of W1, b1, W2, b2."""
    net_h, out_h, net_o, out_o = forward(W1, b1, W2, b2, x, hidden)
    delta_o = (out_o - t) * activation("sigmoid", net_o)[1]          # (n_out,)
    delta_h = (W2.T @ delta_o) * activation(hidden, net_h)[1]        # (n_hidden,), old W2
    return np.outer(delta_h, x), delta_h, np.outer(delta_o, out_h), delta_o


def train(W1, b1, W2, b2, x, t, hidden, eta, updates):
    """Do `updates` SGD steps on copies of the weights; return E before each step."""
    losses = []
    for _ in range(updates):
        out_o = forward(W1, b1, W2, b2, x, hidden)[3]
        losses.append(0.5 * np.sum((t - out_o) ** 2))
        dW1, db1, dW2, db2 = backward(W1, b1, W2, b2, x, t, hidden)
        W1, b1, W2, b2 = W1 - eta * dW1, b1 - eta * db1, W2 - eta * dW2, b2 - eta * db2
    return losses
