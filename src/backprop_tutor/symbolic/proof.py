"""The proof that the worksheet's backward pass gives ∂E/∂p for every weight and bias p.

Three parts, each growing about linearly with the number of weights (E is
never written out as one expression, which grows with the product of the
layer sizes):

1. The chain rule, one unit at a time, shown by SymPy over symbols (so for
   all values). Each identity is small: the nets of the next layer and their
   deltas are free symbols.

   * an output unit o, with E written in the outputs and out_o = f(net_o)::

         delta_o = d/dnet_o E(out_o1, ..., f(net_o), ...)

   * a hidden unit h, whose output is read by the nets of the units u it
     feeds, with delta_u = ∂E/∂net_u shown one layer further on::

         delta_h = Σ_u delta_u · ∂net_u/∂out_h · d/dnet_h f(net_h)

   * a weight or bias p into unit u (p enters E only through net_u)::

         ∂E/∂p = delta_u · ∂net_u/∂p

   The structure this relies on is read from the worksheet's own formulas:
   p is read by net_u alone, net_u by out_u alone, and the sum for delta_h
   runs over every formula that reads out_h. A gradient is proven when its
   identity holds and so do those of every delta it relies on.

2. The whole gradient at a few seeded random points against an independent
   computation: mpmath differentiates E, computed straight from the layers
   (``exact.loss_at``, not from the worksheet), along a random direction v;
   the chain rule's Σ_p ∂E/∂p · v_p, at 30 digits, must agree.

3. At the file's numbers, the chain rule's exact value (mpmath, with as many
   digits as the value needs, up to 480) against the worked solution's
   float, within the float's own rounding: TOLERANCE times the running error
   bound of ``exact.value_and_error``, plus the smallest normal double. A
   float 0 from a saturated sigmoid against an exact 1e-300 is agreement.

SymPy and mpmath are imported inside the functions that use them.
"""

from __future__ import annotations

import math
import random
import sys
from dataclasses import dataclass

from backprop_tutor.core.worksheet import given_values, solve
from backprop_tutor.document.blocks import Math
from backprop_tutor.document.notation import SUPERSCRIPTS
from backprop_tutor.symbolic.exact import chain_rule_at, compiled, loss_at
from backprop_tutor.symbolic.reading import SymbolicWorksheet, zero_by

#: The worksheet's float may differ from the exact value by TOLERANCE · e (e: exact.value_and_error).
TOLERANCE = 1e-12
#: Below the smallest normal double, a float has lost its value to underflow.
UNDERFLOW = sys.float_info.min
#: Random points of the numeric check, their digits, and how closely they must agree.
POINTS, DIGITS, AGREEMENT = 3, 30, 1e-20
#: Digits tried in turn for the exact value at the file's numbers.
EXACT_DIGITS = (30, 120, 480)



@dataclass(frozen=True)
class Identity:
    """One chain-rule step ``name = claim`` and SymPy's difference of its two sides.

    ``difference`` is ``"0"`` when shown (``method`` says how, see
    ``zero_by``), otherwise the difference or what in the structure failed;
    ``relies_on`` names the deltas taken as proven.
    """

    name: str
    claim: str
    difference: str
    method: str | None
    relies_on: tuple[str, ...]


@dataclass(frozen=True)
class Proof:
    """The proof of one gradient ∂E/∂p.

    ``chain_rule``: its identity and those of every delta it relies on hold;
    ``exact``: the chain rule at the file's numbers, to 12 digits;
    ``value``: that as a float; ``worksheet``: the worked solution's value;
    ``off``: |worksheet − exact|; ``bound``: what the worksheet's rounding allows;
    ``digits``: the digits mpmath needed for the exact value.
    """

    gradient: str
    identity: Identity
    chain_rule: bool
    exact: str
    value: float
    worksheet: float
    off: float
    bound: float
    digits: int

    @property
    def difference(self) -> str:
        return self.identity.difference

    @property
    def method(self) -> str | None:
        return self.identity.method

    @property
    def holds(self) -> bool:
        """Formula: chain rule shown, and |worksheet − exact| <= bound."""
        return self.chain_rule and self.off <= self.bound


@dataclass(frozen=True)
class PointCheck:
    """∇E · v at a random point: by the chain rule and by mpmath's derivative of E itself."""

    point: int
    chain_rule: float
    independent: float
    holds: bool


def how_proven(count: int, digits: int) -> list[tuple[str | Math, ...]]:
    """What was proven and how, one sentence per part of the proof (see ``proof.py``).

    Each sentence is words and formulas (``Math``); ``sentence_text`` writes it as text.
    """
    delta_u, chain = Math("δ_u", r"\delta_u"), Math("f′(net_h)", r"f'(\mathrm{net}_h)")
    return [
        ("Chain rule, unit by unit (SymPy, over symbols, so for all values): for each output "
         "unit, its delta is SymPy's derivative, with respect to its net, of E written in the "
         "outputs; for each hidden unit h, its delta is the sum over the units u whose nets read ",
         Math("out_h", r"\mathrm{out}_h"), " (as found in the worksheet's formulas) of ",
         Math("δ_u · ∂net_u/∂out_h",
              r"\delta_u \cdot \frac{\partial \mathrm{net}_u}{\partial \mathrm{out}_h}"),
         ", times ", chain, ", the deltas ", delta_u, " being those shown one layer further on; "
         f"for each of the {count} weights and biases p, read by one ",
         Math("net_u", r"\mathrm{net}_u"), " alone, ",
         Math("∂E/∂p = δ_u · ∂net_u/∂p",
              r"\frac{\partial E}{\partial p} = \delta_u \cdot "
              r"\frac{\partial \mathrm{net}_u}{\partial p}"),
         ". Each identity's two sides differ by 0. E is never written out as one expression, so "
         "the work grows about linearly with the number of weights."),
        (f"At {POINTS} random points, the gradient along a random direction v by the chain rule "
         f"(mpmath, {DIGITS} digits) equals mpmath's derivative of E computed straight from the "
         f"layers, without the worksheet: to within ",
         Math(f"{_power(AGREEMENT)[0]} · (1 + Σ_p |v_p| · (|∂E/∂p| + e_p))",
              f"{_power(AGREEMENT)[1]} \\cdot \\left(1 + \\sum_p |v_p| \\cdot "
              r"\left(\left|\frac{\partial E}{\partial p}\right| + e_p\right)\right)"),
         ", where ", Math("e_p", "e_p"), " is the rounding bound of part 3."),
        (f"At the file's numbers, the chain rule's exact value (mpmath, {digits} digits) and the "
         f"worked solution of Problem 2 differ by no more than the worked solution's own rounding "
         f"allows: ", Math(f"{_power(TOLERANCE)[0]} · e_p", f"{_power(TOLERANCE)[1]} \\cdot e_p"),
         ", where ", Math("e_p", "e_p"), " is the running error bound of its formulas (a "
         "first-order rounding analysis gives ",
         Math("|float − exact| ≤ 2⁻⁵³ · e_p",
              r"|\mathrm{float} - \mathrm{exact}| \le 2^{-53} \cdot e_p"),
         f"; {_power(TOLERANCE)[0]} leaves a margin of 4,500), plus ",
         Math("2.23 · 10⁻³⁰⁸", r"2.23 \cdot 10^{-308}"),
         ", the smallest normal double, below which a float has underflowed."),
    ]


def sentence_text(sentence: tuple[str | Math, ...]) -> str:
    """A sentence of ``how_proven`` as plain text."""
    return "".join(part.text if isinstance(part, Math) else part for part in sentence)


def _power(value: float) -> tuple[str, str]:
    """A power of ten as text and as LaTeX: 1e-20 → ("10⁻²⁰", "10^{-20}").

    >>> _power(1e-12)
    ('10⁻¹²', '10^{-12}')
    """
    exponent = round(math.log10(value))
    return f"10{str(exponent).translate(SUPERSCRIPTS)}", f"10^{{{exponent}}}"


# ---------------------------------------------------------------- 1. the chain rule, unit by unit

def _readers(sheet: SymbolicWorksheet) -> dict[str, list[str]]:
    """For each name, the forward-pass and loss formulas that read it."""
    readers: dict[str, list[str]] = {}
    for name in sheet.names_of("net_", "out_", "E"):
        for symbol in sorted(sheet.symbolic[name].free_symbols, key=str):
            readers.setdefault(symbol.name, []).append(name)
    return readers


def _identity(name: str, claim: str, lhs, rhs, relies_on=()) -> Identity:
    import sympy

    # SymPy's derivative of Max(0, x) is Heaviside(x), open at 0; the worksheet's relu'(0) = 0.
    lhs = lhs.replace(lambda e: isinstance(e, sympy.Heaviside), lambda e: sympy.Heaviside(e.args[0], 0))
    difference = lhs - rhs
    method = zero_by(difference)
    return Identity(name, claim, "0" if method else str(difference), method, tuple(relies_on))


def _partial(expr, symbol):
    """∂expr/∂symbol, differentiating only the terms of a sum that hold the symbol (sum rule).

    SymPy's own diff of a net with n terms costs milliseconds; a unit's
    gradients need it once per weight.
    """
    import sympy

    return sympy.Add(*(term.diff(symbol) for term in sympy.Add.make_args(expr) if term.has(symbol)))


def _broken(name: str, claim: str, why: str) -> Identity:
    return Identity(name, claim, why, None, ())


def _delta_identity(sheet: SymbolicWorksheet, unit: str, readers: dict) -> Identity:
    import sympy

    net, out, delta = (sympy.Symbol(f"{kind}_{unit}") for kind in ("net", "out", "delta"))
    f_of_net = sheet.symbolic[out.name]
    worksheet = sheet.symbolic[delta.name].xreplace({out: f_of_net})
    if readers.get(net.name) != [out.name]:
        return _broken(delta.name, "", f"{net} is read by {readers.get(net.name)}, not {out} alone")
    reading = readers.get(out.name, [])
    if unit.startswith("o"):
        shares = {sympy.Symbol(s): sheet.symbolic[s] for s in sheet.names_of("E_")}
        in_outputs = sheet.symbolic["E"].xreplace(shares)
        claim = f"d/d{net} E(outputs) with {out} = {f_of_net}"
        return _identity(delta.name, claim, sympy.diff(in_outputs.xreplace({out: f_of_net}), net), worksheet)
    if not reading or not all(r.startswith("net_") for r in reading):
        return _broken(delta.name, "", f"{out} is read by {reading}, not by nets alone")
    fed = [r[4:] for r in reading]
    paths = sympy.Add(*(sympy.Symbol(f"delta_{u}") * _partial(sheet.symbolic[f"net_{u}"], out)
                        for u in fed))
    claim = f"Σ_u delta_u · ∂net_u/∂{out} · d/d{net} {f_of_net}, u = {', '.join(fed)}"
    return _identity(delta.name, claim, paths * sympy.diff(f_of_net, net), worksheet,
                  [f"delta_{u}" for u in fed])


def _gradient_identity(sheet: SymbolicWorksheet, gradient: str, readers: dict) -> Identity:
    import sympy

    parameter = gradient[4:]
    reading = readers.get(parameter, [])
    if len(reading) != 1 or not reading[0].startswith("net_"):
        return _broken(gradient, "", f"{parameter} is read by {reading}, not by one net")
    unit = reading[0][4:]
    chain = sympy.Symbol(f"delta_{unit}") * _partial(sheet.symbolic[reading[0]], sympy.Symbol(parameter))
    return _identity(gradient, f"delta_{unit} · ∂net_{unit}/∂{parameter}", chain, sheet.symbolic[gradient],
                  [f"delta_{unit}"])


def identities(sheet: SymbolicWorksheet) -> dict[str, Identity]:
    """Every delta's and gradient's chain-rule identity, by name."""
    readers = _readers(sheet)
    units = [u for layer in sheet.units[1:] for u in layer]
    shown = {f"delta_{u}": _delta_identity(sheet, u, readers) for u in units}
    shown.update({g: _gradient_identity(sheet, g, readers) for g in sheet.names_of("dE_d")})
    return shown


def _chain_rule_holds(shown: dict[str, Identity]) -> dict[str, bool]:
    """Whether each identity holds together with every one it relies on.

    The deltas are taken from the output layer back, so that those a delta
    relies on (the next layer's) are settled before it.
    """
    deltas = [name for name in shown if name.startswith("delta_")]
    holds: dict[str, bool] = {}
    for name in [*reversed(deltas), *(name for name in shown if name not in deltas)]:
        identity = shown[name]
        holds[name] = identity.difference == "0" and all(holds[r] for r in identity.relies_on)
    return holds


# ---------------------------------------------------------------- 2. random points

def random_points(sheet: SymbolicWorksheet) -> tuple[PointCheck, ...]:
    """∇E · v by the chain rule against mpmath's derivative of E(θ + ε v) at ε = 0, at seeded points.

    Inputs, weights and biases are drawn from [-1, 1], targets from [0, 1].
    """
    import mpmath

    formulas = compiled(sheet)
    network, rng = sheet.network, random.Random(2024)
    gradients = sheet.names_of("dE_d")
    checks = []
    with mpmath.workdps(DIGITS):
        for point in range(1, POINTS + 1):
            given = {n: rng.uniform(0, 1) if n.startswith("t") else rng.uniform(-1, 1)
                     for n in given_values(network) if n != "eta"}
            direction = {g[4:]: mpmath.mpf(rng.uniform(-1, 1)) for g in gradients}
            known = chain_rule_at(given, formulas)
            chain = mpmath.fsum(known[g][0] * direction[g[4:]] for g in gradients)
            scale = mpmath.fsum((abs(known[g][0]) + known[g][1]) * abs(direction[g[4:]]) for g in gradients)
            exact = {n: mpmath.mpf(v) for n, v in given.items()}
            # B023: mpmath.diff calls the lambda here, with this point's exact and direction.
            independent = mpmath.diff(lambda e: loss_at(network, {**exact, **{  # noqa: B023
                p: exact[p] + e * v for p, v in direction.items()}}), 0)  # noqa: B023
            holds = abs(chain - independent) <= AGREEMENT * (scale + 1)
            checks.append(PointCheck(point, float(chain), float(independent), bool(holds)))
    return tuple(checks)


# ---------------------------------------------------------------- 3. the file's numbers

def _at_the_file(sheet: SymbolicWorksheet, formulas: dict) -> tuple[dict, int]:
    """The chain rule at the file's numbers, with the digits that resolve every gradient.

    A value is resolved when it stands clear of its own rounding error
    (at most e · 10^-digits, see ``exact.value_and_error``): |value| >= e · 10^(20 − digits).
    Else its digits are not known, only that it is that small.
    """
    import mpmath

    given = {n: v for n, v in given_values(sheet.network).items() if n != "eta"}
    for digits in EXACT_DIGITS:
        with mpmath.workdps(digits):
            known = chain_rule_at(given, formulas)
            if all(abs(v) >= m * mpmath.mpf(10) ** (20 - digits) for v, m in
                   (known[g] for g in sheet.names_of("dE_d"))):
                break
    return known, digits


def _exact_text(value, error, digits: int) -> str:
    """The exact value to 12 significant digits, or ``0 ± limit`` if it is not resolved."""
    import mpmath

    limit = error * mpmath.mpf(10) ** (20 - digits)
    if abs(value) < limit:
        return f"0 ± {mpmath.nstr(limit, 2)}"
    if value == 0 or UNDERFLOW <= abs(value) <= sys.float_info.max:
        return f"{float(value):.12g}"  # as Python writes the worksheet's float beside it
    return mpmath.nstr(value, 12)  # outside a float's range: scientific notation all the same


def prove(sheet: SymbolicWorksheet, shown: dict[str, Identity] | None = None) -> tuple[Proof, ...]:
    """Every gradient's proof: its chain-rule identities (part 1) and the file's numbers (part 3).

    ``shown``: the identities, if already found (``identities(sheet)``).
    """
    import mpmath

    formulas = compiled(sheet)
    shown = identities(sheet) if shown is None else shown
    holds = _chain_rule_holds(shown)
    known, digits = _at_the_file(sheet, formulas)
    worked = solve(sheet.network).values
    proofs = []
    with mpmath.workdps(digits):
        for gradient in sheet.names_of("dE_d"):
            value, error = known[gradient]
            off = abs(mpmath.mpf(worked[gradient]) - value)
            bound = TOLERANCE * error + UNDERFLOW
            proofs.append(Proof(gradient, shown[gradient], holds[gradient],
                                _exact_text(value, error, digits), float(value),
                                worked[gradient], float(off), float(bound), digits))
    return tuple(proofs)
