"""An answer as the student wrote it, and the precision rule that judges it against a value.

An answer is read from its text (a number in a file by its shortest text): its
value, its significant figures and the place of its last written digit, the
*unit*. Against a value v it is

* ``exact``: |answer − v| ≤ 1e-9·|v|, or
* ``rounded``: v rounded at the last written digit: |answer − v| ≤ ½·unit, or
* ``truncated``: v cut off there: |answer − v| < unit and |answer| < |v|,

and it is precise enough when it keeps the digits the rounding rule keeps
(4 decimals, or N significant figures of v), or fewer whose unwritten
trailing zeros make it v rounded by the rule (0.65 for 0.65004 is 0.6500).
A close answer with fewer digits is ``imprecise``.

``rounds_to`` asks the same of a decimal value worked by hand, exactly: the
answer must be that decimal rounded at its last digit, a tie away from zero.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from backprop_tutor.teaching.rounding import (
    DEFAULT_ROUNDING,
    Rounding,
    decimal_of,
    round_half_away,
)

#: Significant figures an answer needs before a slip is named from it.
SLIP_FIGURES = 2

_WRITTEN = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?", re.ASCII)


@dataclass(frozen=True)
class Written:
    """An answer as written: its value, significant figures, the unit of its last digit.

    ``comma``: written with a decimal comma (0,475), read as 0.475.

    >>> written("0.0708")
    Written(text='0.0708', value=0.0708, sig_figs=3, unit_exponent=-4, comma=False)
    """

    text: str
    value: float
    sig_figs: int
    unit_exponent: int     # the last written digit is in the place of 10**unit_exponent
    comma: bool = False

    @property
    def unit(self) -> float:
        return float(f"1e{self.unit_exponent}")

    @property
    def decimal(self) -> Decimal:
        """The answer as the decimal written (0.0708, not the float nearest to it)."""
        return Decimal(self.text)


def written(answer) -> Written | None:
    """Read an answer (text, or a number as the shortest text giving it); None if not a number.

    A number read from a file has lost its trailing zeros (0.300 arrives as 0.3):
    ``judge`` lets trailing zeros go unwritten. One decimal comma and no point
    (0,475: a European keyboard or spreadsheet) is read as a decimal point.
    """
    text = answer if isinstance(answer, str) else number_text(answer)
    text = text.strip().replace("−", "-")
    comma = text.count(",") == 1 and "." not in text
    if comma:
        text = text.replace(",", ".")
    match = _WRITTEN.fullmatch(text)
    if not match or not (match[2] or match[3]):
        return None
    value = float(text)
    digits = (match[2] + (match[3] or "")).lstrip("0")
    if not math.isfinite(value) or (value == 0 and digits):   # beyond a float: 1e999, 1e-999
        return None
    unit_exponent = int(match[4] or 0) - len(match[3] or "")
    return Written(text, value, len(digits), unit_exponent, comma)


def number_text(value: float) -> str:
    """The shortest text of a float, without the ``.0`` of a whole number: 1.0 → "1"."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def judge(answer: Written, value: float, rounding: Rounding = DEFAULT_ROUNDING,
          old: float | None = None) -> tuple[str, str]:
    """The verdict on ``answer`` against ``value``, and the name of the rule that gave it.

    ``old`` is the value an updated weight had before: given as the new one it is wrong.

    >>> judge(written("0.6570"), 0.6570104626)
    ('right', 'rounded')
    >>> judge(written("0.66"), 0.6570104626), judge(written("0.66"), 0.657, Rounding("sig_figs", 2))
    (('imprecise', 'too imprecise'), ('right', 'rounded'))
    """
    if not math.isfinite(value):
        return "wrong", "no finite value"
    difference, slack = abs(answer.value - value), 1e-9 * abs(value)
    if difference <= slack:
        return "right", "exact"
    if old is not None and answer.value == old:
        return "wrong", "old value"
    if answer.value == 0 and rounding.round(decimal_of(value)):
        return "wrong", "zero"     # 0 is right only where the rule rounds the value to 0
    if difference <= 0.5 * answer.unit + slack:
        rule = "rounded"
    elif _truncates(answer, value, difference, slack):
        rule = "truncated"
    else:
        return "wrong", "not close"
    needed = rounding.exponent(decimal_of(value))
    if answer.unit_exponent <= needed:
        return "right", rule
    # Fewer digits than the rule keeps. Trailing zeros go unwritten (and a file's numbers lose
    # them): 0.65 for 0.65004 is 0.6500; 0.66 for 0.65701 could be 0.6600 and is neither.
    if rule == "rounded" and difference <= 0.5 * float(f"1e{needed}") + slack:
        return "right", rule
    return "imprecise", "too imprecise"


def _truncates(answer: Written, value: float, difference: float, slack: float) -> bool:
    return (difference < answer.unit + slack and abs(answer.value) < abs(value)
            and (answer.value > 0) == (value > 0))


def rounds_to(answer: Written, value: Decimal, rounding: Rounding) -> bool:
    """Is ``answer`` the decimal ``value`` rounded at its last written digit, a tie away from zero?

    With fewer digits than the rule keeps, its unwritten trailing zeros count.
    """
    exponent = min(answer.unit_exponent, rounding.exponent(value))
    return round_half_away(value, exponent) == answer.decimal


def matches(answer: Written, value: float) -> bool:
    """The answer is ``value`` at the precision it is written to (2 significant figures or more)."""
    if not math.isfinite(value):
        return False
    difference, slack = abs(answer.value - value), 1e-9 * abs(value)
    return difference <= slack or (answer.sig_figs >= SLIP_FIGURES and (
        difference <= 0.5 * answer.unit + slack or _truncates(answer, value, difference, slack)))
