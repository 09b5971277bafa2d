"""One registry per concept: the tables made elsewhere agree with it.

The NumPy network (numpy_network.py) stands alone and keeps its own small
tables of activations, losses and initialisers on arrays; here they are held
to the package's registries (core/activations.py, core/losses.py,
core/initialisers.py): the same names, and the same numbers on a grid.
The functions formulas call (sigmoid, tanh, relu, step) exist once per
arithmetic: floats, exact decimals (the keys), SymPy and mpmath (the proof),
and the page's float64 and decimals in JavaScript; each has exactly the
registry's names and agrees with the textbook definition.
"""

import ast
import inspect

import mpmath
import numpy as np
import pytest

from backprop_tutor.core.activations import ACTIVATIONS, FORMULA_FUNCTIONS
from backprop_tutor.core.initialisers import INITIALISERS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.worksheet import evaluate
from backprop_tutor.networks import numpy_network
from backprop_tutor.symbolic import exact, reading
from backprop_tutor.teaching import rounding

#: Weighted sums from -6 to 6, 0 among them (relu's kink, relu'(0) = 0).
GRID = np.linspace(-6.0, 6.0, 241)


def test_the_network_has_the_registrys_activations():
    assert list(numpy_network.ARRAY_ACTIVATIONS) == list(ACTIVATIONS)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_each_activation_and_its_derivative_agree_on_a_grid(name):
    """f(net) and f'(net) of the network's arrays = the worksheet's formulas on single numbers."""
    spec, array = ACTIVATIONS[name], numpy_network.ARRAY_ACTIVATIONS[name]
    outputs = [evaluate(spec.output_of("u"), {"net_u": net}) for net in GRID.tolist()]
    slopes = [evaluate(spec.derivative_of("u"), {"net_u": net, "out_u": out})
              for net, out in zip(GRID.tolist(), outputs, strict=True)]
    # NumPy's tanh and math's may differ in the last bit, an ulp of 1 (2.2e-16), which
    # sigmoid = (1 + tanh(x/2)) / 2 keeps as an absolute error where it is near 0.
    assert array.function(GRID).tolist() == pytest.approx(outputs, rel=1e-15, abs=2.3e-16)
    assert array.derivative(GRID).tolist() == pytest.approx(slopes, rel=1e-15, abs=2.3e-16)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_the_exact_arithmetic_reads_the_registrys_definitions(name):
    """The proof's mpmath functions and slopes, against mpmath's own derivative of the textbook f."""
    textbook = {"sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)), "tanh": mpmath.tanh,
                "relu": lambda x: max(mpmath.mpf(0), x), "linear": lambda x: x}[name]
    functions = exact._mp_functions()
    with mpmath.workdps(30):
        for x in (mpmath.mpf(-2.5), mpmath.mpf("0.3"), mpmath.mpf(4)):   # away from relu's kink
            value = functions[name](x)
            assert value == textbook(x)
            slope, rounding = exact._SLOPES[name](x, value)
            assert mpmath.almosteq(slope, mpmath.diff(textbook, x), 1e-20)
            assert rounding == (0 if name in ("relu", "linear") else 1)


def test_the_network_has_the_registrys_losses():
    assert list(numpy_network.ARRAY_LOSS_DIVISORS) == list(LOSSES)


@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("outputs", [1, 2, 5])
def test_each_loss_agrees_sample_by_sample(name, outputs):
    rng = np.random.default_rng(outputs)
    out, target = rng.uniform(0, 1, (7, outputs)), rng.uniform(0, 1, (7, outputs))
    per_sample = numpy_network.array_loss_per_sample(out, target, name)
    expected = [LOSSES[name].value(o, t) for o, t in zip(out.tolist(), target.tolist(), strict=True)]
    assert per_sample.tolist() == pytest.approx(expected, rel=1e-14)
    assert numpy_network.ARRAY_LOSS_DIVISORS[name](outputs) == LOSSES[name].divisor(outputs)


def test_the_network_draws_the_registrys_initialisers_by_their_formulas():
    """Same names in the same order; initial_weights' Formula block states each registry formula."""
    assert tuple(INITIALISERS) == numpy_network.INIT_NAMES
    documented = inspect.getdoc(numpy_network.initial_weights)
    for name, initialiser in INITIALISERS.items():
        assert f"{name:<15} {initialiser.formula}" in documented, name


# ---------------------------------------------------------------- the functions formulas call

#: Numbers at which every arithmetic's functions are compared: both signs, 0 (relu's and
#: step's kink), small and large |x|, past the saturation of σ and tanh in floats.
POINTS = ["-40", "-17.5", "-1.25", "-0.1", "0", "1e-9", "0.3", "0.65", "3.2", "25"]


#: sigmoid in floats is (1 + tanh(x/2)) / 2, the form that cannot overflow: an ulp of tanh
#: near ±1 (1.1e-16) stays as an absolute error where σ is near 0 (σ(−40) gives 0).
FLOAT_ABS = 2.3e-16


def _called(formula: str) -> set[str]:
    return {node.func.id for node in ast.walk(ast.parse(formula, mode="eval"))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}


def _textbook(name: str, x):
    """The function by its textbook definition, in mpmath (110 digits)."""
    return {"sigmoid": lambda: 1 / (1 + mpmath.exp(-x)), "tanh": lambda: mpmath.tanh(x),
            "relu": lambda: max(mpmath.mpf(0), x), "step": lambda: mpmath.mpf(x > 0)}[name]()


def test_the_formula_functions_are_those_the_registrys_formulas_call():
    called = set().union(*(_called(a.output_formula.format(net="n"))
                           | _called(a.derivative_formula.format(net="n", out="o"))
                           for a in ACTIVATIONS.values()))
    assert set(FORMULA_FUNCTIONS) == called == {"sigmoid", "tanh", "relu", "step"}


def test_every_python_arithmetic_has_the_formula_functions_and_agrees():
    """Floats, exact decimals (the keys' rounding), SymPy (the proof) and mpmath."""
    from decimal import Decimal

    import sympy

    sympy_functions = reading.sympy_functions()
    mp_functions = exact._mp_functions()
    assert set(rounding.FUNCTIONS) == set(sympy_functions) == set(FORMULA_FUNCTIONS)
    assert set(mp_functions) == set(FORMULA_FUNCTIONS) | set(ACTIVATIONS)   # loss_at: f by name
    with mpmath.workdps(130):
        for name in FORMULA_FUNCTIONS:
            for text in POINTS:
                x = mpmath.mpf(text)
                truth = _textbook(name, x)
                assert FORMULA_FUNCTIONS[name](float(text)) == pytest.approx(float(truth), rel=1e-15,
                                                                              abs=FLOAT_ABS)
                assert abs(mpmath.mpf(str(rounding.FUNCTIONS[name](Decimal(text)))) - truth) \
                    <= mpmath.mpf("1e-110") * max(1, abs(truth))
                assert abs(mpmath.mpf(str(sympy.N(sympy_functions[name](sympy.Rational(text)), 120)))
                           - truth) <= mpmath.mpf("1e-110") * max(1, abs(truth))
                assert abs(mp_functions[name](x) - truth) <= mpmath.mpf("1e-110") * max(1, abs(truth))


def test_the_pages_arithmetics_have_the_formula_functions_and_agree(browser):
    """formulas.js (float64, the page and the playground) and marking.js (exact decimals)."""
    from importlib.resources import files

    assets = files("backprop_tutor.output") / "page_assets"
    page = browser.new_page()
    page.set_content("<!doctype html><title>functions</title>")
    for script in ("formulas.js", "marking.js"):
        page.add_script_tag(content=(assets / script).read_text())
    names = page.evaluate("""() => [Object.keys(BackpropFormulas.FLOATS.functions),
                                    Object.keys(BackpropMarking.functions)]""")
    values = page.evaluate("""points => Object.fromEntries(
        Object.keys(BackpropMarking.functions).map(name => [name, points.map(x => {
            const d = BackpropMarking.functions[name](BackpropMarking.decimalOf(x));
            return [BackpropFormulas.FLOATS.functions[name](Number(x)), d.m.toString() + "e" + d.e];
        })]))""", POINTS)
    page.close()
    assert set(names[0]) == set(names[1]) == set(FORMULA_FUNCTIONS)
    with mpmath.workdps(130):
        for name, pairs in values.items():
            for text, (floating, decimal) in zip(POINTS, pairs, strict=True):
                truth = _textbook(name, mpmath.mpf(text))
                assert floating == pytest.approx(float(truth), rel=1e-15, abs=FLOAT_ABS), (name, text)
                assert abs(mpmath.mpf(decimal) - truth) <= mpmath.mpf("1e-110") * max(1, abs(truth))
