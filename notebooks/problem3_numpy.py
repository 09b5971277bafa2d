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

# %% [markdown] tags=["guided"]
# *Guided version: the functions are written but for single lines, each with a check. The
# standard version asks for whole functions, the open one for the code from a specification;
# the worked solution is in `solutions/problem3_numpy.ipynb`.*

# %% [markdown] tags=["standard"]
# *Standard version: you write four functions, then check them. The guided version fills in
# single lines, the open one starts from a specification; the worked solution is in
# `solutions/problem3_numpy.ipynb`: try on your own first.*

# %% [markdown] tags=["open"]
# *Open version: the specification only; you write the code. The worked solution is in
# `solutions/problem3_numpy.ipynb`: try on your own first.*

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

# %% [markdown]
# The checks below run your code on these numbers, for each hidden activation, and compare
# every quantity with Problem 2's worked step (the numbers `backprop-tutor solve` prints).

# %%
from backprop_tutor.teaching.notebook_checks import Problem3

check = Problem3(network)

# %% [markdown] tags=["guided"]
# ## Your work
#
# Each function below is written but for the lines that end in a blank `...`: replace each
# `...` by one expression (the comment says what it is), run the cell, then run the check
# under it. The check names the first blank left, or the quantity that differs from Problem 2,
# with the expected and the computed value.
#
# ### The activations
#
# `activation(name, net)` returns the unit's output and the derivative, both from the array
# `net`: $\sigma(\mathrm{net}) = 1/(1 + e^{-\mathrm{net}})$ (`np.exp`),
# $\sigma'(\mathrm{net}) = \mathrm{out}\,(1 - \mathrm{out})$,
# $\tanh'(\mathrm{net}) = 1 - \mathrm{out}^2$, and $\mathrm{relu}'(\mathrm{net})$ is 1 where
# $\mathrm{net} > 0$ and 0 elsewhere, at 0 too (`(net > 0)` is an array of booleans;
# `.astype(float)` makes them 1 and 0).

# %% tags=["guided"]
def activation(name, net):
    """Return f(net) and f'(net) for "sigmoid", "tanh" or "relu" (relu'(0) = 0)."""
    if name == "sigmoid":
        out = ...                                     # σ(net), elementwise
        return out, ...                               # σ′(net), from out
    if name == "tanh":
        out = np.tanh(net)
        return out, ...                               # tanh′(net), from out
    return np.maximum(net, 0), ...                    # relu′(net): 1 where net > 0, else 0

# %% tags=["guided"]
check.activation(activation)

# %% [markdown] tags=["guided"]
# ### The forward pass
#
# In matrix form, with `@` the matrix product:
# $\mathrm{net}_h = W_1 x + b_1$ and $\mathrm{net}_o = W_2\,\mathrm{out}_h + b_2$.

# %% tags=["guided"]
def forward(W1, b1, W2, b2, x, hidden):
    """Return net_h, out_h, net_o, out_o."""
    net_h = ...                                       # W1 x + b1, shape (n_hidden,)
    out_h = activation(hidden, net_h)[0]              # (n_hidden,)
    net_o = ...                                       # W2 out_h + b2, shape (n_out,)
    return net_h, out_h, net_o, activation("sigmoid", net_o)[0]

# %% tags=["guided"]
check.forward(forward)

# %% [markdown] tags=["guided"]
# ### The backward pass
#
# The output delta $\delta_o = (\mathrm{out}_o - t)\,\sigma'(\mathrm{net}_o)$; the hidden deltas
# $\delta_h = (W_2^\top \delta_o) \odot f'(\mathrm{net}_h)$ (`W2.T`, and `*` multiplies
# elementwise); each weight gradient is the outer product of a layer's deltas with what the
# layer receives (`np.outer(delta_h, x)`), each bias gradient the deltas themselves.
# `activation(name, net)[1]` is $f'(\mathrm{net})$.

# %% tags=["guided"]
def backward(W1, b1, W2, b2, x, t, hidden):
    """Return dE/dW1, dE/db1, dE/dW2, dE/db2, with the shapes of W1, b1, W2, b2."""
    net_h, out_h, net_o, out_o = forward(W1, b1, W2, b2, x, hidden)
    delta_o = ...                                     # the output δ, (n_out,)
    delta_h = ...                                     # the hidden δ, (n_hidden,), old W2
    return ...                                        # dE/dW1, dE/db1, dE/dW2, dE/db2

# %% tags=["guided"]
check.backward(backward)

# %% [markdown] tags=["guided"]
# ### Training
#
# `train` records the loss $E = \tfrac12\sum_k (t_k - \mathrm{out}_{ok})^2$ (`np.sum`) before
# each update, then takes one SGD step: every weight matrix and bias vector minus `eta` times
# its gradient.

# %% tags=["guided"]
def train(W1, b1, W2, b2, x, t, hidden, eta, updates):
    """Do `updates` SGD steps on copies of the weights; return E before each step."""
    losses = []
    for _ in range(updates):
        out_o = forward(W1, b1, W2, b2, x, hidden)[3]
        losses.append(...)                            # E before this step
        dW1, db1, dW2, db2 = backward(W1, b1, W2, b2, x, t, hidden)
        W1, b1, W2, b2 = ...                          # the SGD step, all four at once
    return losses

# %% tags=["guided"]
check.train(train)

# %% [markdown] tags=["standard"]
# ## Your work
#
# Fill in the four functions. Each raises `NotImplementedError` until you do; the checks after
# them say which function is not written yet, or which quantity differs from Problem 2 and by
# how much.

# %% tags=["standard"]
def activation(name, net):
    """Return f(net) and f'(net) for "sigmoid", "tanh" or "relu" (relu'(0) = 0)."""
    raise NotImplementedError("write the activations and their derivatives")


def forward(W1, b1, W2, b2, x, hidden):
    """Return net_h, out_h, net_o, out_o."""
    raise NotImplementedError("write the forward pass")

# %% tags=["standard"]
def backward(W1, b1, W2, b2, x, t, hidden):
    """Return dE/dW1, dE/db1, dE/dW2, dE/db2, with the shapes of W1, b1, W2, b2."""
    raise NotImplementedError("write the backward pass")


def train(W1, b1, W2, b2, x, t, hidden, eta, updates):
    """Do `updates` SGD steps on copies of the weights; return E before each step."""
    raise NotImplementedError("write the training loop")

# %% [markdown] tags=["open"]
# ## Your work
#
# **The specification.** Write four functions, for one sample `x` (an array of the inputs),
# its targets `t`, and the weights as arrays: `W1` ($n_\text{hidden}\times n_\text{in}$, row
# $r$ the weights into hidden unit $r$), `b1` ($n_\text{hidden}$), `W2`
# ($n_\text{out}\times n_\text{hidden}$) and `b2` ($n_\text{out}$). The output unit is a
# sigmoid, the loss $E = \tfrac12\sum_k (t_k - \mathrm{out}_{ok})^2$.
#
# - `activation(name, net)` returns the pair $f(\mathrm{net})$, $f'(\mathrm{net})$, elementwise
#   on an array, for `name` "sigmoid", "tanh" or "relu"; $\mathrm{relu}'(0) = 0$.
# - `forward(W1, b1, W2, b2, x, hidden)` returns `net_h, out_h, net_o, out_o` (the hidden
#   units' activation is `hidden`).
# - `backward(W1, b1, W2, b2, x, t, hidden)` returns $\partial E/\partial W_1$,
#   $\partial E/\partial b_1$, $\partial E/\partial W_2$, $\partial E/\partial b_2$, each with
#   the shape of what it is the gradient of, computed with the weights given.
# - `train(W1, b1, W2, b2, x, t, hidden, eta, updates)` takes `updates` SGD steps with learning
#   rate `eta` and returns the list of $E$ before each step; the arrays given stay unchanged.
#
# **The tests** (the check cell after yours), for sigmoid, tanh and ReLU hidden units, at the
# numbers above: $f$ and $f'$ at Problem 2's hidden weighted sums, and $\mathrm{relu}'(0)$;
# every `net`, `out`, delta and gradient equal to Problem 2's worked step to nine significant
# figures; $E$ before the first update and after Problem 2's update; 100 updates as the
# package's NumPy network.

# %% tags=["open"]
# Write your code in this cell, in place of the Nones.
activation = forward = backward = train = None

# %% [markdown] tags=["solution"]
# ## Solution from scratch
#
# The activations return their value and their derivative together, each from `net`:

# %% tags=["solution"]
def activation(name, net):
    """Return f(net) and f'(net) for "sigmoid", "tanh" or "relu" (relu'(0) = 0)."""
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
def forward(W1, b1, W2, b2, x, hidden):
    """Return net_h, out_h, net_o, out_o."""
    net_h = W1 @ x + b1                               # (n_hidden,)
    out_h = activation(hidden, net_h)[0]              # (n_hidden,)
    net_o = W2 @ out_h + b2                           # (n_out,)
    return net_h, out_h, net_o, activation("sigmoid", net_o)[0]

# %% tags=["solution"]
def backward(W1, b1, W2, b2, x, t, hidden):
    """Return dE/dW1, dE/db1, dE/dW2, dE/db2, with the shapes of W1, b1, W2, b2."""
    net_h, out_h, net_o, out_o = forward(W1, b1, W2, b2, x, hidden)
    delta_o = (out_o - t) * activation("sigmoid", net_o)[1]          # (n_out,)
    delta_h = (W2.T @ delta_o) * activation(hidden, net_h)[1]        # (n_hidden,), old W2
    return np.outer(delta_h, x), delta_h, np.outer(delta_o, out_h), delta_o

# %% tags=["solution"]
def train(W1, b1, W2, b2, x, t, hidden, eta, updates):
    """Do `updates` SGD steps on copies of the weights; return E before each step."""
    losses = []
    for _ in range(updates):
        out_o = forward(W1, b1, W2, b2, x, hidden)[3]
        losses.append(0.5 * np.sum((t - out_o) ** 2))
        dW1, db1, dW2, db2 = backward(W1, b1, W2, b2, x, t, hidden)
        W1, b1, W2, b2 = W1 - eta * dW1, b1 - eta * db1, W2 - eta * dW2, b2 - eta * db2
    return losses

# %% [markdown] tags=["standard", "open", "solution"]
# ### Check: against Problem 2's worked step
#
# Each check prints one line per hidden activation: ✓ when every quantity is Problem 2's, else
# the first quantity that differs, the expected and the computed value (with a hint when a
# usual slip gives that number), or the function not written yet. `train` is checked over
# 100 updates against the package's NumPy network.

# %% tags=["standard", "open", "solution"]
check.activation(activation)
check.forward(forward)
check.backward(backward)
check.train(train)

# %% tags=["student"]
# Tasks 3 and 4, your work: train with `train` for each hidden activation and for several
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
for hidden in ACTIVATIONS:
    net = network.with_options(hidden_activation=hidden)
    sheet, model = bt.solve(net), bt.NumpyNetwork.from_network(net)
    dW, db = model.gradients(net.inputs, net.targets)                   # flat: w1.., b_h1..
    ours = dict(zip(net.parameters(), np.concatenate([g.ravel() for g in dW] + db), strict=True))
    differences = finite_difference_gradients(net)
    model.sgd_step(net.inputs, net.targets, net.learning_rate)
    print(f"{hidden:<10}{max(abs(ours[p] - sheet['dE_d' + p]) for p in ours):>14.1e}"
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
hidden, learning_rate, updates = "tanh", 2.0, 200

model = bt.NumpyNetwork.from_network(network.with_options(hidden_activation=hidden))
losses = model.fit(x, t, learning_rate=learning_rate, epochs=updates).loss
print(f"E = {losses[0]:.6g} before, {losses[-1]:.6g} after {updates} updates")
plot_learning_curves({hidden: losses}, title=f"hidden {hidden}, learning rate {learning_rate}")

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
# 1. Change `train` to stop as soon as $E < 10^{-6}$ and report the number of updates, for
#    each hidden activation.
# 2. Add a second hidden layer ($W_1$, $W_2$, $W_3$). Which lines of `backward` repeat? Write
#    them as a loop over the layers, and compare with `bt.NumpyNetwork.backward`.
# 3. Give ReLU's unit $h_2$ a positive weighted sum (change $b_1$) and train again: does the
#    network learn faster with both hidden units?
