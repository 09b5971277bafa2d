"""One registry per concept: the tables made elsewhere agree with it.

The NumPy network (numpy_network.py) stands alone and keeps its own small
tables of activations, losses and initialisers on arrays; here they are held
to the package's registries (core/activations.py, core/losses.py,
core/initialisers.py): the same names, and the same numbers on a grid.
"""

import inspect

import mpmath
import numpy as np
import pytest

from backprop_tutor.core.activations import ACTIVATIONS
from backprop_tutor.core.initialisers import INITIALISERS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.worksheet import evaluate
from backprop_tutor.networks import numpy_network
from backprop_tutor.symbolic import exact

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
