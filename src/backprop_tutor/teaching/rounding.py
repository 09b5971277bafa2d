"""Rounding as you go, as it is done by hand: decimal arithmetic on the numbers written down.

A sheet asks the student to round every value to 4 decimals as they go: each
line is worked from the rounded values written on the lines before it, and its
result is rounded before it is written. This module works a step exactly that
way, in decimal arithmetic, so that the keys, ``check`` and the sheets say what
careful hand work gives:

* the given numbers are the decimals the network file writes (0.3, not the
  binary float nearest to it);
* sums, differences and products of decimals are exact; a division (the 1/2
  of the loss, 2/K) and σ, tanh are worked to ``WORK_DIGITS`` significant
  digits, far more than any rule keeps;
* a value is rounded on its decimal value, a tie away from zero.

Formula:
    round(x, N) = sign(x) · ⌊|x|·10^N + 1/2⌋ / 10^N
    e.g. round(0.00765, 4) = 0.0077 and round(−0.80975, 4) = −0.8098

The rule can also keep significant figures (``Rounding("sig_figs", 3)``): then
N is chosen for each value so that 3 figures remain.

The practice page does the same in JavaScript (``output/page_assets/marking.js``,
on scaled BigInt integers); a test holds the two to the same values.
"""

from __future__ import annotations

import decimal
import functools
import io
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import Quantity, Worksheet, definitions, given_values

#: Decimals a sheet asks for by default, and ``check``'s default rule.
DEFAULT_DECIMALS = 4

#: Significant digits of a quotient and of σ and tanh (their exact values are not decimals).
WORK_DIGITS = 120

#: Beyond this |x|, σ(x) is taken as 0 or 1 and tanh(x) as ±1, as a float gives them
#: (e^−700 < 10^−300); the JavaScript marker does the same.
SATURATION = 700

# + − × of decimals are exact at this precision (only a division could need more digits).
_EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)

_KINDS = {"decimals": "decimals", "sig_figs": "significant figures"}


@dataclass(frozen=True)
class Rounding:
    """A sheet's rounding rule: every value rounded to ``digits`` decimals, or significant figures.

    >>> Rounding().round(Decimal("0.00765")), Rounding("sig_figs", 2).round(Decimal("-0.80975"))
    (Decimal('0.0077'), Decimal('-0.81'))
    """

    kind: str = "decimals"        # "decimals" or "sig_figs"
    digits: int = DEFAULT_DECIMALS

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"a rounding rule keeps decimals or sig_figs, not {self.kind!r}")

    @property
    def decimals(self) -> int | None:
        return self.digits if self.kind == "decimals" else None

    @property
    def sig_figs(self) -> int | None:
        return self.digits if self.kind == "sig_figs" else None

    def exponent(self, value: Decimal) -> int:
        """The place of the last digit the rule keeps of ``value``: −4 for 4 decimals."""
        if self.kind == "decimals" or not value:
            return -self.digits
        return value.adjusted() - self.digits + 1

    def round(self, value: Decimal) -> Decimal:
        """``value`` rounded by this rule, a tie away from zero."""
        return round_half_away(value, self.exponent(value))

    @property
    def words(self) -> str:
        """The rule in a few words: "4 decimals", "3 significant figures"."""
        name = _KINDS[self.kind]
        return f"{self.digits} {name[:-1] if self.digits == 1 else name}"

    @property
    def sentence(self) -> str:
        """The rule as a sheet says it, with how ties go and an example."""
        tie = _tie_example(self)
        return (f"Round every value to {self.words} as you go: work each line from the rounded "
                f"values of the lines before it, and round its result before you write it down. "
                f"A 5 just after the last digit you keep rounds away from zero "
                f"({tie[0]} → {tie[1]}, −{tie[0]} → −{tie[1]}).")


def rounding_rule(decimals: int | None = None, sig_figs: int | None = None) -> Rounding:
    """The rule from a ``decimals`` or ``sig_figs`` setting; neither: 4 decimals."""
    if decimals is not None and sig_figs is not None:
        raise ValueError("give decimals or sig_figs, not both")
    if sig_figs is not None:
        return Rounding("sig_figs", sig_figs)
    return Rounding("decimals", DEFAULT_DECIMALS if decimals is None else decimals)


def _tie_example(rule: Rounding) -> tuple[str, str]:
    digits = "123456789" * 2
    if rule.kind == "decimals":
        tie = Decimal(f"0.{digits[:rule.digits]}5") if rule.digits else Decimal("2.5")
    else:
        tie = Decimal(f"{digits[0]}.{digits[1:rule.digits]}5")
    return str(tie), str(rule.round(tie))



def round_half_away(value: Decimal, exponent: int) -> Decimal:
    """``value`` rounded to a multiple of 10**exponent, a tie away from zero.

    >>> round_half_away(Decimal("-0.80975"), -4), round_half_away(Decimal("2.5"), 0)
    (Decimal('-0.8098'), Decimal('3'))
    """
    with localcontext(_EXACT):
        return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def decimal_of(number) -> Decimal:
    """A number as the decimal it is written as: a float by its shortest text (0.3, not 0.2999…)."""
    if isinstance(number, Decimal):
        return number
    if isinstance(number, str):
        return Decimal(number)
    return Decimal(repr(float(number)))


#: The default rule, and the sentence the sheets and ``check --help`` say it with.
DEFAULT_ROUNDING = Rounding()
ROUNDING_RULE = DEFAULT_ROUNDING.sentence


# ---------------------------------------------------------------- formulas worked exactly

def _divide(a: Decimal, b: Decimal) -> Decimal:
    with localcontext(prec=WORK_DIGITS):
        return Decimal.__truediv__(a, b)


class _Number(Decimal):
    """A number written in a formula (the 2 of 2/K): a quotient with it is worked to
    WORK_DIGITS digits. Sums, products and powers stay exact."""

    def __truediv__(self, other):
        return _divide(self, other)

    def __rtruediv__(self, other):
        return _divide(other, self)


def sigmoid(x: Decimal) -> Decimal:
    """Formula: sigmoid(x) = 1 / (1 + e^(−x)), to WORK_DIGITS digits."""
    if abs(x) > SATURATION:
        return Decimal(1) if x > 0 else Decimal(0)
    with localcontext(prec=WORK_DIGITS + 10):
        e = (-abs(x)).exp()       # e^(−|x|) ≤ 1: no overflow, no cancellation
        result = 1 / (1 + e) if x >= 0 else e / (1 + e)
    return _rounded_to_work(result)


def tanh(x: Decimal) -> Decimal:
    """Formula: tanh(x) = (e^(2x) − 1) / (e^(2x) + 1), to WORK_DIGITS digits."""
    if abs(x) > SATURATION:
        return Decimal(1).copy_sign(x)
    with localcontext(prec=WORK_DIGITS + 10 + max(0, -x.adjusted())):
        e = (2 * abs(x)).exp()
        result = ((e - 1) / (e + 1)).copy_sign(x)
    return _rounded_to_work(result)


def _rounded_to_work(value: Decimal) -> Decimal:
    with localcontext(prec=WORK_DIGITS):
        return +value


def _relu(x: Decimal) -> Decimal:
    return x if x > 0 else Decimal(0)


def _step(x: Decimal) -> Decimal:
    return Decimal(1) if x > 0 else Decimal(0)


#: The functions formulas call (core.activations.FORMULA_FUNCTIONS), on decimals.
FUNCTIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": _relu, "step": _step}

_NAMESPACE = {"__builtins__": {}, "_N": _Number, **FUNCTIONS}


@functools.lru_cache(maxsize=8192)
def _code(formula: str):
    """The formula with each number written as a _Number, compiled from text (a weighted sum
    of 1,000 terms is a tree too deep to rewrite as a tree)."""
    tokens = tokenize.generate_tokens(io.StringIO(formula).readline)
    text = " ".join(f"_N('{t.string}')" if t.type == tokenize.NUMBER else t.string
                    for t in tokens)
    return compile(text, "<formula>", "eval")


def exact_value(formula: str, values: Mapping[str, Decimal]) -> Decimal:
    """``formula`` worked in decimal arithmetic on ``values`` (names → Decimals)."""
    with localcontext(_EXACT):
        return eval(_code(formula), _NAMESPACE, values)  # noqa: S307 (the worksheet's formulas)


# ---------------------------------------------------------------- a step worked by hand

def given_decimals(network: Network) -> dict[str, Decimal]:
    """The given numbers as the decimals the network file writes."""
    return {name: decimal_of(value) for name, value in given_values(network).items()}


def worked_by_hand(network: Network, rounding: Rounding = DEFAULT_ROUNDING) -> dict[str, Decimal]:
    """Every quantity of one SGD step, each worked from the rounded ones before it and rounded.

    >>> from backprop_tutor.core.network import load_network, DEFAULT_NETWORK
    >>> worked_by_hand(load_network(DEFAULT_NETWORK))["out_h1"]      # σ(0.65) = 0.65701…
    Decimal('0.6570')
    """
    values = given_decimals(network)
    for step in definitions(network):
        values[step.name] = rounding.round(exact_value(step.formula, values))
    return values


def rounded_sheet(network: Network, decimals: int = DEFAULT_DECIMALS) -> Worksheet:
    """The worksheet worked by hand, rounding to ``decimals`` as you go (its values as floats).

    Each float is the one nearest to the hand-worked decimal, so printing it with
    ``decimals`` places writes that decimal.
    """
    values = worked_by_hand(network, Rounding("decimals", decimals))
    quantities = [Quantity(s.section, s.name, s.formula, float(values[s.name]))
                  for s in definitions(network)]
    return Worksheet(network, given_values(network), quantities)
