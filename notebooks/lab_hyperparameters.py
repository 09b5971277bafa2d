# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The hyperparameter lab: predict, run, explain
#
# Backpropagation gives the gradient; the hyperparameters decide what training does with it.
# Each section below changes **one** hyperparameter of a small network trained on a data set
# (two interleaved half-moons, or scikit-learn's handwritten digits) and shows what happens,
# judged on the *validation* rows the network never trains on, over several seeded starts.
#
# **Before you run a section, write your prediction in the cell marked "Your prediction".**
# Then run it and explain the difference. The same experiments, larger, run from the command
# line: `backprop-tutor lab learning-rate --out lr` (see the README).

# %%
# %matplotlib inline
from backprop_tutor.output import lab_figures
from backprop_tutor.output.reports import lab as report
from backprop_tutor.output.writers import to_text
from backprop_tutor.teaching.lab import activation, batch_size, depth, init, learning_rate

JOBS = 2   # worker processes: one per core

# %% [markdown]
# ## 1. The learning rate
#
# Full-batch gradient descent on the moons for a fixed number of epochs, with η from
# `0.01` to `100` (the lab adds larger or smaller η until the curve has turned), for sigmoid,
# tanh and relu hidden units. The output unit is linear, so nothing bounds the loss.
#
# **Your prediction.** Where is η too small? Where does the loss blow up? Is the best η the
# same for the three activations?
#
# *(write here)*

# %%
base = learning_rate.BASE.with_(samples=300, epochs=100)
runs = learning_rate.run(learning_rate.settings(base, seeds=(0, 1, 2)), JOBS)
sweep = learning_rate.summarise(runs)
print(to_text(report.learning_rate_blocks(sweep)))

# %%
lab_figures.plot_learning_rate(sweep)

# %% [markdown]
# Every region above is read off the runs: *diverging* when most seeds end above their
# starting loss (or overflow), *good* when the final validation loss is close to the best,
# *too small* below the best η (still falling at the end), *oscillating* or *too large* above
# it. Why does a too-large step make the loss
# grow instead of merely slowing down? (Think of a valley whose walls are steeper than the
# step can follow.)
#
# ## 2. The batch size
#
# The same number of epochs, so the same number of per-sample gradients, spent on one update
# per row (batch 1), per few rows, or per epoch (the full batch). Each batch size trains at
# its own best η, found by a learning-rate sweep first.
#
# **Your prediction.** After the same number of epochs, which batch size has the lowest
# validation loss? Which one takes the longest?
#
# *(write here)*

# %%
base = batch_size.BASE.with_(samples=200, epochs=20)
runs = batch_size.run(batch_size.settings(base, seeds=(0, 1)), JOBS)
result = batch_size.summarise(runs)
print(to_text(report.batch_size_blocks(result)))
lab_figures.plot_batch_size(result)

# %% [markdown]
# Compare the three panels: at equal epochs, at equal weight updates, at equal time. Which
# comparison is fair depends on what you pay for.
#
# ## 3. The activation
#
# **Your prediction.** On the moons, which hidden activation learns fastest, and which
# slowest? Will the boundaries they draw look alike?
#
# *(write here)*

# %%
base = activation.BASE.with_(samples=300, epochs=150)
runs = activation.run(activation.settings(base, seeds=(0, 1)), JOBS)
groups = activation.summarise(runs)
print(to_text(report.activation_blocks(groups)))
lab_figures.plot_activation(groups)

# %% [markdown]
# ## 4. Depth: vanishing gradients
#
# One to six hidden layers of the same width. Before any training, how large is the gradient
# of each layer's weights?
#
# **Your prediction.** With six sigmoid layers, is the first layer's gradient larger or smaller
# than the last one's, and by how much (σ′ is at most a quarter)? And with tanh, and relu?
#
# *(write here)*

# %%
base = depth.BASE.with_(samples=200, epochs=30)
runs = depth.run(depth.settings(base, seeds=(0,)), JOBS)
result = depth.summarise(runs)
print("\n".join(report.depth_sentences(result)))
lab_figures.plot_depth(result)

# %% [markdown]
# The right panel follows relu units that output 0 for every training row: *dead*, since
# relu′ = 0 passes them no gradient. A large η kills more of them.
#
# ## 5. Initialisation
#
# **Your prediction.** What happens when every weight starts at zero? How many different
# hidden units will the network have after training?
#
# *(write here)*

# %%
base = init.BASE.with_(samples=200, epochs=60)
runs = init.run(init.settings(base, seeds=(0, 1)), JOBS)
groups = init.summarise(runs)
print(to_text(report.init_blocks(groups)))

# %% [markdown]
# With zeros every hidden unit computes the same thing and gets the same gradient, so they
# stay copies of each other: symmetry never breaks.
#
# ## 6. What an activation costs
#
# **Your prediction.** Per element, the sigmoid needs an exponential and relu a comparison.
# How much longer is a whole training step of a `64-256-256-10` network with sigmoid units
# than with relu units?
#
# *(write here)*

# %%
from backprop_tutor.output.reports.cost import cost_text
from backprop_tutor.teaching.activation_cost import measure

print(cost_text(measure(size=100_000, repeats=5, epochs=2, jobs=JOBS)))

# %% [markdown]
# ## Exercises
#
# 1. Rerun section 1 with `output_activation="sigmoid"`. Which regions disappear, and why can
#    a sigmoid output not diverge? What does the lab say about the grid?
# 2. In section 2, which batch size wins at equal epochs, at equal updates, at equal time?
#    Why can the answers differ?
# 3. Write a sweep of your own: a TOML file for `backprop-tutor lab sweep --config FILE`, for
#    example `hidden_units = [2, 4, 16]` with `dataset = "circles"`. Predict first.
