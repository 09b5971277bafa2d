"""Problem 1, the symbolic derivation, against results obtained elsewhere.

* The NumPy network (matrix form, numpy_network.py) gives the gradients at
  random points; the JSON expressions, read back by sympy.sympify, must agree.
* Closed forms written out by hand below with SymPy, e.g. the sigmoid/sigmoid
  dE/dw5 of a 2-2-1 network.
* Matt Mazur's published gradients of his 2-2-2 example.
* Big networks (2-4-4-4-4-4-1, 10-10-2): the proof's exact values against the
  NumPy network; a saturated sigmoid against closed forms in mpmath at 1,000
  digits.
"""

import dataclasses
import itertools
import json
import re
import subprocess
import sys
from functools import cache

import mpmath
import numpy as np
import pytest
import sympy

from backprop_tutor.core import names
from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network, network_from_dict
from backprop_tutor.core.worksheet import Definition, definitions
from backprop_tutor.networks.numpy_network import NumpyNetwork
from backprop_tutor.output.reports.derivation import render_derivation
from backprop_tutor.symbolic import proof as proof_module
from backprop_tutor.symbolic import reading as symbolic
from backprop_tutor.symbolic.derivation import derivation_json, derive, prove
from backprop_tutor.symbolic.proof import random_points
from backprop_tutor.symbolic.reading import SymbolicWorksheet, zero_by

ONE_OUTPUT = DEFAULT_NETWORK                  # 2-2-1
TWO_OUTPUTS = EXAMPLES / "two_outputs_mse.toml"  # 2-2-2
PAIRS = [("sigmoid", "sigmoid"), ("tanh", "sigmoid"), ("relu", "sigmoid"),
         ("sigmoid", "linear"), ("sigmoid", "tanh")]

# Symbols and the sigmoid, written out by hand for the closed forms.
i1, i2, t1, w1, w2, w3, w4, w5, w6, b_h1, b_h2, b_o1 = sympy.symbols(
    "i1 i2 t1 w1 w2 w3 w4 w5 w6 b_h1 b_h2 b_o1")
NET_H1, NET_H2 = w1 * i1 + w2 * i2 + b_h1, w3 * i1 + w4 * i2 + b_h2


def s(x):
    return 1 / (1 + sympy.exp(-x))


def relu(x):
    return sympy.Max(0, x)


@cache
def derived(path, hidden=None, output=None, loss=None) -> dict:
    """The JSON of a derivation (each one derived once for all tests)."""
    network = load_network(path).with_options(hidden_activation=hidden,
                                              output_activation=output, loss=loss)
    return derivation_json(derive(network))


def parsed(document: dict, name: str):
    return sympy.sympify(document["gradients"][name])


def numpy_gradients(network, x, t) -> dict[str, float]:
    """dE/dw and dE/db by name, from the NumPy network's matrices."""
    weight_grads, bias_grads = NumpyNetwork.from_network(network).gradients([x], [t])
    result = {}
    for dW, db, layer_names, units, layer in zip(weight_grads, bias_grads,
                                                  names.weight_names(network.sizes),
                                                  names.unit_names(network.sizes)[1:],
                                                  network.layers, strict=True):
        result.update({f"dE_d{n}": dW[r, c] for r, row in enumerate(layer_names)
                       for c, n in enumerate(row)})
        if layer.biases is not None:
            result.update({f"dE_db_{u}": db[r] for r, u in enumerate(units)})
    return result


def random_point(network, rng):
    """A network with random weights, biases, inputs and targets, no relu unit at its kink."""
    while True:
        values = {n: rng.uniform(-1, 1) for n in network.parameters()}
        point = dataclasses.replace(network.with_parameters(values),
                                    inputs=tuple(rng.uniform(-1, 1, len(network.inputs))),
                                    targets=tuple(rng.uniform(0, 1, len(network.targets))))
        nets, _ = NumpyNetwork.from_network(point).forward([point.inputs])
        if all(np.abs(net).min() > 1e-3 for net in nets):
            return point


def substitution(point) -> dict:
    inputs = dict(zip(names.unit_names(point.sizes)[0], point.inputs, strict=True))
    targets = dict(zip(names.target_names(len(point.targets)), point.targets, strict=True))
    return {sympy.Symbol(n): sympy.Float(v, 30)
            for n, v in {**inputs, **targets, **point.parameters()}.items()}


def assert_matches_numpy(path, hidden=None, output=None, loss=None, points=3):
    network = load_network(path).with_options(hidden_activation=hidden,
                                              output_activation=output, loss=loss)
    document = derived(path, hidden, output, loss)
    gradients = {name: sympy.sympify(text) for name, text in document["gradients"].items()}
    rng = np.random.default_rng(2024)
    for _ in range(points):
        point = random_point(network, rng)
        expected = numpy_gradients(point, point.inputs, point.targets)
        assert set(gradients) == set(expected)
        values = substitution(point)
        for name, value in expected.items():
            got = float(gradients[name].xreplace(values))
            assert got == pytest.approx(value, rel=1e-10, abs=1e-12), (name, point)


# ---------------------------------------------------------------- against the NumPy network

@pytest.mark.parametrize("loss", ["half_sse", "mse"])
@pytest.mark.parametrize("path", [ONE_OUTPUT, TWO_OUTPUTS], ids=["one output", "two outputs"])
@pytest.mark.parametrize("hidden, output", PAIRS)
def test_json_gradients_equal_numpy_at_random_points(path, hidden, output, loss):
    assert_matches_numpy(path, hidden, output, loss)


@pytest.mark.parametrize("path", [EXAMPLES / "deep.toml", EXAMPLES / "no_biases.toml"],
                         ids=["two hidden layers", "no biases"])
def test_other_shapes_equal_numpy_at_random_points(path):
    assert_matches_numpy(path)


def test_no_biases_no_bias_gradients():
    assert not any(name.startswith("dE_db") for name in derived(EXAMPLES / "no_biases.toml")["gradients"])


# ---------------------------------------------------------------- closed forms by hand

def test_sigmoid_output_weight_closed_form():
    out_o1 = s(w5 * s(NET_H1) + w6 * s(NET_H2) + b_o1)
    by_hand = (out_o1 - t1) * out_o1 * (1 - out_o1) * s(NET_H1)
    assert sympy.simplify(parsed(derived(ONE_OUTPUT), "dE_dw5") - by_hand) == 0


def test_sigmoid_hidden_weight_and_bias_closed_forms():
    out_o1 = s(w5 * s(NET_H1) + w6 * s(NET_H2) + b_o1)
    delta_o1 = (out_o1 - t1) * out_o1 * (1 - out_o1)
    document = derived(ONE_OUTPUT)
    by_hand = {"dE_dw1": w5 * delta_o1 * s(NET_H1) * (1 - s(NET_H1)) * i1,
               "dE_db_h2": w6 * delta_o1 * s(NET_H2) * (1 - s(NET_H2))}
    for name, expected in by_hand.items():
        assert sympy.simplify(parsed(document, name) - expected) == 0, name


def test_relu_hidden_weight_closed_form():
    out_o1 = s(w5 * relu(NET_H1) + w6 * relu(NET_H2) + b_o1)
    by_hand = (out_o1 - t1) * out_o1 * (1 - out_o1) * w5 * sympy.Heaviside(NET_H1, 0) * i1
    assert sympy.simplify(parsed(derived(ONE_OUTPUT, "relu"), "dE_dw1") - by_hand) == 0


def test_linear_output_with_keras_mse_closed_form():
    # One output: Keras' E = (t - out)^2, so dE/dout = 2 (out - t).
    net_o1 = w5 * s(NET_H1) + w6 * s(NET_H2) + b_o1
    by_hand = 2 * (net_o1 - t1) * s(NET_H1)
    assert sympy.simplify(parsed(derived(ONE_OUTPUT, None, "linear", "mse"), "dE_dw5") - by_hand) == 0


def test_tanh_output_bias_closed_form():
    out_o1 = sympy.tanh(w5 * s(NET_H1) + w6 * s(NET_H2) + b_o1)
    by_hand = (out_o1 - t1) * (1 - out_o1**2)
    assert sympy.simplify(parsed(derived(ONE_OUTPUT, None, "tanh"), "dE_db_o1") - by_hand) == 0


def test_delta_form_is_the_textbook_one():
    delta_form = derived(EXAMPLES / "mazur.toml")["delta_form"]
    out_o1, out_h1, delta_o1, delta_o2, delta_h1, w7 = sympy.symbols(
        "out_o1 out_h1 delta_o1 delta_o2 delta_h1 w7")
    expected = {"delta_o1": (out_o1 - t1) * out_o1 * (1 - out_o1),
                "delta_h1": (w5 * delta_o1 + w7 * delta_o2) * out_h1 * (1 - out_h1),
                "dE_dw5": delta_o1 * out_h1, "dE_dw1": delta_h1 * i1}
    for name, value in expected.items():
        assert sympy.expand(sympy.sympify(delta_form[name]) - value) == 0, name


def test_mazur_published_gradients():
    document = derived(EXAMPLES / "mazur.toml")
    network = load_network(EXAMPLES / "mazur.toml")
    values = substitution(network)
    # "A Step by Step Backpropagation Example": dE/dw5 = 0.082167041, dE/dw1 = 0.000438568.
    assert float(parsed(document, "dE_dw5").xreplace(values)) == pytest.approx(0.082167041, abs=1e-9)
    assert float(parsed(document, "dE_dw1").xreplace(values)) == pytest.approx(0.000438568, abs=1e-9)


def test_expressions_use_only_the_primitive_symbols():
    document = derived(EXAMPLES / "mazur.toml", "relu")
    primitive = {sympy.Symbol(n) for kind in document["symbols"].values() for n in kind}
    for text in [document["E"], *document["gradients"].values()]:
        expr = sympy.sympify(text)
        assert expr.free_symbols <= primitive
        # relu and its derivative read back as SymPy's own functions
        assert not any(isinstance(f, sympy.core.function.AppliedUndef) for f in expr.atoms(sympy.Function))
    assert sympy.sympify(document["gradients"]["dE_dw1"]).has(sympy.Heaviside, sympy.Max)


# ---------------------------------------------------------------- the proof

def test_every_difference_is_zero_and_matches_the_worksheet():
    for document in [derived(EXAMPLES / "mazur.toml"), derived(EXAMPLES / "deep.toml"),
                     derived(TWO_OUTPUTS, "relu", "tanh", "half_sse")]:
        proof = document["proof"]
        assert proof["proven"]
        assert set(proof["gradients"]) == set(document["gradients"])
        for name, check in proof["gradients"].items():
            assert check["difference"] == "0" and check["holds"], name
            assert check["value"] == pytest.approx(check["worksheet"], rel=1e-12, abs=1e-15)


def test_a_wrong_gradient_is_not_proven(monkeypatch):
    def wrong_steps(network):
        return [Definition(s.section, s.name, "delta_h1 * i2" if s.name == "dE_dw1" else s.formula)
                for s in definitions(network)]
    monkeypatch.setattr(symbolic, "definitions", wrong_steps)
    proofs = {p.gradient: p for p in prove(SymbolicWorksheet.of(load_network(DEFAULT_NETWORK)))}
    assert not proofs["dE_dw1"].holds and proofs["dE_dw1"].difference != "0"
    assert proofs["dE_dw2"].holds


def test_zero_by_falls_back_to_simplify_and_refuses_what_is_not_zero():
    x, y = sympy.symbols("x y")
    assert zero_by(sympy.exp(x) * sympy.exp(y) - sympy.exp(x + y)) == "simplify"
    assert zero_by(sympy.exp(x) - x) is None


# ---------------------------------------------------------------- the command

def test_default_is_the_tutorials_problem_1(run):
    status, out, err = run("derive")
    assert (status, err) == (0, "")
    assert "Tutorial network (2-2-1)" in out and "hidden sigmoid, output sigmoid, loss half_sse" in out
    for line in ["σ′(x)     = exp(−x)/(1 + exp(−x))²",
                 "= σ(x) · (1 − σ(x))",
                 "∂E/∂w5 = (out_o1 − t1) · out_o1 · (1 − out_o1) · out_h1",
                 "= delta_o1 · out_h1",
                 "delta_h1 = w5 · delta_o1 · out_h1 · (1 − out_h1)",
                 "delta_h  = f′(net_h) · Σ_u w_uh · delta_u",
                 "All 9 gradients proven"]:
        assert line in out, line


def test_text_proof_lines_show_what_the_chain_rule_gave(run):
    status, out, _ = run("derive", str(EXAMPLES / "mazur.toml"))
    assert status == 0
    rows = [re.split(r"  +", line.strip()) for line in out.splitlines()
            if line.startswith("  ∂E/∂") and line.endswith("yes")]
    # By the naming contract: w1 i1→h1, w2 i2→h1, w3 i1→h2, w4 i2→h2, w5 h1→o1, w6 h2→o1,
    # w7 h1→o2, w8 h2→o2; dE/dw = delta of the unit fed times what the weight multiplies.
    assert {row[0]: row[1] for row in rows} == {
        "∂E/∂w1": "delta_h1 · i1", "∂E/∂w2": "delta_h1 · i2", "∂E/∂w3": "delta_h2 · i1",
        "∂E/∂w4": "delta_h2 · i2", "∂E/∂w5": "delta_o1 · out_h1", "∂E/∂w6": "delta_o1 · out_h2",
        "∂E/∂w7": "delta_o2 · out_h1", "∂E/∂w8": "delta_o2 · out_h2", "∂E/∂b_h1": "delta_h1",
        "∂E/∂b_h2": "delta_h2", "∂E/∂b_o1": "delta_o1", "∂E/∂b_o2": "delta_o2"}
    assert all(row[2] == row[3] for row in rows)
    assert "0.082167040564" in out  # Mazur's dE/dw5


@pytest.mark.parametrize("output_format", ["markdown", "latex"])
def test_markdown_and_latex_are_balanced_math(run, output_format):
    status, out, err = run("derive", str(TWO_OUTPUTS), "--hidden-activation", "relu",
                           "--format", output_format)
    assert (status, err) == (0, "")
    environment = "aligned" if output_format == "markdown" else "align*"
    assert out.count(rf"\begin{{{environment}}}") == out.count(rf"\end{{{environment}}}") > 5
    assert out.count("{") == out.count("}")
    assert out.count(r"\left") == out.count(r"\right")
    assert r"\frac{\partial E}{\partial w_{5}}" in out and r"\delta_{h1}" in out
    if output_format == "markdown":
        assert out.count("$$") % 2 == 0
        assert "| $\\frac{\\partial E}{\\partial w_{1}}$ | $\\delta_{h1} \\cdot i_{1}$ |" in out
    else:
        assert r"\begin{tabular}" in out and "half\\_sse" not in out and "mse" in out


def test_json_format_and_options(run):
    status, out, err = run("derive", str(ONE_OUTPUT), "--hidden-activation", "tanh",
                           "--output-activation", "linear", "--loss", "mse", "--format", "json")
    assert (status, err) == (0, "")
    document = json.loads(out)
    assert document["activations"] == ["tanh", "linear"] and document["loss"] == "mse"
    assert document["proof"]["proven"]
    assert document["symbols"]["biases"] == ["b_h1", "b_h2", "b_o1"]
    assert document["definitions"]["out_h1"] == "tanh(net_h1)"
    assert sympy.sympify(document["delta_form"]["delta_o1"]) == sympy.sympify("2*(out_o1 - t1)")


def test_bad_file_is_one_line_and_status_2(run, tmp_path):
    status, out, err = run("derive", str(tmp_path / "missing.toml"))
    assert (status, out) == (2, "") and err.count("\n") == 1 and "missing.toml" in err


def test_without_sympy_says_how_to_install_it(run, monkeypatch):
    monkeypatch.setitem(sys.modules, "sympy", None)
    status, out, err = run("derive")
    assert (status, out) == (2, "")
    assert err == ("backprop-tutor: error: SymPy is not installed; "
                   "install it with: pip install 'backprop-tutor[derive]'\n")


def test_the_command_line_does_not_import_sympy():
    code = "import sys, backprop_tutor.cli; print('sympy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "False\n"


# ---------------------------------------------------------------- big networks, extreme numbers

def random_network(sizes: list[int], seed: int):
    """A sigmoid network of these sizes with seeded weights, biases, inputs and targets."""
    rng = np.random.default_rng(seed)
    layers = [{"activation": "sigmoid", "weights": rng.uniform(-1, 1, (n_out, n_in)).tolist(),
               "biases": rng.uniform(-1, 1, n_out).tolist()} for n_in, n_out in itertools.pairwise(sizes)]
    return network_from_dict({"inputs": rng.uniform(-1, 1, sizes[0]).tolist(),
                              "targets": rng.uniform(0, 1, sizes[-1]).tolist(),
                              "learning_rate": 0.5, "layers": layers})


@pytest.mark.parametrize("sizes", [[2, 4, 4, 4, 4, 4, 1], [10, 10, 2]], ids=["five hidden layers", "10-10-2"])
def test_big_networks_are_proven_and_equal_numpy(sizes):
    network = random_network(sizes, seed=len(sizes))
    derivation = derive(network)
    document = derivation_json(derivation)
    assert document["proof"]["proven"] and all(c["holds"] for c in document["proof"]["random_points"])
    expected = numpy_gradients(network, network.inputs, network.targets)
    assert set(document["proof"]["gradients"]) == set(expected)
    for name, check in document["proof"]["gradients"].items():
        assert check["difference"] == "0" and check["chain_rule"] and check["holds"], name
        assert check["value"] == pytest.approx(expected[name], rel=1e-10, abs=1e-15), name
    # Above 40 weights and biases: not written out, one representative weight per layer.
    assert document["E"] is None and document["gradients"] is None and not document["every_weight"]
    text = render_derivation(derivation, "text")
    assert "Shown for one unit and one weight per layer" in text
    assert f"All {len(expected)} gradients proven." in text
    rows = [line.split()[0] for line in text.splitlines() if line.startswith("  ∂E/∂") and "yes" in line]
    assert rows == [f"∂E/∂{layer[0][0]}" for layer in names.weight_names(sizes)]


def test_every_weight_can_be_chosen():
    network = load_network(EXAMPLES / "mazur.toml")
    text = " ".join(render_derivation(derive(network, every_weight=False), "text").split())
    assert "Shown for one unit and one weight per layer: 4 of 8 rows;" in text  # net, out
    assert text.count("Shown for one unit and one weight per layer: 3 of 8 rows;") == 2  # delta, w, b
    assert "∂E/∂w2 delta_h1" not in text and "∂E/∂w5 delta_o1 · out_h1" in text
    assert "All 12 gradients proven." in text


SATURATED = """
    learning_rate = 0.5
    inputs = [1.0, 2.0]
    targets = [0.5]

    [[layers]]
    activation = "sigmoid"
    weights = [[1000.0, 0.5], [-0.3, 0.2]]
    biases = [0.0, 0.1]

    [[layers]]
    activation = "sigmoid"
    weights = [[700.0, -400.0]]
    biases = [0.2]
"""


def test_a_saturated_sigmoid_is_proven_with_its_exact_values(run, network_file):
    # net_h1 = 1001 and net_o1 ≈ 480: both sigmoids are 1.0 in floating point, so the worked
    # solution's deltas are 0; the exact gradients are about 1e-641 (w1) and 1e-207 (w3).
    status, out, err = run("derive", str(network_file(SATURATED)), "--format", "json")
    assert (status, err) == (0, "")
    proof = json.loads(out)["proof"]
    assert proof["proven"] and proof["digits"] >= 480
    with mpmath.workdps(1000):
        def sigmoid_slope(x):  # σ'(x) = e^-x / (1 + e^-x)², no cancellation
            return mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2
        out_h2 = 1 / (1 + mpmath.exp(-mpmath.mpf("0.2")))
        net_o1 = 700 / (1 + mpmath.exp(-1001)) - 400 * out_h2 + mpmath.mpf("0.2")
        delta_o1 = (1 / (1 + mpmath.exp(-net_o1)) - mpmath.mpf("0.5")) * sigmoid_slope(net_o1)
        expected = {"dE_dw1": 700 * delta_o1 * sigmoid_slope(1001),
                    "dE_dw3": -400 * delta_o1 * sigmoid_slope(mpmath.mpf("0.2")),
                    "dE_db_o1": delta_o1}
        for name, value in expected.items():
            check = proof["gradients"][name]
            assert check["worksheet"] == 0 and check["holds"], name
            assert abs(mpmath.mpf(check["exact"]) / value - 1) < 1e-11, name
        written = mpmath.nstr(expected["dE_dw1"], 12)  # 1.73...e-641: scientific notation
    status, text, _ = run("derive", str(network_file(SATURATED)))
    assert "lost digits to rounding" in " ".join(text.split()) and written in text
    assert not re.search(r"\d{20}", text)  # no number written out in hundreds of digits


def test_a_value_too_small_to_resolve_is_bounded(network_file):
    # net_h1 = 100001: the exact dE/dw1 is about e^-100001, beyond 480 digits.
    network = load_network(network_file(SATURATED.replace("1000.0", "100000.0")))
    check = next(p for p in prove(SymbolicWorksheet.of(network)) if p.gradient == "dE_dw1")
    assert check.holds and check.worksheet == 0 and check.exact.startswith("0 ± ")
    assert mpmath.mpf(check.exact.split("±")[1]) < mpmath.mpf("1e-400")


def wrong(formulas: dict):
    """The worksheet's steps with some formulas replaced, as a slip in the code would."""
    def wrong_steps(network):
        return [Definition(s.section, s.name, formulas.get(s.name, s.formula)) for s in definitions(network)]
    return wrong_steps


def test_a_wrong_delta_fails_every_gradient_that_relies_on_it(monkeypatch):
    monkeypatch.setattr(symbolic, "definitions", wrong({"delta_h1": "w5 * delta_o1 * out_h1"}))
    sheet = SymbolicWorksheet.of(load_network(DEFAULT_NETWORK))
    proofs = prove(sheet)
    assert {p.gradient for p in proofs if not p.holds} == {"dE_dw1", "dE_dw2", "dE_db_h1"}
    assert all(p.identity.difference == "0" for p in proofs)  # their own steps hold, delta_h1's not
    assert not any(c.holds for c in random_points(sheet))  # and the random points see it too


def test_a_wrong_gradient_fails_the_command(run, monkeypatch):
    monkeypatch.setattr(symbolic, "definitions", wrong({"dE_dw2": "delta_h1 * i1"}))
    status, out, err = run("derive")
    assert (status, err) == (1, "")
    assert "NOT proven: dE_dw2; the gradient at random point 1, 2, 3 disagrees" in " ".join(out.split())


def test_a_weight_read_by_two_nets_breaks_the_proof(monkeypatch):
    monkeypatch.setattr(symbolic, "definitions", wrong({"net_h2": "w3 * i1 + w4 * i2 + b_h2 + w1 * i1"}))
    proofs = {p.gradient: p for p in prove(SymbolicWorksheet.of(load_network(DEFAULT_NETWORK)))}
    assert not proofs["dE_dw1"].holds
    assert proofs["dE_dw1"].difference == "w1 is read by ['net_h1', 'net_h2'], not by one net"


def test_a_worked_value_off_by_more_than_its_rounding_fails(monkeypatch):
    network = load_network(DEFAULT_NETWORK)
    worksheet = proof_module.solve(network)
    values = {**worksheet.values, "dE_dw5": worksheet.values["dE_dw5"] * (1 + 1e-9)}
    monkeypatch.setattr(proof_module, "solve", lambda _: dataclasses.replace(
        worksheet, quantities=[dataclasses.replace(q, value=values[q.name]) for q in worksheet.quantities]))
    proofs = {p.gradient: p for p in prove(SymbolicWorksheet.of(network))}
    assert proofs["dE_dw5"].chain_rule and not proofs["dE_dw5"].holds
    assert proofs["dE_dw5"].off > proofs["dE_dw5"].bound
    assert proofs["dE_dw6"].holds


def test_the_proofs_exact_values_are_mazurs():
    proofs = {p.gradient: p for p in derive(load_network(EXAMPLES / "mazur.toml")).proofs}
    # "A Step by Step Backpropagation Example": dE/dw5 = 0.082167041, dE/dw1 = 0.000438568.
    assert proofs["dE_dw5"].value == pytest.approx(0.082167041, abs=1e-9)
    assert proofs["dE_dw1"].value == pytest.approx(0.000438568, abs=1e-9)


# Every character LaTeX and Typst treat specially.
SPECIAL_TEXT = "Net_1 _x_ *y* #2 50% & $x$ ~ ^ {a} <b> @c \\ end"


def _titled(tmp_path, title):
    text = TWO_OUTPUTS.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("title"))
    path = tmp_path / "titled.toml"
    path.write_text(f"title = {json.dumps(title)}\n" + text, encoding="utf-8")
    return path


def test_latex_text_outside_maths_has_no_unescaped_special(run, tmp_path):
    """LaTeX without TeX: pylatexenc parses the output; in text mode (outside $…$ and the
    align*/tabular environments) no character that TeX would read as markup is left bare."""
    from pylatexenc.latexwalker import (
        LatexCharsNode,
        LatexEnvironmentNode,
        LatexGroupNode,
        LatexMacroNode,
        LatexMathNode,
        LatexWalker,
    )

    status, out, err = run("derive", str(_titled(tmp_path, SPECIAL_TEXT)), "--format", "latex")
    assert (status, err) == (0, "")
    nodes, _, _ = LatexWalker(out, tolerant_parsing=False).get_latex_nodes()
    bare = []

    def walk(nodes):
        for node in nodes or []:
            if isinstance(node, LatexCharsNode):
                bare.extend(c for c in node.chars if c in "_^#%&$~")
            elif isinstance(node, LatexGroupNode):
                walk(node.nodelist)
            elif isinstance(node, LatexMacroNode) and node.nodeargd:
                walk([a for a in node.nodeargd.argnlist if a is not None])
            elif isinstance(node, LatexEnvironmentNode) and node.environmentname == "tabular":
                walk([n for n in node.nodelist if not isinstance(n, LatexCharsNode)])  # & separates cells
            # LatexMathNode and the align* environment are maths: _ and ^ belong there.
    walk(nodes)
    assert not bare, bare
    assert not any(isinstance(n, LatexMathNode) and "Net" in n.latex_verbatim() for n in nodes)


def test_typst_output_compiles(run, tmp_path):
    """The Typst output compiles, and a title full of specials is printed as written."""
    import io

    import typst
    from pypdf import PdfReader

    status, out, err = run("derive", str(_titled(tmp_path, SPECIAL_TEXT)), "--format", "typst")
    assert (status, err) == (0, "")
    (tmp_path / "derivation.typ").write_text(out, encoding="utf-8")
    pdf = PdfReader(io.BytesIO(typst.compile(str(tmp_path / "derivation.typ"))))
    squeezed = "".join(pdf.pages[0].extract_text().split())   # the long heading may wrap
    assert "".join(SPECIAL_TEXT.split()) in squeezed
