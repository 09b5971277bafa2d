# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Problem 1 — Backpropagation derived by hand
#
# **The network.** Two inputs $i_1, i_2$; one hidden layer of two units $h_1, h_2$; one output
# unit $o_1$ with target $t_1$. Every unit $u$ adds up its weighted inputs and its bias, then
# applies the sigmoid:
#
# $$\mathrm{net}_u = \sum_s w_{us}\,\mathrm{out}_s + b_u, \qquad
#   \mathrm{out}_u = \sigma(\mathrm{net}_u) = \frac{1}{1 + e^{-\mathrm{net}_u}}$$
#
# (an input unit's output is the input itself). The weights are numbered
# $w_1$: $i_1 \to h_1$, $w_2$: $i_2 \to h_1$, $w_3$: $i_1 \to h_2$, $w_4$: $i_2 \to h_2$,
# $w_5$: $h_1 \to o_1$, $w_6$: $h_2 \to o_1$; the biases are $b_{h1}, b_{h2}, b_{o1}$.
# The loss is the squared error with a factor one half, summed over the output units:
#
# $$E = \tfrac12 \sum_k (t_k - \mathrm{out}_{ok})^2$$
#
# **Your task**, with pen and paper:
#
# 1. Show that $\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$.
# 2. Use the chain rule to find $\partial E/\partial w_5$, $\partial E/\partial w_6$ and
#    $\partial E/\partial b_{o1}$ (the output layer).
# 3. Do the same for $\partial E/\partial w_1, \dots, \partial E/\partial w_4$,
#    $\partial E/\partial b_{h1}$ and $\partial E/\partial b_{h2}$ (the hidden layer).
# 4. Call $\delta_u = \partial E/\partial \mathrm{net}_u$ the *delta* of unit $u$. Write every
#    gradient as a delta times what the weight multiplies, and show how the hidden deltas are
#    obtained from the output delta: that is what makes the method run *backwards*.
# 5. What changes when a hidden unit feeds several output units?

# %% [markdown] tags=["student"]
# *The worked solution is in `solutions/problem1_derivation.ipynb`: try on your own first.*

# %% [markdown] tags=["solution"]
# *The solution notebook: each task is followed by its worked answer.*

# %%
import backprop_tutor as bt

network = bt.load_network(bt.DEFAULT_NETWORK)   # the tutorial network, shipped with the package
print(network.title, "- units per layer:", network.sizes)
print("weights and biases:", ", ".join(network.parameters()))

# %% [markdown] tags=["student"]
# ## Your work
#
# *Double-click this cell to write here, or work on paper.*
#
# - $\sigma'(x) = \dots$
# - $\partial E / \partial w_5 = \dots$
# - $\partial E / \partial w_1 = \dots$
# - $\delta_{o1} = \dots \qquad \delta_{h1} = \dots$

# %% [markdown]
# ## Check your formulas
#
# Type your results as Python expressions into `my_formulas` and run the next cell. You may use
# the given names (`i1`, `i2`, `t1`, `w1` … `w6`, `b_h1`, `b_h2`, `b_o1`), the forward pass
# (`net_h1`, `out_h1`, …, `out_o1`, `E`), any delta or gradient that comes *before* the one you
# write (`delta_o1` before `delta_h1`, every delta before the gradients), and the functions
# `sigmoid` and `exp`. An empty string means "not written yet".
#
# Each formula is evaluated at the file's numbers and at three sets of random inputs, targets,
# weights and biases, and compared with the worked solution: a formula that is right only by
# coincidence is caught.

# %% tags=["student"]
names = ("delta_o1", "dE_dw5", "dE_dw6", "dE_db_o1", "delta_h1", "delta_h2",
         "dE_dw1", "dE_dw2", "dE_dw3", "dE_dw4", "dE_db_h1", "dE_db_h2")
my_formulas = dict.fromkeys(names, "")
my_formulas["delta_o1"] = ""   # e.g. "(...) * out_o1 * (1 - out_o1)"

# %% [markdown] tags=["solution"]
# ## Solution
#
# **1. The sigmoid's derivative.** With $\sigma(x) = (1 + e^{-x})^{-1}$,
#
# $$\sigma'(x) = \frac{e^{-x}}{(1 + e^{-x})^2}
#   = \frac{1}{1 + e^{-x}} \cdot \frac{(1 + e^{-x}) - 1}{1 + e^{-x}}
#   = \sigma(x)\,\bigl(1 - \sigma(x)\bigr).$$
#
# So $f'(\mathrm{net}_u) = \mathrm{out}_u (1 - \mathrm{out}_u)$: the derivative is read off the
# unit's output, with no new exponential.
#
# **2. The output layer.** $E$ depends on $w_5$ along one path,
# $w_5 \to \mathrm{net}_{o1} \to \mathrm{out}_{o1} \to E$:
#
# $$\frac{\partial E}{\partial w_5}
#   = \underbrace{\frac{\partial E}{\partial \mathrm{out}_{o1}}}_{\mathrm{out}_{o1} - t_1}
#     \cdot \underbrace{\frac{\partial \mathrm{out}_{o1}}{\partial \mathrm{net}_{o1}}}
#       _{\mathrm{out}_{o1}(1 - \mathrm{out}_{o1})}
#     \cdot \underbrace{\frac{\partial \mathrm{net}_{o1}}{\partial w_5}}_{\mathrm{out}_{h1}}
#   = \delta_{o1}\,\mathrm{out}_{h1},
#   \qquad \delta_{o1} = (\mathrm{out}_{o1} - t_1)\,\mathrm{out}_{o1}(1 - \mathrm{out}_{o1})$$
#
# and in the same way $\partial E/\partial w_6 = \delta_{o1}\,\mathrm{out}_{h2}$,
# $\partial E/\partial b_{o1} = \delta_{o1}$ (a bias multiplies 1).

# %% [markdown] tags=["solution"]
# **3. The hidden layer.** $w_1$ reaches $E$ through
# $\mathrm{net}_{h1} \to \mathrm{out}_{h1} \to \mathrm{net}_{o1} \to E$, and
# $\partial \mathrm{net}_{o1}/\partial \mathrm{out}_{h1} = w_5$:
#
# $$\frac{\partial E}{\partial w_1}
#   = \delta_{o1}\, w_5 \cdot \mathrm{out}_{h1}(1 - \mathrm{out}_{h1}) \cdot i_1
#   = \delta_{h1}\, i_1, \qquad
#   \delta_{h1} = w_5\,\delta_{o1}\,\mathrm{out}_{h1}(1 - \mathrm{out}_{h1})$$
#
# and likewise $\partial E/\partial w_2 = \delta_{h1} i_2$, $\partial E/\partial b_{h1} = \delta_{h1}$,
# $\delta_{h2} = w_6\,\delta_{o1}\,\mathrm{out}_{h2}(1 - \mathrm{out}_{h2})$,
# $\partial E/\partial w_3 = \delta_{h2} i_1$, $\partial E/\partial w_4 = \delta_{h2} i_2$,
# $\partial E/\partial b_{h2} = \delta_{h2}$.
#
# **4.** For any unit $u$ with activation $f$:
#
# $$\frac{\partial E}{\partial w_{us}} = \delta_u\,\mathrm{out}_s, \qquad
#   \frac{\partial E}{\partial b_u} = \delta_u, \qquad
#   \delta_o = (\mathrm{out}_o - t_o)\, f'(\mathrm{net}_o), \qquad
#   \delta_h = f'(\mathrm{net}_h) \sum_k w_{kh}\,\delta_k$$
#
# The deltas of a layer need only the deltas of the next layer, so they are computed from the
# output backwards.
#
# **5.** A hidden unit that feeds several units reaches $E$ along one path through each; the
# chain rule for several variables adds the paths up: the sum over $k$ in $\delta_h$.
#
# The same formulas, typed for the checker:

# %% tags=["solution"]
my_formulas = {"delta_o1": "(out_o1 - t1) * out_o1 * (1 - out_o1)",
               "dE_dw5": "delta_o1 * out_h1", "dE_dw6": "delta_o1 * out_h2",
               "dE_db_o1": "delta_o1",
               "delta_h1": "w5 * delta_o1 * out_h1 * (1 - out_h1)",
               "delta_h2": "w6 * delta_o1 * out_h2 * (1 - out_h2)",
               "dE_dw1": "delta_h1 * i1", "dE_dw2": "delta_h1 * i2", "dE_db_h1": "delta_h1",
               "dE_dw3": "delta_h2 * i1", "dE_dw4": "delta_h2 * i2", "dE_db_h2": "delta_h2"}

# %%
from backprop_tutor.output.reports.formulas import render_formula_marks
from backprop_tutor.teaching.formulas import check_formulas

print(render_formula_marks(check_formulas(network, my_formulas)))

# %% [markdown] tags=["solution"]
# ## With the library: SymPy derives and proves
#
# The package derives the gradients with SymPy, step by step as at the board, from the very
# formulas it uses for the worked numbers of Problem 2. It then *proves* each result: every
# step of the chain rule, unit by unit, is an identity SymPy shows; at random points the
# gradient equals mpmath's derivative of $E$; and at the file's numbers it equals the worked
# solution.

# %% tags=["solution"]
from IPython.display import Markdown, display

from backprop_tutor.output.reports.derivation import render_derivation

derived = bt.derive(network)
display(Markdown(render_derivation(derived, "markdown")))

# %% [markdown] tags=["solution"]
# The results in one place, as SymPy writes them (each delta and gradient over the names it
# reads):

# %% tags=["solution"]
print("Proven:", derived.proven)
for name, formula in derived.delta_form.items():
    print(f"  {name:>9} = {formula}")

# %% [markdown] tags=["solution"]
# ### How the checker marks a slip
#
# A student's formulas with one slip: $w_1$ connects $i_1$ to $h_1$, so
# $\partial E/\partial w_1$ is $\delta_{h1} \cdot i_1$, not $\delta_{h1} \cdot i_2$. And one
# formula that agrees at the file's numbers only because $i_2$ happens to be 1 there.

# %% tags=["solution"]
example = {
    "dE_dw6": "(out_o1 - t1) * out_o1 * (1 - out_o1) * out_h2",   # written out in full: right
    "dE_dw1": "delta_h1 * i2",                                    # the slip
    "dE_dw2": "delta_h1",                                         # i2 forgotten
}
print(render_formula_marks(check_formulas(network, example)))

# %% [markdown]
# ## Exercises
#
# 1. Derive $\tanh'(x) = 1 - \tanh^2(x)$ and write $\delta_{h1}$ for tanh hidden units. Check it
#    with `check_formulas(network.with_options(hidden_activation="tanh"), {...})`.
# 2. Keras' loss is $E = \frac1K \sum_k (t_k - \mathrm{out}_{ok})^2$. Which formulas change?
#    Check with `network.with_options(loss="mse")`.
# 3. The file `examples/deep.toml` has two hidden layers (2-3-2-1). Write $\delta_{h1}$ for it:
#    how many paths lead from $h_1$ to the output? Check with
#    `bt.load_network(bt.EXAMPLES / "deep.toml")`.
