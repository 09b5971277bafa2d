# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Problem 3 — The network from scratch in NumPy
#
# **Your task.** Write the network of Problems 1 and 2 in NumPy, in matrix form, so that the
# hidden activation can be chosen: sigmoid, tanh or ReLU (the output stays a sigmoid, the loss
# $E = \tfrac12\sum_k (t_k - \mathrm{out}_{ok})^2$). With $W_1$ the $2\times2$ matrix of the
# weights into the hidden layer (row $r$: the weights into unit $r$), $W_2$ the $1\times2$
# matrix into the output and $b_1$, $b_2$ the biases:
#
# $$\mathrm{net}_h = W_1 x + b_1,\quad \mathrm{out}_h = f(\mathrm{net}_h),\quad
#   \mathrm{net}_o = W_2\,\mathrm{out}_h + b_2,\quad \mathrm{out}_o = \sigma(\mathrm{net}_o)$$
#
# 1. Write the forward pass and the backward pass (the gradients of $E$ for $W_1, b_1, W_2, b_2$).
# 2. Check your gradients against your answers to Problem 2.
# 3. Train with stochastic gradient descent on the one training sample, for each hidden
#    activation, and plot the loss against the number of updates.
# 4. Try several learning rates. What happens when it is too small? Too large?

# %% [markdown] tags=["student"]
# *The worked solution is in `solutions/problem3_numpy.ipynb`: try on your own first.*

# %% [markdown] tags=["solution"]
# *The solution notebook: the network written from scratch, then the package's, then experiments.*

# %%
# %matplotlib inline
import numpy as np

import backprop_tutor as bt

ACTIVATIONS = ("sigmoid", "tanh", "relu")
network = bt.load_network(bt.DEFAULT_NETWORK)
(W1, b1), (W2, b2) = [(np.array(layer.weights), np.array(layer.biases)) for layer in network.layers]
x, t, eta = np.array(network.inputs), np.array(network.targets), network.learning_rate
print("W1 =", W1.tolist(), " b1 =", b1.tolist(), " W2 =", W2.tolist(), " b2 =", b2.tolist())
print("x =", x.tolist(), " t =", t.tolist(), " eta =", eta)

# %% [markdown] tags=["student"]
# ## Your work
#
# Fill in the four functions. Each raises `NotImplementedError` until you do; the cells after
# them check what you have written so far.

# %% tags=["student"]
def my_activation(name, net):
    """Return f(net) and f'(net) for name "sigmoid", "tanh" or "relu" (take relu'(0) = 0)."""
    raise NotImplementedError("write the activations and their derivatives")


def my_forward(W1, b1, W2, b2, x, hidden):
    """Return net_h, out_h, net_o, out_o."""
    raise NotImplementedError("write the forward pass")

# %% tags=["student"]
def my_backward(W1, b1, W2, b2, x, t, hidden):
    """Return dE/dW1, dE/db1, dE/dW2, dE/db2, with the shapes of W1, b1, W2, b2."""
    raise NotImplementedError("write the backward pass")


def my_train(W1, b1, W2, b2, x, t, hidden, eta, updates):
    """Do `updates` SGD steps on copies of the weights; return E before each step."""
    raise NotImplementedError("write the training loop")

# %% [markdown] tags=["solution"]
# ## Solution from scratch
#
# The activations return their value and their derivative together, each from `net`:

# %% tags=["solution"]
def my_activation(name, net):
    """Return f(net) and f'(net) for name "sigmoid", "tanh" or "relu" (relu'(0) = 0)."""
    if name == "sigmoid":
        out = 1 / (1 + np.exp(-net))
        return out, out * (1 - out)
    if name == "tanh":
        out = np.tanh(net)
        return out, 1 - out**2
    return np.maximum(net, 0), (net > 0).astype(float)

# %% [markdown] tags=["solution"]
# The forward pass is Problem 2's, one layer per line. The backward pass: the output delta
# $\delta_o = (\mathrm{out}_o - t)\,\sigma'(\mathrm{net}_o)$, the hidden deltas
# $\delta_h = (W_2^\top \delta_o) \odot f'(\mathrm{net}_h)$, and each weight gradient the outer
# product of a layer's deltas with what it receives.

# %% tags=["solution"]
def my_forward(W1, b1, W2, b2, x, hidden):
    """Return net_h, out_h, net_o, out_o."""
    net_h = W1 @ x + b1
    out_h = my_activation(hidden, net_h)[0]
    net_o = W2 @ out_h + b2
    return net_h, out_h, net_o, my_activation("sigmoid", net_o)[0]

# %% tags=["solution"]
def my_backward(W1, b1, W2, b2, x, t, hidden):
    """Return dE/dW1, dE/db1, dE/dW2, dE/db2, with the shapes of W1, b1, W2, b2."""
    net_h, out_h, net_o, out_o = my_forward(W1, b1, W2, b2, x, hidden)
    delta_o = (out_o - t) * my_activation("sigmoid", net_o)[1]
    delta_h = (W2.T @ delta_o) * my_activation(hidden, net_h)[1]   # the weights before the update
    return np.outer(delta_h, x), delta_h, np.outer(delta_o, out_h), delta_o

# %% tags=["solution"]
def my_train(W1, b1, W2, b2, x, t, hidden, eta, updates):
    """Do `updates` SGD steps on copies of the weights; return E before each step."""
    losses = []
    for _ in range(updates):
        out_o = my_forward(W1, b1, W2, b2, x, hidden)[3]
        losses.append(0.5 * np.sum((t - out_o) ** 2))
        dW1, db1, dW2, db2 = my_backward(W1, b1, W2, b2, x, t, hidden)
        W1, b1, W2, b2 = W1 - eta * dW1, b1 - eta * db1, W2 - eta * dW2, b2 - eta * db2
    return losses

# %% [markdown]
# ### Check: the gradients against Problem 2's worked solution

# %%
def problem2_gradients(activation):
    """Problem 2's worked gradients as the matrices dE/dW1, dE/db1, dE/dW2, dE/db2."""
    s = bt.solve(network.with_options(hidden_activation=activation))
    return ([[s["dE_dw1"], s["dE_dw2"]], [s["dE_dw3"], s["dE_dw4"]]], [s["dE_db_h1"], s["dE_db_h2"]],
            [[s["dE_dw5"], s["dE_dw6"]]], [s["dE_db_o1"]])

# %%
for activation in ACTIVATIONS:
    try:
        mine = my_backward(W1, b1, W2, b2, x, t, activation)
    except NotImplementedError as error:
        print(f"hidden {activation}: not written yet ({error})")
        continue
    agree = all(np.allclose(m, e, rtol=1e-9, atol=1e-12)
                for m, e in zip(mine, problem2_gradients(activation)))
    print(f"hidden {activation}: gradients {'agree' if agree else 'DIFFER'} with Problem 2")

# %% [markdown]
# ### Check: 100 updates against the package's NumPy network
#
# The package's `fit` reports E after 0, 1, ..., 100 updates: all but the last are E before an update.

# %%
for activation in ACTIVATIONS:
    package = bt.NumpyNetwork.from_network(network.with_options(hidden_activation=activation))
    try:
        losses = my_train(W1, b1, W2, b2, x, t, activation, eta, updates=100)
    except NotImplementedError as error:
        print(f"hidden {activation}: not written yet ({error})")
        continue
    same = np.allclose(losses, package.fit(x, t, learning_rate=eta, epochs=100).loss[:-1], rtol=1e-9)
    print(f"hidden {activation}: E = {losses[-1]:.6g} before the last update, "
          f"{'as' if same else 'NOT as'} the package")

# %% tags=["student"]
# Tasks 3 and 4, your work: train with my_train for each hidden activation and for several
# learning rates, and plot E against the number of updates (matplotlib: plt.plot(losses)).

# %% [markdown] tags=["solution"]
# ## With the library: the package's NumPy network
#
# `bt.NumpyNetwork` is the same idea for any number of layers: a weight matrix, a bias vector
# and an activation per layer. Its forward pass, backward pass and SGD step:

# %% tags=["solution"]
import inspect

for method in (bt.NumpyNetwork.forward, bt.NumpyNetwork.backward, bt.NumpyNetwork.sgd_step):
    print(inspect.getsource(method))

# %% [markdown] tags=["solution"]
# ### Is it right? Three independent checks
#
# For each hidden activation: the NumPy gradients against the worked solution of Problem 2
# (named scalars, a separate implementation) and against central finite differences
# $(E(p+h) - E(p-h))/2h$, which need no derivative at all; and the weights after one SGD step
# against Problem 2's $w_\text{new}$. The largest difference over all weights and biases:

# %% tags=["solution"]
from backprop_tutor.networks.gradcheck import finite_difference_gradients

print(f"{'hidden':<10}{'vs Problem 2':>14}{'vs finite diff.':>17}{'step vs Problem 2':>19}")

# %% tags=["solution"]
for activation in ACTIVATIONS:
    net = network.with_options(hidden_activation=activation)
    sheet, model = bt.solve(net), bt.NumpyNetwork.from_network(net)
    dW, db = model.gradients(net.inputs, net.targets)
    ours = dict(zip(net.parameters(), np.concatenate([g.ravel() for g in dW] + db)))  # w1.., b_h1..
    differences = finite_difference_gradients(net)
    model.sgd_step(net.inputs, net.targets, net.learning_rate)
    print(f"{activation:<10}{max(abs(ours[p] - sheet['dE_d' + p]) for p in ours):>14.1e}"
          f"{max(abs(ours[p] - differences[p]) for p in ours):>17.1e}"
          f"{max(abs(v - sheet[p + '_new']) for p, v in model.parameters().items()):>19.1e}")

# %% [markdown] tags=["solution"]
# The comparisons with Problem 2 differ by rounding only (about $10^{-17}$, or exactly 0); the
# finite differences agree to $10^{-10}$ or better, their own accuracy with $h = 10^{-6}$.
#
# ## Training: the three activations from the same start
#
# The same weights, the same sample, the same learning rate; only the hidden activation
# changes. $E$ after 0, 1, 10, 100 and 1000 updates:

# %% tags=["solution"]
from backprop_tutor.output.figures import plot_learning_curves
from backprop_tutor.teaching.experiments import learning_curves

curves = learning_curves(network, updates=1000)
print(f"{'updates':>8}" + "".join(f"{a:>14}" for a in curves))
for k in (0, 1, 10, 100, 1000):
    print(f"{k:>8}" + "".join(f"{curves[a][k]:>14.6g}" for a in curves))

# %% tags=["solution"]
plot_learning_curves(curves)

# %% [markdown] tags=["solution"]
# All three learn this single sample. With sigmoid hidden units the gradient that reaches $W_1$
# is multiplied twice by a sigmoid's derivative, which is at most $1/4$: by
# $\sigma'(\mathrm{net}_o)$ at the output and again by $\sigma'(\mathrm{net}_h)$; tanh's
# derivative goes up to 1, and ReLU's is exactly 1 where the unit is active. ReLU's unit $h_2$
# starts inactive (its weighted sum is negative, Problem 2): its input weights and bias get no
# gradient, so with this one sample it never comes back — a "dead" unit. The network learns
# with $h_1$ alone.
#
# ## The learning rate
#
# On one sample a network only memorises that sample, so what the learning rate does here says
# little about real training. The lab notebook (`lab_hyperparameters`) runs the learning rate,
# the batch size and the activations on real small data sets, with several seeds.

# %% [markdown] tags=["solution"]
# ### Try it yourself
#
# Change the activation, the learning rate or the number of updates and run the cell again.

# %% tags=["solution"]
activation, learning_rate, updates = "tanh", 2.0, 200

model = bt.NumpyNetwork.from_network(network.with_options(hidden_activation=activation))
losses = model.fit(x, t, learning_rate=learning_rate, epochs=updates).loss
print(f"E = {losses[0]:.6g} before, {losses[-1]:.6g} after {updates} updates")
plot_learning_curves({activation: losses}, title=f"hidden {activation}, learning rate {learning_rate}")

# %% [markdown] tags=["solution"]
# ## The activations and what they cost
#
# The three activations and their derivatives, then their cost measured with NumPy on this
# machine: per element of f and of f′ (from the stored output), and per training step of a
# 64-256-256-10 network (the numbers change from machine to machine).

# %% tags=["solution"]
from backprop_tutor.output.figures import plot_activations

plot_activations()

# %% tags=["solution"]
from backprop_tutor.output.reports.cost import cost_text
from backprop_tutor.teaching.activation_cost import measure

print(cost_text(measure(size=200_000, repeats=5, epochs=0)))

# %% [markdown]
# ## Exercises
#
# 1. Change `my_train` to stop as soon as $E < 10^{-6}$ and report the number of updates, for
#    each hidden activation.
# 2. Add a second hidden layer ($W_1$, $W_2$, $W_3$). Which lines of `my_backward` repeat? Write
#    them as a loop over the layers, and compare with `bt.NumpyNetwork.backward`.
# 3. Give ReLU's unit $h_2$ a positive weighted sum (change $b_1$) and train again: does the
#    network learn faster with both hidden units?
