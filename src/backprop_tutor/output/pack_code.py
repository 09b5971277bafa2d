"""Problems 3 and 4 of the pack: the code a student writes, run to make the numbers beside it.

Problem 3 prints ``networks/from_scratch.py`` and Problem 4
``networks/keras_from_scratch.py``, each followed by a few lines that run it on
the file's network. Those very lines are executed (``run_shown``) and their
results fill the tables: the code shown is the code that made the numbers.

The short student code has one hidden layer, a sigmoid output and biases; for
any other network (``student_code_fits``) the pack says so and uses the
package's general networks instead.
"""

from __future__ import annotations

import inspect

import numpy as np

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import Network
from backprop_tutor.document.blocks import Equation, Equations, Math

#: The loss checkpoints of Problem 3's table: E after this many updates.
CHECKPOINTS = (1, 10, 100, 1000)
#: Updates of Problem 4's runs with the file's weights and with random ones.
KERAS_UPDATES = 10
RANDOM_SEED = 0


def student_code_fits(network: Network) -> str | None:
    """Why the short student code cannot run this network, or None if it can."""
    layers = network.layers
    if len(layers) != 2:
        return f"it has {len(layers) - 1} hidden layers, the short code one"
    if layers[-1].activation != "sigmoid":
        return f"its output unit is {layers[-1].activation}, the short code's a sigmoid"
    if any(layer.biases is None or not layer.train_biases for layer in layers):
        return "some of its biases are absent or frozen, the short code trains every bias"
    return None


def numbers_code(network: Network) -> str:
    """The file's numbers as the Python lines a student types."""
    hidden, output = network.layers

    def array(values) -> str:
        listed = [list(row) for row in values] if isinstance(values[0], tuple) else list(values)
        return f"np.array({listed!r})"

    return (f"W1, b1 = {array(hidden.weights)}, {array(hidden.biases)}\n"
            f"W2, b2 = {array(output.weights)}, {array(output.biases)}\n"
            f"x, t = {array(network.inputs)}, {array(network.targets)}\n"
            f"eta = {network.learning_rate!r}\n")


def source_code(module) -> str:
    """A module's source without its docstring (the pack says what it does in words)."""
    text = inspect.getsource(module)
    docstring = f'"""{module.__doc__}"""'
    return text.replace(docstring, "", 1).lstrip("\n")


def run_shown(code: str) -> dict:
    """Execute the code the pack prints and return its variables: the numbers come from it."""
    namespace: dict = {}
    exec(compile(code, "<the code printed in the pack>", "exec"), namespace)   # noqa: S102
    return namespace


# ---------------------------------------------------------------- Problem 3

PROBLEM3_RUN = """

# The file's network, trained from the same start with each hidden activation:
{numbers}hiddens = {activations!r}
gradients = {{hidden: backward(W1, b1, W2, b2, x, t, hidden) for hidden in hiddens}}
losses = {{hidden: train(W1, b1, W2, b2, x, t, hidden, eta, {updates} + 1) for hidden in hiddens}}
"""


def problem3_code(network: Network) -> str:
    """from_scratch.py, then the lines that run it on the file's network."""
    from backprop_tutor.networks import from_scratch

    return source_code(from_scratch) + PROBLEM3_RUN.format(
        numbers=numbers_code(network), updates=max(CHECKPOINTS),
        activations=tuple(TUTORIAL_ACTIVATIONS))


def matrix_form(network: Network) -> Equations:
    """The forward and backward pass of one sample in matrix form, each line with its shape."""
    n_in, n_h, n_o = network.sizes

    def row(lhs_text, lhs_latex, rhs_text, rhs_latex, shape):
        return Equation(Math(lhs_text, lhs_latex), (Math(rhs_text, rhs_latex),), (shape,))

    vector = lambda n: f"shape ({n},)"                   # noqa: E731  NumPy's way of saying it
    matrix = lambda r, c: f"shape ({r}, {c})"           # noqa: E731
    net, out = r"\mathrm{net}", r"\mathrm{out}"
    return Equations((
        row("net_h", rf"{net}_h", "W1 x + b1", r"W_1 x + b_1", vector(n_h)),
        row("out_h", rf"{out}_h", "f(net_h)", rf"f({net}_h)", vector(n_h)),
        row("net_o", rf"{net}_o", "W2 out_h + b2", rf"W_2\,{out}_h + b_2", vector(n_o)),
        row("out_o", rf"{out}_o", "σ(net_o)", rf"\sigma({net}_o)", vector(n_o)),
        row("E", "E", "½ Σ (t − out_o)²", rf"\tfrac{{1}}{{2}} \sum (t - {out}_o)^2", "a number"),
        row("δ_o", r"\delta_o", "(out_o − t) ∘ σ′(net_o)", rf"({out}_o - t) \circ \sigma'({net}_o)",
            vector(n_o)),
        row("δ_h", r"\delta_h", "(W2ᵀ δ_o) ∘ f′(net_h)", rf"(W_2^\top \delta_o) \circ f'({net}_h)",
            vector(n_h) + ", W2 from before the update"),
        row("∂E/∂W2", r"\partial E / \partial W_2", "δ_o out_hᵀ", rf"\delta_o\, {out}_h^\top",
            matrix(n_o, n_h) + ", like W2"),
        row("∂E/∂b2", r"\partial E / \partial b_2", "δ_o", r"\delta_o", vector(n_o)),
        row("∂E/∂W1", r"\partial E / \partial W_1", "δ_h xᵀ", r"\delta_h\, x^\top",
            matrix(n_h, n_in) + ", like W1"),
        row("∂E/∂b1", r"\partial E / \partial b_1", "δ_h", r"\delta_h", vector(n_h)),
        row("W", "W", "W − η ∂E/∂W", r"W - \eta\, \partial E / \partial W",
            "every W and b, after all gradients"),
    ))


def gradient_names(network: Network) -> list[str]:
    """The worksheet's names of dW1, db1, dW2, db2's entries, in the order ``ravel`` gives them."""
    n_in, n_h, n_o = network.sizes
    weights = [f"dE_dw{k}" for k in range(1, n_h * n_in + n_o * n_h + 1)]
    return (weights[:n_h * n_in] + [f"dE_db_h{k}" for k in range(1, n_h + 1)]
            + weights[n_h * n_in:] + [f"dE_db_o{k}" for k in range(1, n_o + 1)])


def largest_gradient_gap(gradients, sheet, network: Network) -> float:
    """max |gradient by the code − Problem 2's| over every weight and bias."""
    mine = np.concatenate([np.ravel(g) for g in gradients])
    return float(max(abs(value - sheet[name])
                     for value, name in zip(mine, gradient_names(network), strict=True)))


# ---------------------------------------------------------------- Problem 4

PROBLEM4_RUN = """

# The file's network; one update with each hidden activation, the tutorial's loss:
import numpy as np

{numbers}one_update = {{}}
for hidden in {activations!r}:
    model = build(W1, b1, W2, b2, hidden, eta, "half_sse")
    one_update[hidden] = train(model, x, t, 1)[0], weights(model)
# {updates} updates with the file's activation, each loss convention:
runs = {{loss: train(build(W1, b1, W2, b2, {hidden!r}, eta, loss), x, t, {updates})
        for loss in ("half_sse", "mse")}}
# Keras' own random start (Glorot-uniform kernels, zero biases), the tutorial's loss:
model = build(W1, b1, W2, b2, {hidden!r}, eta, "half_sse", seed={seed})
random_start = weights(model)
random_losses = train(model, x, t, {updates})
"""


def problem4_code(network: Network) -> str:
    """keras_from_scratch.py, then the lines that run it on the file's network."""
    from backprop_tutor.networks import keras_from_scratch

    return (source_code(keras_from_scratch) + PROBLEM4_RUN.format(
        numbers=numbers_code(network), activations=tuple(TUTORIAL_ACTIVATIONS),
        hidden=network.layers[0].activation, updates=KERAS_UPDATES, seed=RANDOM_SEED))


def largest_weight_gap(updated, sheet, network: Network) -> float:
    """max |weight or bias after the update by the code − Problem 2's| (W1, b1, W2, b2)."""
    mine = np.concatenate([np.ravel(w) for w in updated])
    names = [name.removeprefix("dE_d") + "_new" for name in gradient_names(network)]
    return float(max(abs(value - sheet[name]) for value, name in zip(mine, names, strict=True)))
