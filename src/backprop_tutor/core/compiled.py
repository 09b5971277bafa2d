"""The worksheet's formulas as the lines of one Python function, written once per network shape.

``core/worksheet.py`` is the definition: one SGD step as named formulas,
worked out one at a time by ``evaluate``. Done that way every name is looked
up in a dictionary and every formula is parsed again, which for a large
network costs more than the arithmetic. So ``solve`` writes the very same
formula strings, in the same order, as the body of one function and calls
that. For the 2-2-1 network with sigmoid units the function reads::

    def worked_step(network):
        layers = network.layers
        (i1, i2) = network.inputs
        (t1,) = network.targets
        ((w1, w2), (w3, w4)) = layers[0].weights
        (b_h1, b_h2) = layers[0].biases
        ((w5, w6),) = layers[1].weights
        (b_o1,) = layers[1].biases
        eta = network.learning_rate
        net_h1 = w1 * i1 + w2 * i2 + b_h1
        out_h1 = sigmoid(net_h1)
        ...
        b_o1_new = b_o1 - eta * dE_db_o1
        return (i1, i2, t1, w1, ..., eta), (net_h1, out_h1, ..., b_o1_new)

Each line is a formula exactly as the worksheet writes it, so Python does the
same float operations in the same order, and every value is bit for bit the
one ``evaluate`` gives (a test holds the two to it on random networks). Any
network of the same shape (layer sizes, activations, which biases exist and
train, loss) has the same formulas, so the function is written and compiled
once per shape and rounding rule and reused: variants solve thousands of
networks of one shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from backprop_tutor.core import names

if TYPE_CHECKING:
    from backprop_tutor.core.network import Network

#: worked_step(network) -> (the given numbers, the computed numbers), in the order of the names.
WorkedStep = Callable[["Network"], tuple[tuple[float, ...], tuple[float, ...]]]


def step_source(sizes: Sequence[int], has_biases: Sequence[bool],
                formulas: Sequence[tuple[str, str]]) -> str:
    """The source of ``worked_step(network)``: the given numbers, then ``name = formula`` lines.

    Args:
        sizes: units per layer, inputs first.
        has_biases: for each layer after the inputs, whether it has biases.
        formulas: (name, formula) of every quantity, in the order they are worked out.
    """
    units, weights = names.unit_names(sizes), names.weight_names(sizes)
    biases = _bias_names(units, has_biases)
    targets = names.target_names(sizes[-1])
    lines = ["def worked_step(network):",
             "    layers = network.layers",
             f"    {_tuple(units[0])} = network.inputs",
             f"    {_tuple(targets)} = network.targets"]
    for layer, (matrix, bias) in enumerate(zip(weights, biases, strict=True)):
        lines.append(f"    {_tuple([_tuple(row) for row in matrix])} = layers[{layer}].weights")
        if bias:
            lines.append(f"    {_tuple(bias)} = layers[{layer}].biases")
    lines.append("    eta = network.learning_rate")
    for name, formula in formulas:
        lines.append(f"    {name} = {formula}")
    given = given_names(sizes, has_biases)
    lines.append(f"    return {_tuple(given)}, {_tuple([name for name, _ in formulas])}")
    return "\n".join(lines) + "\n"


def given_names(sizes: Sequence[int], has_biases: Sequence[bool]) -> list[str]:
    """The names of the given numbers, in the order of ``worksheet.given_values``.

    Inputs, targets, every weight (layer by layer), every bias, then ``eta``:

    >>> given_names([2, 1], [True])
    ['i1', 'i2', 't1', 'w1', 'w2', 'b_o1', 'eta']
    """
    units, weights = names.unit_names(sizes), names.weight_names(sizes)
    return (units[0] + names.target_names(sizes[-1])
            + [w for matrix in weights for row in matrix for w in row]
            + [b for layer in _bias_names(units, has_biases) for b in layer] + ["eta"])


def compile_step(source: str, functions: dict) -> WorkedStep:
    """The function ``worked_step`` defined by ``source``, calling the given ``functions``."""
    # As for ``evaluate``: no builtins but round, which ``solve``'s rounding calls.
    namespace = {"__builtins__": {}, "round": round, **functions}
    exec(compile(source, "<worked step>", "exec"), namespace)  # noqa: S102 (our own formulas)
    return namespace["worked_step"]


def _bias_names(units: list[list[str]], has_biases: Sequence[bool]) -> list[list[str]]:
    return [[f"b_{u}" for u in layer] if present else []
            for layer, present in zip(units[1:], has_biases, strict=True)]


def _tuple(items: list[str]) -> str:
    # A trailing comma makes a one-element tuple: (t1,) = network.targets.
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
