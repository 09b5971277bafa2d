"""The worksheet's formulas and the loss in exact arithmetic (mpmath), for the proof.

``chain_rule_at`` evaluates the worksheet's formulas at given numbers with as
many digits as mpmath is set to, and bounds, for each quantity, the rounding
error a float computation of the same formulas can make (a running error
analysis). ``loss_at`` computes E straight from the network's layers, without
the worksheet: the independent side of the proof's check at random points.

mpmath is imported inside the functions that use it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from backprop_tutor.core import names
from backprop_tutor.core.activations import ACTIVATIONS, Activation
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import evaluate
from backprop_tutor.symbolic.reading import SymbolicWorksheet

Slope = Callable[[Any, Any], tuple[Any, int]]


def _slope(spec: Activation) -> Slope:
    """f'(a) from a and f = f(a) by the registry's derivative formula, and the rounding of f's
    own result: 0 where f is exact, else 1."""
    rounding = 0 if spec.exact else 1
    return lambda a, f: (evaluate(spec.derivative_of("u"), {"net_u": a, "out_u": f}), rounding)


#: Each function's f'(a) and the rounding of its own result (see value_and_error); step's slope is 0.
_SLOPES: dict[str, Slope] = {**{name: _slope(spec) for name, spec in ACTIVATIONS.items()},
                             "step": lambda a, f: (0, 0)}


def compiled(sheet: SymbolicWorksheet) -> dict:
    """Each formula's syntax tree, in worksheet order."""
    return {name: ast.parse(text, mode="eval").body for name, text in sheet.formulas.items()}


def _mp_functions() -> dict:
    import mpmath

    # The registry's textbook definitions, read by mpmath.
    library = {"exp": mpmath.exp, "tanh": mpmath.tanh, "max": max}
    return {**{name: lambda x, text=spec.definition: mpmath.mpf(evaluate(text, {"x": x}, library))
               for name, spec in ACTIVATIONS.items()},
            "step": lambda x: mpmath.mpf(x > 0)}


def value_and_error(node, known: dict, functions: dict):
    """A formula's value in mpmath, and the scale e of a float's rounding error in it.

    A running error analysis (first order): every operation rounds its result,
    and passes on the errors of its operands.

    Formula:
        given number   e = 0
        a ± b          e = e_a + e_b + |a ± b|
        a · b          e = |b| e_a + |a| e_b + |a b|
        a / c          e = e_a / |c| + |a / c|
        a ** k         e = |k a^(k-1)| e_a + |a^k|
        f(a)           e = |f'(a)| e_a + r_f     r_f = 1 for sigmoid, tanh (|f| <= 1); 0 for relu, step
        |float(q) − q| <= 2^-53 · e(q)     (to first order, library functions within an ulp)
    """
    import mpmath

    if isinstance(node, ast.Constant):
        return mpmath.mpf(node.value), mpmath.mpf(0)
    if isinstance(node, ast.Name):
        return known[node.id]
    if isinstance(node, ast.UnaryOp):
        value, error = value_and_error(node.operand, known, functions)
        return -value, error
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        a, error = value_and_error(node.args[0], known, functions)
        value = functions[node.func.id](a)
        slope, rounding = _SLOPES[node.func.id](a, value)
        return value, abs(slope) * error + rounding
    # A sum of n terms is a chain n operations deep on its left (((a + b) + c) + ...):
    # walked in a loop, not by recursion, so that a unit fed by 1,000 units needs no
    # deeper stack than one fed by 2. The order of the operations is the float's.
    steps = []
    while isinstance(node, ast.BinOp):
        steps.append((type(node.op), node.right))
        node = node.left
    a, ea = value_and_error(node, known, functions)
    for operator, right in reversed(steps):
        b, eb = value_and_error(right, known, functions)
        a, ea = _operation(operator, a, ea, b, eb)
    return a, ea


def _operation(operator: type, a, ea, b, eb):
    """``a op b`` and its error scale, from the operands' (see value_and_error)."""
    if operator in (ast.Add, ast.Sub):
        value = a + b if operator is ast.Add else a - b
        return value, ea + eb + abs(value)
    if operator is ast.Mult:
        return a * b, abs(b) * ea + abs(a) * eb + abs(a * b)
    if operator is ast.Div:
        return a / b, ea / abs(b) + abs(a / b)
    return a ** b, abs(b * a ** (b - 1)) * ea + abs(a ** b)


def chain_rule_at(given: dict, formulas: dict) -> dict:
    """Each quantity of ``formulas`` (from ``compiled``) at ``given`` in mpmath: name -> (value, e).

    ``e`` bounds the rounding error of a float computation (``value_and_error``).
    """
    import mpmath

    functions = _mp_functions()
    known = {n: (mpmath.mpf(v), mpmath.mpf(0)) for n, v in given.items()}
    for name, tree in formulas.items():
        known[name] = value_and_error(tree, known, functions)
    return known


def loss_at(network: Network, values: dict):
    """E at ``values`` (inputs, targets, weights and biases by name), straight from the layers.

    Formula:
        net_u = Σ_s w_us · out_s + b_u,   out_u = f(net_u),
        E = 1/2 Σ_k (t_k − out_k)²  (half_sse)   or   1/K Σ_k (t_k − out_k)²  (mse)
    """
    import mpmath

    functions = _mp_functions()
    units = names.unit_names(network.sizes)
    outs = [values[i] for i in units[0]]
    for layer, rows, layer_units in zip(network.layers, names.weight_names(network.sizes), units[1:],
                                        strict=True):
        nets = [mpmath.fsum(values[w] * out for w, out in zip(row, outs, strict=True))
                + (values[f"b_{u}"] if layer.biases is not None else 0)
                for row, u in zip(rows, layer_units, strict=True)]
        outs = [functions[layer.activation](net) for net in nets]
    targets = names.target_names(len(outs))
    squares = mpmath.fsum((values[t] - out) ** 2 for t, out in zip(targets, outs, strict=True))
    return squares / (2 if network.loss == "half_sse" else len(outs))
