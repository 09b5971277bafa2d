# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Problem 4 — The same network in Keras (TensorFlow 2)
#
# **Your task.**
#
# 1. Build the network of Problem 2 (sigmoid hidden units) in Keras with the weights and biases
#    of the file, train it with plain SGD (the file's $\eta$) and Keras' built-in mean squared
#    error for one update, and compare the new weights with your numbers of Problem 2.
# 2. Do it again starting from random weights (fix the seed so that you can repeat it), for one
#    and for several updates, and compare with your NumPy network of Problem 3 started from the
#    same weights.
# 3. Keras' `MeanSquaredError` is $E = \frac1K \sum_k (t_k - \mathrm{out}_k)^2$, the mean over
#    the $K$ outputs; the tutorial's loss is $E = \tfrac12 \sum_k (t_k - \mathrm{out}_k)^2$.
#    Explain why, with the same learning rate, Keras' loss falls faster, and by how much its
#    steps differ for this network.
#
# Keras keeps the weights of a `Dense` layer the other way round from our matrices: its
# kernel has shape (inputs × units), so `kernel = W.T`.

# %% [markdown] tags=["guided"]
# *Guided version: the model is given but for single lines (its weights, the training step),
# each with a check. The standard version asks for whole functions, the open one for the code
# from a specification; the worked solution is in `solutions/problem4_keras.ipynb`.*

# %% [markdown] tags=["standard"]
# *Standard version: you write the functions, then check them. The worked solution is in
# `solutions/problem4_keras.ipynb`: try on your own first.*

# %% [markdown] tags=["open"]
# *Open version: the specification only; you write the code. The worked solution is in
# `solutions/problem4_keras.ipynb`: try on your own first.*

# %% [markdown] tags=["solution"]
# *The solution notebook: the model built by hand, then the package's comparison, then why.*

# %%
# %matplotlib inline
import numpy as np

import backprop_tutor as bt
from backprop_tutor.networks.keras_network import import_keras

keras = import_keras()   # TensorFlow's Keras, without its start-up messages
network = bt.load_network(bt.DEFAULT_NETWORK)   # sigmoid hidden and output units
x, t = np.array([network.inputs]), np.array([network.targets])   # a batch of one sample
print("x =", x.tolist(), " t =", t.tolist(), " learning rate =", network.learning_rate)

# %% [markdown]
# The checks below build your model and train it in float64 (Keras computes in float32
# unless told otherwise; in float64 it agrees with Problem 2 to the last digit), then compare
# its weights with the network file and with the steps worked by hand.

# %%
from backprop_tutor.teaching.notebook_checks import Problem4

check = Problem4(network)

# %% [markdown] tags=["guided"]
# ## Your work
#
# Replace each blank `...` by one expression (the comment says what it is), run the cell, then
# the check under it: it names the first blank left, or the weight that differs, with the
# expected and the computed value. Before you run anything, write down what you expect $w_5$
# to be after one Keras update.
#
# ### The model and its weights
#
# The layers are given. `dense.set_weights([kernel, bias])` puts the file's numbers into a
# `Dense` layer; its kernel is the transpose of our weight matrix (`np.array(layer.weights).T`).

# %% tags=["guided"]
def build_my_model(network):
    """A compiled keras.Sequential with the network's weights, SGD and Keras' MSE."""
    model = keras.Sequential([keras.Input(shape=(len(network.inputs),))] +
                             [keras.layers.Dense(len(layer.weights), activation=layer.activation)
                              for layer in network.layers])
    for dense, layer in zip(model.layers, network.layers, strict=True):
        dense.set_weights(...)                        # [kernel, biases] of this layer
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=network.learning_rate), loss="mse")
    return model

# %% tags=["guided"]
check.weights(build_my_model)

# %% [markdown] tags=["guided"]
# ### One training step
#
# `model.train_on_batch(x, t)` does one SGD update on the batch and returns the loss of the
# forward pass before it.

# %% tags=["guided"]
def train_step(model, x, t):
    """One SGD update of the model on the batch (x, t); return Keras' loss before it."""
    return ...                                        # one update with train_on_batch, as a float

# %% [markdown] tags=["standard"]
# ## Your work
#
# Write `build_my_model` and `train_step` (they raise `NotImplementedError` until you do); the
# checks after them compare your model's weights with the file and one update with the step
# worked by hand. Before you run anything, write down what you expect $w_5$ to be after one
# Keras update.

# %% tags=["standard"]
def build_my_model(network):
    """A compiled keras.Sequential with the network's weights, SGD and Keras' MSE."""
    raise NotImplementedError("build your Keras model here")


def train_step(model, x, t):
    """One SGD update of the model on the batch (x, t); return Keras' loss before it."""
    raise NotImplementedError("write one training step")

# %% [markdown] tags=["solution"]
# ## Solution: the model by hand
#
# Two `Dense` layers with the file's activations; each layer's kernel is the transpose of our
# weight matrix. One update is `train_on_batch`, which returns the loss before it.

# %% tags=["solution"]
def build_my_model(network):
    """A compiled keras.Sequential with the network's weights, SGD and Keras' MSE."""
    model = keras.Sequential([keras.Input(shape=(len(network.inputs),))] +
                             [keras.layers.Dense(len(layer.weights), activation=layer.activation)
                              for layer in network.layers])
    for dense, layer in zip(model.layers, network.layers, strict=True):
        dense.set_weights([np.array(layer.weights).T, np.array(layer.biases)])   # kernel = W.T
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=network.learning_rate), loss="mse")
    return model

# %% tags=["solution"]
def train_step(model, x, t):
    """One SGD update of the model on the batch (x, t); return Keras' loss before it."""
    return float(model.train_on_batch(x, t))

# %% tags=["standard", "solution"]
check.weights(build_my_model)

# %% tags=["guided", "standard"]
my_prediction_w5 = None   # your prediction of w5 after one Keras update

# %% [markdown] tags=["guided", "standard", "solution"]
# One update, compared with the step worked by hand with Keras' loss
# $E = \frac1K \sum_k (t_k - \mathrm{out}_k)^2$ (`bt.solve(network.with_options(loss="mse"))`):

# %% tags=["guided", "standard", "solution"]
keras_after = check.update(build_my_model, train_step)

# %% tags=["guided", "standard"]
if keras_after is not None and my_prediction_w5 is not None:
    print(f"Your prediction w5 = {my_prediction_w5}; Keras: {keras_after['w5']:.6f}")

# %% [markdown] tags=["guided", "standard"]
# **Your explanation of the loss conventions** (double-click to edit): …
#
# **Task 2, random weights.** `build_random_model` builds the same layers without
# `set_weights`, after `keras.utils.set_random_seed(seed)`, so that they start from Keras' own
# random weights; the check reads them back, trains your model and the package's NumPy network
# of Problem 3 from the same start for 10 updates, and compares the weights.

# %% [markdown] tags=["open"]
# ## Your work
#
# **The specification.** Write three functions:
#
# - `build_my_model(network)` returns a compiled `keras.Sequential` with the layers, the
#   activations, the weights and biases of `network` (a `bt.Network`: `network.layers[k]` has
#   `weights`, row $r$ the weights into unit $r$, `biases` and `activation`), trained by plain
#   SGD so that one update **reproduces Problem 2's update**, made with the tutorial's loss
#   $E = \tfrac12\sum_k (t_k - \mathrm{out}_k)^2$ and the file's learning rate.
# - `train_step(model, x, t)` does one update on the batch `(x, t)` and returns Keras' loss
#   before it, as a float.
# - `build_random_model(network, seed)` returns the same model, trained the same way, but
#   starting from Keras' own random weights, the same for the same `seed`.
#
# **The tests** (the check cell after yours): the model's weights are the file's; one update
# gives Problem 2's new weights; from the random start of seed 42 (not the file's weights, the
# same every time), 10 updates give the weights the package's NumPy network reaches from the
# same start. Keras' built-in `"mse"` alone does not pass the second test: find out why.

# %% tags=["open"]
# Write your code in this cell, in place of the Nones.
build_my_model = train_step = build_random_model = None

# %% tags=["open"]
check.weights(build_my_model)
check.update(build_my_model, train_step, loss="half_sse")
check.random_start(build_random_model, train_step, loss="half_sse")

# %% tags=["standard"]
def build_random_model(network, seed):
    """build_my_model's layers and training, from Keras' random weights seeded with seed."""
    raise NotImplementedError("build the model with random weights")

# %% [markdown] tags=["solution"]
# ### Random weights
#
# Without `set_weights` the layers start from Keras' own random weights (Glorot-uniform
# kernels, zero biases), the same for the same seed:

# %% tags=["guided", "solution"]
def build_random_model(network, seed):
    """build_my_model's layers and training, from Keras' random weights seeded with seed."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(len(network.inputs),))] +
                             [keras.layers.Dense(len(layer.weights), activation=layer.activation)
                              for layer in network.layers])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=network.learning_rate), loss="mse")
    return model

# %% tags=["guided", "standard", "solution"]
check.random_start(build_random_model, train_step)

# %% [markdown] tags=["solution"]
# ### Compared with Problem 2
#
# Next to Keras: Problem 2's update ($E = \tfrac12\sum(t - \mathrm{out})^2$) and the same step
# worked by hand with $E = \text{mean}\,(t - \mathrm{out})^2$ (`loss="mse"`).

# %% tags=["solution"]
from backprop_tutor.document.notation import format_number as f

tutorial = bt.solve(network)                             # Problem 2: E = 1/2 sum (t - out)^2
as_keras = bt.solve(network.with_options(loss="mse"))    # the same step with E = mean (t - out)^2
print(f"E before the update: {f(tutorial['E'])} (tutorial), {f(as_keras['E'])} (mse worked by hand)")
print(f"{'':>4}{'Keras':>12}{'Problem 2':>12}{'mse worked':>12}")
for name, value in keras_after.items():
    print(f"{name:>4}{value:>12.6f}{tutorial[name + '_new']:>12.6f}{as_keras[name + '_new']:>12.6f}")

# %% [markdown] tags=["solution"]
# Keras does **not** reproduce Problem 2: it agrees instead with the step worked by hand with
# Keras' loss (last column), and its loss before the update is that loss too, not the
# tutorial's (both printed above).
#
# ## Why: the factor 2/K
#
# With $K$ outputs and one sample,
#
# $$E_\text{Keras} = \frac1K \sum_k (t_k - \mathrm{out}_k)^2 = \frac2K\, E_\text{tutorial},
#   \qquad \frac{\partial E_\text{Keras}}{\partial \mathrm{out}_k} = \frac2K(\mathrm{out}_k - t_k)
#   = \frac2K \frac{\partial E_\text{tutorial}}{\partial \mathrm{out}_k}$$
#
# Every delta and every gradient is proportional to $\partial E/\partial \mathrm{out}$, so all
# of them are $2/K$ times the tutorial's. SGD with the same $\eta$ then takes steps $2/K$ times
# as long. With one output ($K = 1$) Keras' steps are **twice** as long, as the tutorial's loss
# with $2\eta$. (With $K = 2$ outputs the two conventions are the same loss; with $K > 2$
# Keras' steps are the shorter ones.) This network's numbers:

# %% tags=["solution"]
K = len(network.targets)
print(f"K = {K} output unit(s), 2/K = {2 / K:g}")
print(f"{'':<10}{'tutorial':>12}{'Keras MSE':>12}{'ratio':>8}")
for name in ("E", "delta_o1", "delta_h1", "dE_dw5", "dE_dw1"):
    print(f"{name:<10}{f(tutorial[name]):>12}{f(as_keras[name]):>12}{as_keras[name] / tutorial[name]:>8.4f}")
for name in ("w5", "w1"):
    step_t, step_k = tutorial[name + "_new"] - tutorial[name], as_keras[name + "_new"] - as_keras[name]
    print(f"{name + ' step':<10}{f(step_t):>12}{f(step_k):>12}{step_k / step_t:>8.4f}")

# %% [markdown] tags=["solution"]
# ## With the library: the loss falls faster
#
# The package's `compare_with_numpy` builds the Keras model in the same way, trains it, and
# trains the NumPy network of Problem 3 side by side from the same start. Below, 50 updates with
# each convention; to compare like with like, every curve is shown as the tutorial's loss
# ($E_\text{tutorial} = \frac K2 E_\text{Keras}$). Keras' MSE with half the learning rate takes
# exactly the tutorial's steps when $K = 1$.

# %% tags=["solution"]
from backprop_tutor.networks.keras_network import compare_with_numpy

eta = network.learning_rate
runs = {f"tutorial loss, η = {eta:g}": compare_with_numpy(network, loss="half_sse", steps=50),
        f"Keras MSE, η = {eta:g}": compare_with_numpy(network, loss="mse", steps=50),
        f"Keras MSE, η = {eta / 2:g}": compare_with_numpy(network.with_options(learning_rate=eta / 2),
                                                         loss="mse", steps=50)}

# %% tags=["solution"]
as_tutorial = {label: np.array(run.keras_loss) * (K / 2 if run.loss_convention == "mse" else 1)
               for label, run in runs.items()}
for label, losses in as_tutorial.items():
    print(f"{label:<24} E_tutorial after 1 update: {losses[1]:.6f}   after 49: {losses[-1]:.6f}   "
          f"max |Keras - NumPy| = {runs[label].max_abs_diff:.1e}")

# %% tags=["solution"]
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(8, 4.5))
for (label, losses), style in zip(as_tutorial.items(), ("-", "-", ":"), strict=True):
    ax.plot(losses, style, linewidth=2.5, label=label)
ax.set(yscale="log", xlabel="updates", ylabel="tutorial loss ½Σ(t − out)²",
       title="The same network, two loss conventions")
ax.legend()
plt.show()

# %% [markdown] tags=["solution"]
# The full comparison for one update with Keras' MSE: Keras and NumPy agree to rounding, and
# the loss-convention summary gives the pairs of learning rates that take the same step.

# %% tags=["solution"]
from backprop_tutor.output.reports.keras import comparison_text

print(comparison_text(compare_with_numpy(network, loss="mse", steps=1)))

# %% [markdown] tags=["solution"]
# ## Random weights, several updates
#
# With a seed, Keras starts from its default initialisation: Glorot-uniform kernels and zero
# biases. The NumPy network starts from the very same weights (read back from Keras) and the
# two are trained side by side, here with the tutorial's loss, for 10 updates.

# %% tags=["solution"]
random_start = compare_with_numpy(network, loss="half_sse", steps=10, seed=42)
print(comparison_text(random_start))

# %% [markdown] tags=["solution"]
# In float32, Keras' default, the two agree to about 7 significant digits only:

# %% tags=["solution"]
for precision in ("float64", "float32"):
    run = compare_with_numpy(network, loss="half_sse", steps=10, seed=42, precision=precision)
    print(f"{precision}: max |Keras - NumPy| after 10 updates = {run.max_abs_diff:.1e}")

# %% [markdown]
# ## Exercises
#
# 1. Give `model.compile` the tutorial's loss instead of `"mse"` (a function of `y_true` and
#    `y_pred` with `keras.ops`), and check that Keras now reproduces Problem 2.
# 2. Load `examples/two_outputs_mse.toml` ($K = 2$) and compare the two conventions again: what
#    is the factor now?
# 3. Repeat the random start with `seed=1` and `seed=2`: after how many updates does each reach
#    the loss the file's weights reach after 10?
