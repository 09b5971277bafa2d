# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Problem 2 — One SGD update by hand
#
# Take the network of Problem 1 with the numbers of the file `examples/tutorial.toml` (printed
# below): inputs, target, weights, biases and the learning rate $\eta$. The output unit is a
# sigmoid, the loss is $E = \tfrac12 \sum_k (t_k - \mathrm{out}_{ok})^2$.
#
# **Your task**, with pen, paper and a calculator, three times: with **sigmoid**, **tanh** and
# **ReLU** hidden units (the output unit stays a sigmoid):
#
# 1. the forward pass: every $\mathrm{net}$ and $\mathrm{out}$, and the loss $E$;
# 2. the backward pass: $\delta_{o1}$, then $\delta_{h1}$ and $\delta_{h2}$;
# 3. every gradient $\partial E / \partial w$ and $\partial E / \partial b$;
# 4. one step of stochastic gradient descent: $w_\text{new} = w - \eta\,\partial E/\partial w$
#    for every weight and bias.
#
# Reminders: $\sigma'(\mathrm{net}) = \mathrm{out}\,(1-\mathrm{out})$,
# $\tanh'(\mathrm{net}) = 1 - \mathrm{out}^2$, $\mathrm{relu}'(\mathrm{net}) = 1$ if
# $\mathrm{net} > 0$ and $0$ otherwise (at exactly 0 we take 0, as TensorFlow does). All
# gradients are computed with the weights from *before* the update.

# %% [markdown] tags=["student"]
# *The worked solution is in `solutions/problem2_single_update.ipynb`: try on your own first.*

# %% [markdown] tags=["solution"]
# *The solution notebook: the update worked from scratch, then by the package, then checked.*

# %%
import backprop_tutor as bt
from backprop_tutor.core.worksheet import given_values

ACTIVATIONS = ("sigmoid", "tanh", "relu")
network = bt.load_network(bt.DEFAULT_NETWORK)
given = given_values(network)
print(network.title)
print(", ".join(f"{name} = {value:g}" for name, value in given.items()))

# %% [markdown] tags=["student"]
# ## Your work
#
# Work the three cases on paper. Then type your numbers into `my_answers` below, one dictionary
# per hidden activation, with the names the worked solution uses: `net_h1`, `out_h1`, …, `E`,
# `delta_o1`, `delta_h1`, …, `dE_dw1`, …, `dE_db_h1`, …, `w1_new`, …, `b_o1_new`. Write as many
# decimals as you carried; leave out what you have not done.
#
# The checker marks each number against what its formula gives **from your own earlier
# numbers**: a slip is marked once, and the lines you then worked correctly from it count as
# right. For a wrong number it looks for the usual slips (a sign, the factor 2 of the loss,
# the updated weights used in the backward pass).

# %% tags=["student"]
my_answers = {
    "sigmoid": {
        # "net_h1": ...,
    },
    "tanh": {},
    "relu": {},
}

# %% tags=["student"]
for activation, answers in my_answers.items():
    case = network.with_options(hidden_activation=activation)
    if answers:
        print(f"hidden {activation}:\n" + bt.render_marks(bt.check_answers(case, answers), case))
    else:
        print(f"hidden {activation}: no answers yet")

# %% [markdown] tags=["solution"]
# ## Solution from scratch: sigmoid hidden units
#
# First with nothing but Python's `math`, line by line as on paper. The forward pass:

# %% tags=["solution"]
import math


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


g = given   # i1, i2, t1, w1 ... w6, b_h1, b_h2, b_o1, eta
out_h1 = sigmoid(g["w1"] * g["i1"] + g["w2"] * g["i2"] + g["b_h1"])
out_h2 = sigmoid(g["w3"] * g["i1"] + g["w4"] * g["i2"] + g["b_h2"])
out_o1 = sigmoid(g["w5"] * out_h1 + g["w6"] * out_h2 + g["b_o1"])
E = 0.5 * (g["t1"] - out_o1) ** 2

# %% [markdown] tags=["solution"]
# The backward pass, with the weights from before the update:

# %% tags=["solution"]
delta_o1 = (out_o1 - g["t1"]) * out_o1 * (1 - out_o1)
delta_h1 = g["w5"] * delta_o1 * out_h1 * (1 - out_h1)
delta_h2 = g["w6"] * delta_o1 * out_h2 * (1 - out_h2)
gradients = {"w1": delta_h1 * g["i1"], "w2": delta_h1 * g["i2"], "b_h1": delta_h1,
             "w3": delta_h2 * g["i1"], "w4": delta_h2 * g["i2"], "b_h2": delta_h2,
             "w5": delta_o1 * out_h1, "w6": delta_o1 * out_h2, "b_o1": delta_o1}
new = {p: g[p] - g["eta"] * gradient for p, gradient in gradients.items()}
print(f"out_o1 = {out_o1:.6f}, E = {E:.6f}, delta_o1 = {delta_o1:.6f}, delta_h1 = {delta_h1:.6f}")
print("after the update:", ", ".join(f"{p} = {v:.6f}" for p, v in new.items()))

# %% [markdown] tags=["solution"]
# ## With the library: the three cases
#
# `bt.solve` works the same step quantity by quantity: each line shows the general formula, the
# formula with the numbers, and the result. It agrees with the cell above:

# %% tags=["solution"]
# %matplotlib inline
from IPython.display import Markdown, display

from backprop_tutor.output.figures import plot_network

sheets = {a: bt.solve(network.with_options(hidden_activation=a)) for a in ACTIVATIONS}
print("largest difference from scratch - bt.solve:",
      max(abs(v - sheets["sigmoid"][f"{p}_new"]) for p, v in new.items()))

# %% [markdown] tags=["solution"]
# Is the update any good? The loss after it comes from a second, independent computation: the
# NumPy network of Problem 3, run with the new weights and biases.

# %% tags=["solution"]
from backprop_tutor.document.notation import format_number as f


def loss_after_update(sheet):
    """E with the updated weights and biases, by the NumPy network (not by the worksheet)."""
    net = sheet.network
    updated = net.with_parameters({p: sheet[f"{p}_new"] for p in net.parameters()})
    return bt.NumpyNetwork.from_network(updated).loss_value(updated.inputs, updated.targets)


def headline(sheet):
    print(f"hidden {sheet.network.hidden_activation}: out_o1 = {f(sheet['out_o1'])}, "
          f"delta_o1 = {f(sheet['delta_o1'])}; E = {f(sheet['E'])} before the update, "
          f"{f(loss_after_update(sheet))} after")

# %% [markdown] tags=["solution"]
# ### Sigmoid hidden units

# %% tags=["solution"]
display(Markdown(bt.render_markdown([bt.Case(sheets["sigmoid"])])))
headline(sheets["sigmoid"])

# %% tags=["solution"]
plot_network(sheets["sigmoid"])

# %% [markdown] tags=["solution"]
# ### tanh hidden units
#
# Only the hidden units change: $\mathrm{out} = \tanh(\mathrm{net})$ and
# $f'(\mathrm{net}) = 1 - \mathrm{out}^2$. The output unit is still a sigmoid.

# %% tags=["solution"]
display(Markdown(bt.render_markdown([bt.Case(sheets["tanh"])])))
headline(sheets["tanh"])

# %% tags=["solution"]
plot_network(sheets["tanh"])

# %% [markdown] tags=["solution"]
# ### ReLU hidden units
#
# Unit $h_2$'s weighted sum is negative (below), so the unit is inactive: its output is 0, so
# $w_6$ gets no gradient; its derivative is 0, so $\delta_{h2} = 0$ and $w_3$, $w_4$, $b_{h2}$
# do not change in this step.

# %% tags=["solution"]
print(f"net_h2 = {f(sheets['relu']['net_h2'])}, delta_h2 = {f(sheets['relu']['delta_h2'])}")
display(Markdown(bt.render_markdown([bt.Case(sheets["relu"])])))
headline(sheets["relu"])

# %% tags=["solution"]
plot_network(sheets["relu"])

# %% [markdown] tags=["solution"]
# ### The three cases side by side

# %% tags=["solution"]
print(f"{'':<10}" + "".join(f"{a:>12}" for a in ACTIVATIONS))
for name in [q.name for q in sheets["sigmoid"].quantities]:
    print(f"{name:<10}" + "".join(f"{f(sheets[a][name]):>12}" for a in ACTIVATIONS))
print(f"{'E after':<10}" + "".join(f"{f(loss_after_update(sheets[a])):>12}" for a in ACTIVATIONS))

# %% [markdown] tags=["solution"]
# Did the update lower $E$? The line "E after" says so for each case. It is not guaranteed: the
# gradient gives the direction in which $E$ falls, but only near the current weights. A step
# with a small enough $\eta$ lowers $E$; a longer one can overshoot and raise it. With the file's
# target even very long steps lower $E$ here: they push the sigmoid output at worst to 1, where
# $E = \tfrac12 (t_1 - 1)^2$, which is below $E$ before the update (both printed below). With a
# target near the current output, a long step overshoots:

# %% tags=["solution"]
from dataclasses import replace

print(f"E before: {f(sheets['sigmoid']['E'])}; E if out_o1 were 1: {f(0.5 * (given['t1'] - 1) ** 2)}")
near = replace(network, targets=(sheets["sigmoid"]["out_o1"] + 0.02,))   # close to out_o1
for label, net in (("the file's target", network), ("a target near out_o1", near)):
    for eta in (0.5, 50, 500):
        sheet = bt.solve(net.with_options(learning_rate=eta))
        after = loss_after_update(sheet)
        print(f"{label:<21} eta = {eta:<4} E = {f(sheet['E'])} before, {f(after)} after "
              f"({'lower' if after < sheet['E'] else 'HIGHER'})")

# %% [markdown] tags=["solution"]
# If you rounded every intermediate value as you went, your last digits may differ:
# `bt.rounded_sheet(network, 4)` works the step as a calculator user rounding to 4 decimals
# does (a 5 rounds away from zero, as on the sheets), and the checker accepts numbers worked
# from your own rounded values.
#
# ### How the checker marks a slip
#
# The classic slip of this problem: the output weights are updated first and the *new* $w_5$,
# $w_6$ are then used for the hidden deltas. The checker marks the two deltas wrong, with a
# hint, and the gradients and weights worked correctly from them right (follow-through).

# %% tags=["solution"]
# A student who used w5_new and w6_new in the hidden deltas (numbers carried to 6 decimals).
example_answers = {
    "net_h1": 0.65, "out_h1": 0.65701, "net_h2": -0.1, "out_h2": 0.475021, "net_o1": 0.422397,
    "out_o1": 0.604057, "E": 0.043791, "delta_o1": -0.070781,
    "delta_h1": -0.011536, "delta_h2": 0.008529,                        # the slip
    "dE_dw1": -0.005768, "dE_dw2": -0.011536, "dE_dw3": 0.004264, "dE_dw4": 0.008529,
    "dE_dw5": -0.046504, "dE_dw6": -0.033623, "w1_new": 0.302884, "w2_new": 0.405768,
    "w3_new": -0.602132, "w4_new": 0.095736, "w5_new": 0.723252, "w6_new": -0.483189,
}
print(bt.render_marks(bt.check_answers(network, example_answers), network))

# %% [markdown]
# ## Exercises
#
# 1. Work the tanh case again rounding to 4 decimals at every step, and compare with
#    `bt.rounded_sheet(network.with_options(hidden_activation="tanh"), 4)`.
# 2. Give the network a target close to the output it computes
#    (`dataclasses.replace(network, targets=(...,))`) and find the largest learning rate for
#    which one update still lowers $E$. Why can a gradient step raise the loss?
# 3. With ReLU hidden units, unit $h_2$ learns nothing from this sample. Change one weight so
#    that it does (`network.with_parameters({...})`), and work the step again.
