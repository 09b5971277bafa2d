"""Write the four tutorial notebooks, one per problem, without outputs.

The notebooks are generated from this file so that they stay small, reviewable
and free of outputs: edit the cells here, then run

    python notebooks/build_notebooks.py            # write the .ipynb files
    python notebooks/build_notebooks.py --check    # exit 1 if a file differs

The output is deterministic: cell ids are numbered, not random, and nbformat
writes the JSON with sorted keys.

Each notebook states its problem, leaves room for the student's own work
(cells that run as shipped), and then shows and checks the solution with the
package, under a "Solution" heading.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def md(text: str) -> tuple[str, str]:
    return "markdown", textwrap.dedent(text).strip()


def code(text: str) -> tuple[str, str]:
    return "code", textwrap.dedent(text).strip()


# ---------------------------------------------------------------- Problem 1

PROBLEM1 = [
    md(r"""
    # Problem 1 — Backpropagation derived by hand

    **The network.** Two inputs $i_1, i_2$; one hidden layer of two units $h_1, h_2$; one output
    unit $o_1$ with target $t_1$. Every unit $u$ adds up its weighted inputs and its bias, then
    applies the sigmoid:

    $$\mathrm{net}_u = \sum_s w_{us}\,\mathrm{out}_s + b_u, \qquad
      \mathrm{out}_u = \sigma(\mathrm{net}_u) = \frac{1}{1 + e^{-\mathrm{net}_u}}$$

    (an input unit's output is the input itself). The weights are numbered
    $w_1$: $i_1 \to h_1$, $w_2$: $i_2 \to h_1$, $w_3$: $i_1 \to h_2$, $w_4$: $i_2 \to h_2$,
    $w_5$: $h_1 \to o_1$, $w_6$: $h_2 \to o_1$; the biases are $b_{h1}, b_{h2}, b_{o1}$.
    The loss is the squared error with a factor one half, summed over the output units:

    $$E = \tfrac12 \sum_k (t_k - \mathrm{out}_{ok})^2$$

    **Your task**, with pen and paper:

    1. Show that $\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$.
    2. Use the chain rule to find $\partial E/\partial w_5$, $\partial E/\partial w_6$ and
       $\partial E/\partial b_{o1}$ (the output layer).
    3. Do the same for $\partial E/\partial w_1, \dots, \partial E/\partial w_4$,
       $\partial E/\partial b_{h1}$ and $\partial E/\partial b_{h2}$ (the hidden layer).
    4. Call $\delta_u = \partial E/\partial \mathrm{net}_u$ the *delta* of unit $u$. Write every
       gradient as a delta times what the weight multiplies, and show how the hidden deltas are
       obtained from the output delta: that is what makes the method run *backwards*.
    5. What changes when a hidden unit feeds several output units?
    """),
    code("""
    import backprop_tutor as bt

    network = bt.load_network(bt.DEFAULT_NETWORK)   # the tutorial network, shipped with the package
    print(network.title, "- units per layer:", network.sizes)
    print("weights and biases:", ", ".join(network.parameters()))
    """),
    md(r"""
    ## Your work

    *Double-click this cell to write here, or work on paper.*

    - $\sigma'(x) = \dots$
    - $\partial E / \partial w_5 = \dots$
    - $\partial E / \partial w_1 = \dots$
    - $\delta_{o1} = \dots \qquad \delta_{h1} = \dots$
    """),
    md("""
    ### Check your formulas

    Type your results as Python expressions into `my_formulas` and run the next two cells. You may
    use the given names (`i1`, `i2`, `t1`, `w1` … `w6`, `b_h1`, `b_h2`, `b_o1`), the forward pass
    (`net_h1`, `out_h1`, …, `out_o1`, `E`), any delta or gradient that comes *before* the one you
    write (`delta_o1` before `delta_h1`, a delta before its gradients), and the functions
    `sigmoid` and `exp`. An empty string means "not written yet".

    Each formula is evaluated at the file's numbers and at three sets of random weights, and
    compared with the worked solution: a formula that is right only by coincidence is caught.
    """),
    code("""
    my_formulas = {
        "delta_o1": "",   # e.g. "(...) * out_o1 * (1 - out_o1)"
        "dE_dw5": "",
        "dE_dw6": "",
        "dE_db_o1": "",
        "delta_h1": "",
        "delta_h2": "",
        "dE_dw1": "",
        "dE_dw2": "",
        "dE_dw3": "",
        "dE_dw4": "",
        "dE_db_h1": "",
        "dE_db_h2": "",
    }
    """),
    code("""
    import math

    import numpy as np
    from backprop_tutor.core.activations import FORMULA_FUNCTIONS
    from backprop_tutor.core.worksheet import evaluate


    def known_before(sheet, name):
        \"\"\"The given numbers and every quantity the worksheet works out before `name`.\"\"\"
        known = dict(sheet.given)
        for quantity in sheet.quantities:
            if quantity.name == name:
                return known
            known[quantity.name] = quantity.value
        raise KeyError(f"{name} is not a quantity of this network")


    def check_formulas(formulas, network, trials=3, seed=1):
        \"\"\"Mark each formula: right if it gives the worked solution's value at every trial.\"\"\"
        rng = np.random.default_rng(seed)
        randomised = [network.with_parameters({p: rng.uniform(-2, 2) for p in network.parameters()})
                      for _ in range(trials)]
        sheets = [bt.solve(net) for net in [network, *randomised]]
        functions = {**FORMULA_FUNCTIONS, "exp": np.exp}
        for name, text in formulas.items():
            if not text.strip():
                print(f"  · {name}: not written yet")
                continue
            try:
                mine = [float(evaluate(text, known_before(s, name), functions)) for s in sheets]
            except Exception as error:  # a typo, or a name not known at this point
                print(f"  ✗ {name} = {text}\\n      cannot be evaluated: {type(error).__name__}: {error}")
                continue
            right = all(math.isclose(m, s[name], rel_tol=1e-9, abs_tol=1e-12)
                        for m, s in zip(mine, sheets))
            mark = "✓" if right else "✗"
            print(f"  {mark} {name} = {text}")
            if not right:
                print(f"      gives {mine[0]:.6g} at the file's numbers, where {name} = {sheets[0][name]:.6g}")


    check_formulas(my_formulas, network)
    """),
    md(r"""
    ---
    # Solution

    The package derives the gradients with SymPy, step by step as at the board, from the very
    formulas it uses for the worked numbers of Problem 2. It then *proves* each result: the
    chain-rule gradient minus SymPy's direct derivative of $E$ simplifies to 0, and at the file's
    numbers it equals the worked solution.
    """),
    code("""
    from IPython.display import Markdown, display
    from backprop_tutor.symbolic import derivation as sympy_derivation

    derived = sympy_derivation.derive(network)
    display(Markdown(sympy_derivation.RENDERERS["markdown"](derived)))
    """),
    md("""
    The results in one place, as SymPy writes them (each delta and gradient over the names it
    reads):
    """),
    code("""
    print("Proven:", derived.proven)
    for name, formula in derived.delta_form.items():
        print(f"  {name:>9} = {formula}")
    """),
    md(r"""
    **In short**, for any unit $u$ with activation $f$:

    $$\frac{\partial E}{\partial w_{us}} = \delta_u\,\mathrm{out}_s, \qquad
      \frac{\partial E}{\partial b_u} = \delta_u, \qquad
      \delta_o = (\mathrm{out}_o - t_o)\, f'(\mathrm{net}_o), \qquad
      \delta_h = f'(\mathrm{net}_h) \sum_k w_{kh}\,\delta_k$$

    with $f'(\mathrm{net}) = \mathrm{out}\,(1 - \mathrm{out})$ for the sigmoid. The last
    formula answers question 5: a hidden unit that feeds several units collects one term per
    path, and the chain rule for several variables adds them up. The deltas of a layer need
    only the deltas of the next layer, so they are computed from the output backwards.
    """),
    md("""
    ### How the checker marks formulas: an example

    A student's formulas with one slip: $w_1$ connects $i_1$ to $h_1$, so
    $\\partial E/\\partial w_1$ is $\\delta_{h1} \\cdot i_1$, not $\\delta_{h1} \\cdot i_2$.
    """),
    code("""
    example = {
        "delta_o1": "(out_o1 - t1) * out_o1 * (1 - out_o1)",
        "dE_dw5": "delta_o1 * out_h1",
        "dE_dw6": "(out_o1 - t1) * out_o1 * (1 - out_o1) * out_h2",   # written out in full: also right
        "delta_h1": "w5 * delta_o1 * out_h1 * (1 - out_h1)",
        "dE_dw1": "delta_h1 * i2",                                   # the slip
        "dE_db_h1": "delta_h1",
    }
    check_formulas(example, network)
    """),
]


# ---------------------------------------------------------------- Problem 2

STUDENT_WITH_A_SLIP = """
    # A student who updated w5 and w6 first, and then used the *new* values in the hidden deltas.
    # (Numbers carried to 6 decimals.)
    example_answers = {
        "net_h1": 0.65, "out_h1": 0.65701, "net_h2": -0.1, "out_h2": 0.475021,
        "net_o1": 0.422397, "out_o1": 0.604057, "E": 0.043791,
        "delta_o1": -0.070781,
        "delta_h1": -0.011536, "delta_h2": 0.008529,          # the slip: w5_new, w6_new used
        "dE_dw1": -0.005768, "dE_dw2": -0.011536, "dE_dw3": 0.004264, "dE_dw4": 0.008529,
        "dE_dw5": -0.046504, "dE_dw6": -0.033623,
        "w1_new": 0.302884, "w2_new": 0.405768, "w3_new": -0.602132, "w4_new": 0.095736,
        "w5_new": 0.723252, "w6_new": -0.483189,
    }
    print(render_marks(check_answers(network, example_answers), network))
"""

PROBLEM2 = [
    md(r"""
    # Problem 2 — One SGD update by hand

    Take the network of Problem 1 with the numbers of the file `examples/tutorial.toml` (below):
    inputs, target, weights, biases and the learning rate $\eta$. The output unit is a sigmoid,
    the loss is $E = \tfrac12 \sum_k (t_k - \mathrm{out}_{ok})^2$.

    **Your task**, with pen, paper and a calculator, three times: with **sigmoid**, **tanh** and
    **ReLU** hidden units (the output unit stays a sigmoid):

    1. the forward pass: every $\mathrm{net}$ and $\mathrm{out}$, and the loss $E$;
    2. the backward pass: $\delta_{o1}$, then $\delta_{h1}$ and $\delta_{h2}$;
    3. every gradient $\partial E / \partial w$ and $\partial E / \partial b$;
    4. one step of stochastic gradient descent: $w_\text{new} = w - \eta\,\partial E/\partial w$
       for every weight and bias.

    Reminders: $\sigma'(\mathrm{net}) = \mathrm{out}\,(1-\mathrm{out})$,
    $\tanh'(\mathrm{net}) = 1 - \mathrm{out}^2$, $\mathrm{relu}'(\mathrm{net}) = 1$ if
    $\mathrm{net} > 0$ and $0$ otherwise (at exactly 0 we take 0, as TensorFlow does). All
    gradients are computed with the weights from *before* the update.
    """),
    code("""
    import backprop_tutor as bt
    from backprop_tutor.core.worksheet import given_values

    ACTIVATIONS = ("sigmoid", "tanh", "relu")
    network = bt.load_network(bt.DEFAULT_NETWORK)
    given = given_values(network)
    print(network.title)
    for kind, prefix in (("inputs", "i"), ("target", "t"), ("weights", "w"), ("biases", "b_"), ("learning rate", "eta")):
        print(f"  {kind:<15}" + ",  ".join(f"{n} = {v:g}" for n, v in given.items() if n.startswith(prefix)))
    """),
    md("""
    ## Your work

    Work the three cases on paper. Then type your numbers into `my_answers` below, one dictionary
    per hidden activation, with the names the worked solution uses: `net_h1`, `out_h1`, …, `E`,
    `delta_o1`, `delta_h1`, …, `dE_dw1`, …, `dE_db_h1`, …, `w1_new`, …, `b_o1_new`. Write as many
    decimals as you carried; leave out what you have not done.

    The checker marks each number against what its formula gives **from your own earlier
    numbers**: a slip is marked once, and the lines you then worked correctly from it count as
    right. For a wrong number it looks for the usual slips (a sign, the factor 2 of the loss,
    the updated weights used in the backward pass).
    """),
    code("""
    my_answers = {
        "sigmoid": {
            # "net_h1": 0.65,
        },
        "tanh": {},
        "relu": {},
    }
    """),
    code("""
    from backprop_tutor.output.reports.marks import render_marks
    from backprop_tutor.teaching.answers import check_answers
    from backprop_tutor.output.notation import format_number


    for activation, answers in my_answers.items():
        if not answers:
            print(f"hidden {activation}: no answers yet")
            continue
        print(f"hidden {activation}:")
        case = network.with_options(hidden_activation=activation)
        print(render_marks(check_answers(case, answers), case))
    """),
    md(r"""
    ---
    # Solution

    The package works the step quantity by quantity: each line shows the general formula, the
    formula with the numbers, and the result. At the end of each case, the loss after the update
    is computed independently (the NumPy network of Problem 3 with the new weights): it must be
    lower than before.
    """),
    code("""
    %matplotlib inline
    from IPython.display import Markdown, display
    from backprop_tutor.output.figures import plot_network

    sheets = {a: bt.solve(network.with_options(hidden_activation=a)) for a in ACTIVATIONS}


    def loss_after_update(sheet):
        \"\"\"E with the updated weights and biases, by the NumPy network (not by the worksheet).\"\"\"
        new = sheet.network.with_parameters({p: sheet[f"{p}_new"] for p in sheet.network.parameters()})
        return bt.NumpyNetwork.from_network(new).loss_value(new.inputs, new.targets)


    def headline(sheet):
        print(f"hidden {sheet.network.hidden_activation}: out_o1 = {format_number(sheet['out_o1'])}, "
              f"delta_o1 = {format_number(sheet['delta_o1'])}; E = {format_number(sheet['E'])} "
              f"before the update, {format_number(loss_after_update(sheet))} after")
    """),
    md("""
    ## Sigmoid hidden units
    """),
    code("""
    display(Markdown(bt.render_markdown([bt.Case(sheets["sigmoid"])])))
    headline(sheets["sigmoid"])
    """),
    code("""
    plot_network(sheets["sigmoid"])
    """),
    md(r"""
    ## tanh hidden units

    Only the hidden units change: $\mathrm{out} = \tanh(\mathrm{net})$ and
    $f'(\mathrm{net}) = 1 - \mathrm{out}^2$. The output unit is still a sigmoid.
    """),
    code("""
    display(Markdown(bt.render_markdown([bt.Case(sheets["tanh"])])))
    headline(sheets["tanh"])
    """),
    code("""
    plot_network(sheets["tanh"])
    """),
    md(r"""
    ## ReLU hidden units

    Here $\mathrm{net}_{h2} = -0.1 < 0$: unit $h_2$ is inactive. Its output is 0, so $w_6$ gets
    no gradient; its derivative is 0, so $\delta_{h2} = 0$ and $w_3$, $w_4$, $b_{h2}$ do not
    change in this step.
    """),
    code("""
    display(Markdown(bt.render_markdown([bt.Case(sheets["relu"])])))
    headline(sheets["relu"])
    """),
    code("""
    plot_network(sheets["relu"])
    """),
    md("""
    ## The three cases side by side
    """),
    code("""
    rows = [q.name for q in sheets["sigmoid"].quantities]
    print(f"{'':<10}" + "".join(f"{a:>12}" for a in ACTIVATIONS))
    for name in rows:
        print(f"{name:<10}" + "".join(f"{format_number(sheets[a][name]):>12}" for a in ACTIVATIONS))
    print(f"{'E after':<10}" + "".join(f"{format_number(loss_after_update(sheets[a])):>12}" for a in ACTIVATIONS))
    """),
    md("""
    If you rounded every intermediate value as you went, your last digits may differ:
    `bt.solve(network, round_to=4)` works the step as a calculator user rounding to 4 decimals
    does, and the checker above accepts numbers worked from your own rounded values.

    ## How the checker marks a slip: an example

    The classic slip of this problem: the output weights are updated first and the *new* $w_5$,
    $w_6$ are then used for the hidden deltas. The checker marks the two deltas wrong, with a
    hint, and the gradients and weights worked correctly from them right (follow-through).
    """),
    code(STUDENT_WITH_A_SLIP),
]


# ---------------------------------------------------------------- Problem 3

PROBLEM3 = [
    md(r"""
    # Problem 3 — The network from scratch in NumPy

    **Your task.** Write the network of Problems 1 and 2 in NumPy, in matrix form, so that the
    hidden activation can be chosen: sigmoid, tanh or ReLU (the output stays a sigmoid, the loss
    $E = \tfrac12\sum_k (t_k - \mathrm{out}_{ok})^2$). With $W_1$ the $2\times2$ matrix of the
    weights into the hidden layer (row $r$: the weights into unit $r$), $W_2$ the $1\times2$
    matrix into the output and $b_1$, $b_2$ the biases:

    $$\mathrm{net}_h = W_1 x + b_1,\quad \mathrm{out}_h = f(\mathrm{net}_h),\quad
      \mathrm{net}_o = W_2\,\mathrm{out}_h + b_2,\quad \mathrm{out}_o = \sigma(\mathrm{net}_o)$$

    1. Write the forward pass and the backward pass (the gradients of $E$ for $W_1, b_1, W_2, b_2$).
    2. Check your gradients against your answers to Problem 2.
    3. Train with stochastic gradient descent on the one training sample, for each hidden
       activation, and plot the loss against the number of updates.
    4. Try several learning rates. What happens when it is too small? Too large?
    """),
    code("""
    %matplotlib inline
    import numpy as np

    import backprop_tutor as bt

    ACTIVATIONS = ("sigmoid", "tanh", "relu")
    network = bt.load_network(bt.DEFAULT_NETWORK)
    (hidden, output) = network.layers
    W1, b1 = np.array(hidden.weights), np.array(hidden.biases)
    W2, b2 = np.array(output.weights), np.array(output.biases)
    x, t, eta = np.array(network.inputs), np.array(network.targets), network.learning_rate
    print("W1 =", W1.tolist(), " b1 =", b1.tolist(), " W2 =", W2.tolist(), " b2 =", b2.tolist())
    print("x =", x.tolist(), " t =", t.tolist(), " eta =", eta)
    """),
    md("""
    ## Your work

    Fill in the four functions. Each raises `NotImplementedError` until you do; the cell after
    them checks what you have written so far.
    """),
    code('''
    def my_activation(name, net):
        """Return f(net) and f'(net) for name "sigmoid", "tanh" or "relu" (take relu'(0) = 0)."""
        raise NotImplementedError("write the activations and their derivatives")


    def my_forward(W1, b1, W2, b2, x, hidden):
        """Return net_h, out_h, net_o, out_o."""
        raise NotImplementedError("write the forward pass")


    def my_backward(W1, b1, W2, b2, x, t, hidden):
        """Return dE/dW1, dE/db1, dE/dW2, dE/db2, with the shapes of W1, b1, W2, b2."""
        raise NotImplementedError("write the backward pass")


    def my_train(W1, b1, W2, b2, x, t, hidden, eta, updates):
        """Do `updates` SGD steps on copies of the weights; return E before each step."""
        raise NotImplementedError("write the training loop")
    '''),
    code("""
    def expected_gradients(activation):
        \"\"\"Problem 2's gradients from the worked solution, as matrices.\"\"\"
        s = bt.solve(network.with_options(hidden_activation=activation))
        return (np.array([[s["dE_dw1"], s["dE_dw2"]], [s["dE_dw3"], s["dE_dw4"]]]),
                np.array([s["dE_db_h1"], s["dE_db_h2"]]),
                np.array([[s["dE_dw5"], s["dE_dw6"]]]), np.array([s["dE_db_o1"]]))


    for activation in ACTIVATIONS:
        try:
            mine = my_backward(W1, b1, W2, b2, x, t, activation)
            agree = all(np.allclose(m, e, rtol=1e-9, atol=1e-12)
                        for m, e in zip(mine, expected_gradients(activation)))
            print(f"hidden {activation}: gradients {'agree' if agree else 'DIFFER'} with Problem 2")
            losses = my_train(W1, b1, W2, b2, x, t, activation, eta, updates=100)
            reference = bt.NumpyNetwork.from_network(network.with_options(hidden_activation=activation))
            same = np.allclose(losses, reference.train(x, t, eta, epochs=100), rtol=1e-9)
            print(f"  100 updates: E = {losses[-1]:.6g} before the last, {'as' if same else 'NOT as'} the package")
        except NotImplementedError as error:
            print(f"hidden {activation}: not written yet ({error})")
    """),
    md("""
    ---
    # Solution

    ## The package's NumPy network

    `bt.NumpyNetwork` is written to be read: a weight matrix, a bias vector and an activation
    per layer, for any number of layers. Its forward pass, backward pass and SGD step:
    """),
    code("""
    import inspect

    for method in (bt.NumpyNetwork.forward, bt.NumpyNetwork.backward, bt.NumpyNetwork.sgd_step):
        print(inspect.getsource(method))
    """),
    md(r"""
    ## Is it right? Three independent checks

    For each hidden activation: the NumPy gradients against the worked solution of Problem 2
    (named scalars, a separate implementation) and against central finite differences
    $(E(p+h) - E(p-h))/2h$, which need no derivative at all; and the weights after one SGD step
    against Problem 2's $w_\text{new}$.
    """),
    code("""
    from backprop_tutor.core.gradcheck import finite_difference_gradients

    print("Largest difference |NumPy network - other|, over all weights and biases")
    print(f"{'hidden':<10}{'gradients,':>14}{'gradients,':>14}{'after one step,':>17}")
    print(f"{'':<10}{'Problem 2':>14}{'finite diff.':>14}{'Problem 2':>17}")
    for activation in ACTIVATIONS:
        net = network.with_options(hidden_activation=activation)
        sheet, model = bt.solve(net), bt.NumpyNetwork.from_network(net)
        dW, db = model.backward(net.inputs, net.targets)
        # net.parameters() lists w1 ... w6, then b_h1, b_h2, b_o1: the matrices row by row.
        ours = dict(zip(net.parameters(), np.concatenate([g.ravel() for g in dW] + db)))
        by_differences = finite_difference_gradients(net)
        model.sgd_step(net.inputs, net.targets, net.learning_rate)
        print(f"{activation:<10}"
              f"{max(abs(ours[p] - sheet['dE_d' + p]) for p in ours):>14.1e}"
              f"{max(abs(ours[p] - by_differences[p]) for p in ours):>14.1e}"
              f"{max(abs(v - sheet[p + '_new']) for p, v in model.parameters().items()):>17.1e}")
    """),
    md("""
    The comparisons with Problem 2 differ by rounding only (about $10^{-17}$, or exactly 0); the
    finite differences agree to $10^{-10}$ or better, their own accuracy with $h = 10^{-6}$.

    ## Training: the three activations from the same start

    The same weights, the same sample, the same learning rate $\\eta = 0.5$; only the hidden
    activation changes. $E$ after 0, 1, 10, 100 and 1000 updates:
    """),
    code("""
    from backprop_tutor.output.figures import plot_learning_curves
    from backprop_tutor.teaching.experiments import learning_curves

    curves = learning_curves(network, updates=1000)
    print(f"{'updates':>8}" + "".join(f"{a:>14}" for a in curves))
    for k in (0, 1, 10, 100, 1000):
        print(f"{k:>8}" + "".join(f"{curves[a][k]:>14.6g}" for a in curves))
    """),
    code("""
    plot_learning_curves(curves)
    """),
    md("""
    All three learn this single sample; tanh and ReLU start a little lower and fall faster. With
    sigmoid hidden units the gradient that reaches $W_1$ is damped twice, by
    $\\sigma'(\\mathrm{net}_o) \\le 1/4$ at the output and again by $\\sigma'(\\mathrm{net}_h) \\le 1/4$;
    tanh's derivative goes up to 1, and ReLU's is exactly 1 where the unit is active.
    ReLU's unit $h_2$ is inactive from the start ($\\mathrm{net}_{h2} = -0.1$): its input weights and
    bias get no gradient, so with this one sample it never comes back — a "dead" unit. The
    network learns with $h_1$ alone.

    ## The learning rate

    Each run below starts from the same weights and makes 100 updates; only $\\eta$ changes, from
    $10^{-3}$ to $10^{3}$.
    """),
    code("""
    from backprop_tutor.output.figures import plot_learning_rate_effect
    from backprop_tutor.teaching.experiments import learning_rate_sweep

    sweep = learning_rate_sweep(network)
    plot_learning_rate_effect(sweep)
    """),
    md(r"""
    - **Too small** (left): each step is tiny, and after 100 updates $E$ has hardly moved from
      where it started (the dashed lines).
    - **Larger**: $E$ falls faster and faster. With a single training sample the network can fit
      it exactly, so very large rates still work for a while — do not expect that on real data.
    - **Too large** (right): the first steps throw $\mathrm{net}_o$ far out, where the sigmoid is
      flat. Its derivative is then about 0, so is $\delta_{o1}$, and learning stops with
      $\mathrm{out}_{o1} \approx 1$ and $E \approx \tfrac12 (0.9 - 1)^2 = 0.005$.
    """),
    md("""
    ### Try it yourself

    Change the activation, the learning rate or the number of updates and run the cell again.
    """),
    code("""
    activation, learning_rate, updates = "tanh", 2.0, 200

    model = bt.NumpyNetwork.from_network(network.with_options(hidden_activation=activation))
    losses = model.train(network.inputs, network.targets, learning_rate, updates)
    print(f"E = {losses[0]:.6g} before, {model.loss_value(network.inputs, network.targets):.6g} after {updates} updates")
    plot_learning_curves({activation: losses}, title=f"hidden {activation}, learning rate {learning_rate}")
    """),
    md("""
    ## The activations and what they cost

    The three activations and their derivatives, then their cost measured with NumPy on this
    machine: per element of f and of f′ (taken from the stored output), and per training step of
    a 64-256-256-10 network (the numbers change from machine to machine).
    """),
    code("""
    from backprop_tutor.output.figures import plot_activations

    plot_activations()
    """),
    code("""
    from backprop_tutor.output.reports.cost import cost_text
    from backprop_tutor.teaching.activation_cost import measure

    print(cost_text(measure(size=200_000, repeats=5, epochs=0)))
    """),
]


# ---------------------------------------------------------------- Problem 4

PROBLEM4 = [
    md(r"""
    # Problem 4 — The same network in Keras (TensorFlow 2)

    **Your task.**

    1. Build the network of Problem 2 (sigmoid hidden units) in Keras with the weights and biases
       of the file, train it with plain SGD ($\eta = 0.5$) and Keras' built-in mean squared error
       for one update, and compare the new weights with your numbers of Problem 2.
    2. Do it again starting from random weights (fix the seed so that you can repeat it), for one
       and for several updates, and compare with your NumPy network of Problem 3 started from the
       same weights.
    3. Keras' `MeanSquaredError` is $E = \frac1K \sum_k (t_k - \mathrm{out}_k)^2$, the mean over
       the $K$ outputs; the tutorial's loss is $E = \tfrac12 \sum_k (t_k - \mathrm{out}_k)^2$.
       Explain why, with the same learning rate, Keras' loss falls faster, and by how much its
       steps differ for this network.

    Keras keeps the weights of a `Dense` layer the other way round from our matrices: its
    kernel has shape (inputs × units), so `kernel = W.T`.
    """),
    code("""
    %matplotlib inline
    import numpy as np

    import backprop_tutor as bt

    network = bt.load_network(bt.DEFAULT_NETWORK)   # sigmoid hidden and output units
    x, t = np.array([network.inputs]), np.array([network.targets])   # a batch of one sample
    print("x =", x.tolist(), " t =", t.tolist(), " learning rate =", network.learning_rate)
    """),
    md("""
    ## Your work

    Write `build_my_model` (it raises `NotImplementedError` until you do); the cell after it
    trains your model for one update and prints the new weights. Write down, before you run
    anything, what you expect $w_5$ to be after one Keras update.
    """),
    code('''
    def build_my_model(network):
        """A compiled keras.Sequential with the network's weights, SGD and Keras' MSE."""
        raise NotImplementedError("build your Keras model here")


    my_prediction_w5 = None   # your prediction of w5 after one Keras update, e.g. 0.72
    '''),
    code("""
    try:
        my_model = build_my_model(network)
    except NotImplementedError as error:
        print("Not written yet:", error)
    else:
        print("loss before the update:", float(my_model.train_on_batch(x, t)))
        for layer in my_model.layers:
            print(layer.name, "W =", layer.kernel.numpy().T.tolist(), "b =", layer.bias.numpy().tolist())
    """),
    md("""
    **Your explanation of the loss conventions** (double-click to edit): …
    """),
    md("""
    ---
    # Solution

    ## Keras with the file's weights

    Keras computes in float32 unless told otherwise; in float64 it agrees with the NumPy network
    to the last digit. `keras_precision("float64")` sets that for the `with` block and restores
    it afterwards.
    """),
    code("""
    from backprop_tutor.networks.keras_network import import_keras, keras_precision

    keras = import_keras()   # TensorFlow's Keras, without its start-up messages

    with keras_precision("float64"):
        model = keras.Sequential([keras.Input(shape=(2,)),
                                  keras.layers.Dense(2, activation="sigmoid"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        for dense, layer in zip(model.layers, network.layers):
            dense.set_weights([np.array(layer.weights).T, np.array(layer.biases)])   # kernel = W.T
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=network.learning_rate), loss="mse")
        loss_before = float(model.train_on_batch(x, t))   # the loss of the forward pass, then one update
    """),
    code("""
    keras_w = np.concatenate([dense.kernel.numpy().T.ravel() for dense in model.layers])
    keras_after = dict(zip([f"w{k}" for k in range(1, 7)], keras_w))
    tutorial = bt.solve(network)                             # Problem 2: E = 1/2 sum (t - out)^2
    as_keras = bt.solve(network.with_options(loss="mse"))    # the same step with E = mean (t - out)^2
    print(f"Keras' loss before the update: {loss_before:.6f}")
    print(f"{'':>4}{'Keras':>12}{'Problem 2':>12}{'mse worked':>12}")
    for name, value in keras_after.items():
        print(f"{name:>4}{value:>12.6f}{tutorial[name + '_new']:>12.6f}{as_keras[name + '_new']:>12.6f}")
    if my_prediction_w5 is not None:
        print(f"\\nYour prediction w5 = {my_prediction_w5}; Keras: {keras_after['w5']:.6f}")
    """),
    md(r"""
    Keras does **not** reproduce Problem 2: its weights move further. It agrees instead with the
    same step worked by hand with $E = \text{mean}\,(t - \mathrm{out})^2$ (`loss="mse"`, last
    column). Its loss before the update, 0.087582, is also twice the tutorial's 0.043791.

    ## Why: the factor 2/K

    With $K$ outputs and one sample,

    $$E_\text{Keras} = \frac1K \sum_k (t_k - \mathrm{out}_k)^2 = \frac2K\, E_\text{tutorial},
      \qquad \frac{\partial E_\text{Keras}}{\partial \mathrm{out}_k} = \frac2K(\mathrm{out}_k - t_k)
      = \frac2K \frac{\partial E_\text{tutorial}}{\partial \mathrm{out}_k}$$

    Every delta and every gradient is proportional to $\partial E/\partial \mathrm{out}$, so all
    of them are $2/K$ times the tutorial's. SGD with the same $\eta$ then takes steps $2/K$ times
    as long. Here $K = 1$: Keras' steps are **twice** as long, as with the tutorial's loss and
    $\eta = 1$. (With $K = 2$ outputs the two conventions are the same loss; with $K > 2$
    Keras' steps are the shorter ones.)

    This network's numbers:
    """),
    code("""
    from backprop_tutor.output.notation import format_number

    K = len(network.targets)
    print(f"K = {K} output unit(s), 2/K = {2 / K:g}")
    print(f"{'':<10}{'tutorial':>12}{'Keras MSE':>12}{'ratio':>8}")
    for name in ("E", "delta_o1", "delta_h1", "dE_dw5", "dE_dw1"):
        print(f"{name:<10}{format_number(tutorial[name]):>12}{format_number(as_keras[name]):>12}"
              f"{as_keras[name] / tutorial[name]:>8.4f}")
    for name in ("w5", "w1"):
        step_t, step_k = tutorial[name + "_new"] - tutorial[name], as_keras[name + "_new"] - as_keras[name]
        print(f"{name + ' step':<10}{format_number(step_t):>12}{format_number(step_k):>12}{step_k / step_t:>8.4f}")
    """),
    md("""
    ## The loss falls faster

    The package's `compare_with_numpy` builds the Keras model in the same way, trains it, and
    trains the NumPy network of Problem 3 side by side from the same start. Below, 50 updates with
    each convention; to compare like with like, every curve is shown as the tutorial's loss
    ($E_\\text{tutorial} = \\frac K2 E_\\text{Keras}$). Keras' MSE with $\\eta = 0.25$ takes exactly
    the tutorial's steps with $\\eta = 0.5$.
    """),
    code("""
    from backprop_tutor.networks.keras_network import compare_with_numpy
    from backprop_tutor.output.reports.keras import comparison_text

    runs = {
        "tutorial loss, η = 0.5": compare_with_numpy(network, loss="tutorial", steps=50),
        "Keras MSE, η = 0.5": compare_with_numpy(network, loss="keras-mse", steps=50),
        "Keras MSE, η = 0.25": compare_with_numpy(network.with_options(learning_rate=0.25),
                                                  loss="keras-mse", steps=50),
    }
    as_tutorial = {label: np.array(run.keras_loss) * (K / 2 if run.loss_convention == "keras-mse" else 1)
                   for label, run in runs.items()}
    for label, losses in as_tutorial.items():
        print(f"{label:<24} E_tutorial after 1 update: {losses[1]:.6f}   after 49: {losses[-1]:.6f}   "
              f"max |Keras - NumPy| = {runs[label].max_abs_diff:.1e}")
    """),
    code("""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for (label, losses), style in zip(as_tutorial.items(), ("-", "-", ":")):
        ax.plot(losses, style, linewidth=2.5, label=label)
    ax.set(yscale="log", xlabel="updates", ylabel="tutorial loss ½Σ(t − out)²",
           title="The same network, two loss conventions")
    ax.legend();
    """),
    md("""
    The full comparison for one update with Keras' MSE: Keras and NumPy agree to rounding, and
    the loss-convention summary gives the pairs of learning rates that take the same step.
    """),
    code("""
    print(comparison_text(compare_with_numpy(network, loss="keras-mse", steps=1)))
    """),
    md("""
    ## Random weights, several updates

    With a seed, Keras starts from its default initialisation: Glorot-uniform kernels and zero
    biases. The NumPy network starts from the very same weights (read back from Keras) and the
    two are trained side by side, here with the tutorial's loss, for 10 updates.
    """),
    code("""
    random_start = compare_with_numpy(network, loss="tutorial", steps=10, seed=42)
    print(comparison_text(random_start))
    """),
    md("""
    In float32, Keras' default, the two agree to about 7 significant digits only:
    """),
    code("""
    for precision in ("float64", "float32"):
        run = compare_with_numpy(network, loss="tutorial", steps=10, seed=42, precision=precision)
        print(f"{precision}: max |Keras - NumPy| after 10 updates = {run.max_abs_diff:.1e}")
    """),
]


NOTEBOOKS = {
    "problem1_derivation.ipynb": PROBLEM1,
    "problem2_single_update.ipynb": PROBLEM2,
    "problem3_numpy.ipynb": PROBLEM3,
    "problem4_keras.ipynb": PROBLEM4,
}


def build(name: str, cells) -> nbformat.NotebookNode:
    """A notebook of ``cells`` with numbered cell ids ("p2-07") and no outputs."""
    notebook = new_notebook(metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    prefix = "p" + name.removeprefix("problem")[0]
    for number, (kind, source) in enumerate(cells, start=1):
        cell = new_markdown_cell(source) if kind == "markdown" else new_code_cell(source)
        cell.id = f"{prefix}-{number:02d}"
        notebook.cells.append(cell)
    nbformat.validate(notebook)
    return notebook


def rendered() -> dict[Path, str]:
    """Each notebook's path and the exact text of its file."""
    return {HERE / name: nbformat.writes(build(name, cells)) + "\n"
            for name, cells in NOTEBOOKS.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a notebook file differs from what this builds")
    args = parser.parse_args(argv)
    stale = []
    for path, text in rendered().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {path.name}")
    if args.check and stale:
        print("out of date (run python notebooks/build_notebooks.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
