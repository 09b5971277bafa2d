"""Property tests over random small networks: three routes to the same gradients.

For random networks (1-4 inputs, 1-4 units per layer, 1-3 hidden layers, every
activation, both losses, biases present, absent or frozen) the worksheet of
named scalars, the NumPy network in matrix form and central finite
differences must agree; and ``solve`` (the formulas compiled into one function)
gives bit for bit the floats of evaluating them one by one.
"""

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from backprop_tutor.core.network import Layer, Network
from backprop_tutor.core.worksheet import solve, solve_formula_by_formula
from backprop_tutor.networks.gradcheck import finite_difference_gradients
from backprop_tutor.networks.numpy_network import NumpyNetwork

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]
numbers = st.floats(-1, 1, allow_nan=False).map(lambda x: round(x, 3))


@st.composite
def networks(draw, numbers=numbers):
    sizes = [draw(st.integers(1, 4)) for _ in range(draw(st.integers(2, 4)) + 1)]
    layers = []
    for n_in, n_out in itertools.pairwise(sizes):
        weights = tuple(tuple(draw(numbers) for _ in range(n_in)) for _ in range(n_out))
        bias_mode = draw(st.sampled_from(["trained", "frozen", "absent"]))
        biases = None if bias_mode == "absent" else tuple(draw(numbers) for _ in range(n_out))
        layers.append(Layer(draw(st.sampled_from(ACTIVATIONS)), weights, biases,
                            train_biases=bias_mode == "trained"))
    return Network(inputs=tuple(draw(numbers) for _ in range(sizes[0])),
                   targets=tuple(draw(numbers) for _ in range(sizes[-1])),
                   layers=tuple(layers), learning_rate=draw(st.sampled_from([0.1, 0.5, 2.0])),
                   loss=draw(st.sampled_from(["half_sse", "mse"])))


def relu_kink_far(network: Network, margin: float = 1e-3) -> bool:
    """True unless a relu unit's net is within ``margin`` of 0, where relu' jumps."""
    nets, _ = NumpyNetwork.from_network(network).forward([network.inputs])
    return all(layer.activation != "relu" or np.all(np.abs(net) > margin)
               for layer, net in zip(network.layers, nets, strict=True))


@settings(max_examples=150, deadline=None)
@given(networks())
def test_worksheet_agrees_with_numpy_network(network):
    sheet = solve(network)
    model = NumpyNetwork.from_network(network)
    before = model.sgd_step([network.inputs], [network.targets], network.learning_rate)
    assert sheet["E"] == pytest.approx(before, rel=1e-12, abs=1e-15)
    updated = {f"{name}_new": value for name, value in model.parameters().items()}
    for name, value in updated.items():
        assert sheet[name] == pytest.approx(value, rel=1e-12, abs=1e-14), name


@settings(max_examples=150, deadline=None)
@given(networks())
def test_worksheet_agrees_with_finite_differences(network):
    assume(relu_kink_far(network))
    sheet = solve(network)
    for name, estimate in finite_difference_gradients(network).items():
        assert sheet[f"dE_d{name}"] == pytest.approx(estimate, rel=1e-5, abs=1e-8), name


@settings(max_examples=50, deadline=None)
@given(networks())
def test_mse_gradient_is_2_over_k_times_half_sse(network):
    """Keras' convention scales every gradient by 2/K (K outputs), nothing else."""
    k = len(network.targets)
    tutorial = solve(network.with_options(loss="half_sse"))
    keras = solve(network.with_options(loss="mse"))
    for name in (n for n in tutorial.values if n.startswith("dE_d")):
        assert keras[name] == pytest.approx(2 / k * tutorial[name], rel=1e-12, abs=1e-15)


#: Any finite float: large ones overflow the step (a square beyond 1.8e308 is inf, inf - inf nan).
any_number = st.floats(allow_nan=False, allow_infinity=False)


def bits(values):
    # float.hex tells -0.0 from 0.0 and shows every bit of the mantissa.
    return [value.hex() for value in values]


@settings(max_examples=300, deadline=None)
@given(st.one_of(networks(), networks(any_number)))
def test_compiled_step_gives_the_floats_of_the_formulas_one_by_one(network):
    compiled = solve(network)
    interpreted = solve_formula_by_formula(network)
    assert list(compiled.values) == list(interpreted.values)
    assert bits(compiled.values.values()) == bits(interpreted.values.values())
    assert compiled.given == interpreted.given and list(compiled.given) == list(interpreted.given)
    assert [(q.section, q.name, q.formula) for q in compiled.quantities] == \
        [(q.section, q.name, q.formula) for q in interpreted.quantities]


@settings(max_examples=100, deadline=None)
@given(networks())
def test_stacked_finite_differences_are_the_per_parameter_definition(network):
    """(E(p + h) - E(p - h)) / 2h with E of the worksheet, one parameter moved at a time."""
    assume(relu_kink_far(network))
    h, parameters = 1e-6, network.parameters()

    def loss_with(name, value):
        return solve_formula_by_formula(network.with_parameters({**parameters, name: value}))["E"]

    estimates = finite_difference_gradients(network, h)
    assert list(estimates) == list(parameters)
    for name, p in parameters.items():
        definition = (loss_with(name, p + h) - loss_with(name, p - h)) / (2 * h)
        assert estimates[name] == pytest.approx(definition, rel=1e-6, abs=1e-9), name
