"""The worksheet's formulas read by SymPy: the symbolic side of the derivation.

``SymbolicWorksheet.of(network)`` reads every formula of the worksheet
(``worksheet.definitions``) as a SymPy expression over symbols of the names it
reads (its delta form, e.g. delta_o1 * out_h1); ``written_out()`` writes
each quantity out in the inputs, targets, weights and biases (the primitive
form), which is only sensible for small networks: its size grows with the
product of the layer sizes. ``zero_by`` shows that a difference of two
expressions is 0, and says how.

SymPy is imported inside the functions that use it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from backprop_tutor.core import names
from backprop_tutor.core.activations import ACTIVATIONS, FORMULA_FUNCTIONS
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import definitions, given_values
from backprop_tutor.document.blocks import Equation
from backprop_tutor.document.formulas import equation, formula

# ---------------------------------------------------------------- the worksheet's formulas in SymPy

def sympy_functions() -> dict:
    """The functions of the worksheet's formulas, written for SymPy.

    Formula:
        sigmoid(x) = 1 / (1 + exp(-x))
        tanh(x)    = tanh(x)
        relu(x)    = Max(0, x)
        step(x)    = Heaviside(x, 0)      relu'(0) = 0, as in TensorFlow
    """
    import sympy

    return {"sigmoid": lambda x: 1 / (1 + sympy.exp(-x)), "tanh": sympy.tanh,
            "relu": lambda x: sympy.Max(0, x), "step": lambda x: sympy.Heaviside(x, 0)}


def read(formula_text: str, values: dict):
    """A worksheet formula as a SymPy expression, its names taken from ``values``.

    The formula's Python syntax tree is rebuilt in SymPy: a number becomes an
    exact SymPy number, so that ``1/2`` is the fraction 1/2 and not Python's
    float 0.5, and a sum of n terms is made at once (``a + b + c + ...`` in
    Python would flatten n growing sums: n² work for a unit with n inputs).
    This is some fifty times faster than ``sympy.parse_expr``.

    >>> import sympy
    >>> read("1/2 * (t1 - out_o1)**2", {"t1": sympy.Symbol("t1"), "out_o1": sympy.Symbol("out_o1")})
    (-out_o1 + t1)**2/2
    """
    return _rebuilt(ast.parse(formula_text, mode="eval").body, values, sympy_functions())


def _rebuilt(node, values: dict, functions: dict):
    import sympy

    def again(child):
        return _rebuilt(child, values, functions)

    if isinstance(node, ast.Constant):
        return sympy.Rational(node.value)
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        return -again(node.operand)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return functions[node.func.id](*map(again, node.args))
    if isinstance(node.op, (ast.Add, ast.Sub)):
        terms = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            terms.append(again(node.right) if isinstance(node.op, ast.Add) else -again(node.right))
            node = node.left
        return sympy.Add(again(node), *reversed(terms))
    return _OPERATORS[type(node.op)](again(node.left), again(node.right))


_OPERATORS = {ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}


def symbolic(formula_text: str):
    """A worksheet formula over SymPy symbols of the names it reads.

    >>> symbolic("(w5 * delta_o1) * step(net_h1)")
    delta_o1*w5*Heaviside(net_h1, 0)
    """
    import sympy

    found = [n for n in re.findall(r"[A-Za-z_]\w*", formula_text) if n not in FORMULA_FUNCTIONS]
    return read(formula_text, {n: sympy.Symbol(n) for n in found})


def zero_by(difference) -> str | None:
    """How SymPy shows that ``difference`` is 0: "rational", "simplify", or None if it cannot.

    "rational": every exp, tanh, Max and Heaviside term is replaced by a new
    symbol (one per distinct term), and the rational function left, brought
    over a common denominator, has a numerator that expands to 0. Then the
    difference is 0 whatever values those terms take, so certainly for
    theirs. This takes milliseconds where ``sympy.simplify`` on nested
    exponentials takes seconds. "simplify": the fast route failed (two terms
    are equal without being written alike) and ``sympy.simplify`` found 0.
    Before simplifying, the difference is evaluated at one point: if it is
    not 0 there, it is not 0, and simplify (minutes, on such expressions)
    is spared.

    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> sigma = 1 / (1 + sympy.exp(-x))
    >>> zero_by(sympy.diff(sigma, x) - sigma * (1 - sigma))
    'rational'
    >>> zero_by(sympy.exp(x) * sympy.exp(y) - sympy.exp(x + y))
    'simplify'
    """
    import sympy

    if difference == 0:  # SymPy already cancelled the two sides as it built them
        return "rational"
    terms = difference.atoms(sympy.exp, sympy.tanh, sympy.Max, sympy.Heaviside)
    rational = difference.xreplace({term: sympy.Dummy() for term in terms})
    numerator, _ = sympy.fraction(sympy.together(rational))
    if sympy.expand(numerator) == 0:
        return "rational"
    point = {symbol: sympy.Rational(2 * k + 1, 13)
             for k, symbol in enumerate(sorted(difference.free_symbols, key=str))}
    if abs(difference.evalf(30, subs=point)) > 1e-20:
        return None
    if sympy.simplify(difference) == 0:
        return "simplify"
    return None


def same_function(a, b, x) -> bool:
    """Whether a(x) = b(x) for every x other than 0.

    At 0 the smooth activations agree by continuity; relu has no derivative
    there and takes the worksheet's relu'(0) = 0.
    """
    import sympy

    difference = (a - b).rewrite(sympy.exp)
    if zero_by(difference):
        return True
    side = sympy.Symbol("p", positive=True)
    return all(sympy.simplify(difference.subs(x, s)) == 0 for s in (side, -side))


def equal(a, b) -> bool:
    """Whether two delta-form expressions (polynomials in their symbols) are equal."""
    import sympy

    return sympy.expand(a - b) == 0


def require(condition: bool, what: str) -> None:
    # The board writes the worksheet's formulas after deriving them: they must agree.
    if not condition:
        raise RuntimeError(f"SymPy does not confirm {what}")


# ---------------------------------------------------------------- the worksheet over SymPy symbols

@dataclass(frozen=True)
class SymbolicWorksheet:
    """What every section reads: the network's names and formulas, in SymPy too.

    ``formulas`` maps each name of the worksheet's forward pass, loss, deltas
    and gradients to its formula; ``symbolic`` to that formula over symbols of
    the names it reads (the delta form).
    """

    network: Network
    formulas: dict[str, str]
    symbolic: dict

    @classmethod
    def of(cls, network: Network) -> SymbolicWorksheet:
        worked = [s for s in definitions(network) if s.section != "update"]
        return cls(network, {s.name: s.formula for s in worked},
                   {s.name: symbolic(s.formula) for s in worked})

    def written_out(self) -> dict:
        """Every quantity written out in inputs, targets, weights and biases (the primitive form).

        The worksheet's steps read in order, each in terms of the ones before,
        as ``solve`` does with numbers. Its size grows with the product of the
        layer sizes: for small networks only.
        """
        import sympy

        primitive = {n: sympy.Symbol(n) for n in given_values(self.network) if n != "eta"}
        for name, expr in self.symbolic.items():
            primitive[name] = expr.xreplace({s: primitive[s.name] for s in expr.free_symbols})
        return primitive

    @property
    def units(self) -> list[list[str]]:
        return names.unit_names(self.network.sizes)

    @property
    def weights(self) -> list[list[list[str]]]:
        return names.weight_names(self.network.sizes)

    def names_of(self, *prefixes: str) -> list[str]:
        """The quantities whose names start with one of ``prefixes``, in worksheet order."""
        return [name for name in self.formulas if name.startswith(prefixes)]

    def activation(self, unit: str) -> str:
        layer = next(k for k, units in enumerate(self.units[1:]) if unit in units)
        return self.network.layers[layer].activation

    def derivative(self, unit: str) -> str:
        """The worksheet's f′(net_unit), e.g. ``out_h1 * (1 - out_h1)``."""
        return ACTIVATIONS[self.activation(unit)].derivative_of(unit)

    def with_delta(self, gradient: str):
        """A gradient's delta form with its delta replaced by the delta's formula."""
        expr = self.symbolic[gradient]
        return expr.xreplace({s: self.symbolic[s.name] for s in expr.free_symbols
                              if s.name.startswith("delta_")})

    def rows(self, quantities: list[str]) -> tuple[Equation, ...]:
        """``name = formula`` for each quantity, as the worksheet writes it."""
        return tuple(equation(formula(n), formula(self.formulas[n])) for n in quantities)

    def layer_quantities(self, layer: int, every_weight: bool = True) -> list[str]:
        """The deltas, weight gradients and bias gradients of one layer (0: first hidden).

        Without ``every_weight``: those of the layer's first unit and first weight only.
        """
        units = self.units[layer + 1]
        gradients = [f"dE_d{w}" for row in self.weights[layer] for w in row]
        biases = [f"dE_db_{u}" for u in units if f"dE_db_{u}" in self.formulas]
        quantities = [[f"delta_{u}" for u in units], gradients, biases]
        return [name for group in quantities for name in (group if every_weight else group[:1])]
