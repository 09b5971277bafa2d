"""Marking a student's own numbers: follow-through, one precision rule, slip diagnosis.

Each answer is judged against two values: the one its formula gives from the
student's own earlier answers (follow-through: a slip early on is marked
once) and the exact one. It is *right* against a value v when it is

* ``exact``: |answer − v| ≤ 1e-9·|v| (0 for an inactive ReLU unit, an unchanged −0.6), or
* ``rounded``: v rounded at the answer's last written digit, |answer − v| ≤ ½·unit
  (with unwritten trailing zeros up to ``sig_figs`` figures: 0.65 is 0.650), or
* ``truncated``: v cut off at the last written digit, |answer − v| < unit, |answer| < |v|,

and carries at least ``sig_figs`` significant figures (3 by default); with
fewer it is ``imprecise`` ("too imprecise"), neither right nor wrong. The old
weight given as the new one (``old value``) is never right against a value
that differs from it, 0 given for a non-zero exact value (``zero``) never,
even when it follows from a wrong 0 earlier; no answer is right against a
value that is not finite.

A wrong answer is compared with what each slip of ``slips.py`` gives from
the same own numbers; every slip whose value the answer matches by the same
rule is named ("either … or …" when several do).

The browser page (``output/page_assets/marking.js``) implements this very
rule on the same formulas; a test holds the two to identical verdicts.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import evaluate, given_values, steps
from backprop_tutor.errors import AnswerFileError
from backprop_tutor.teaching.slips import SLIPS, Slip, names_read, old_value_name, slips

#: Verdicts in order of merit.
VERDICTS = ("wrong", "imprecise", "right")

#: Significant figures an answer needs by default.
SIG_FIGS = 3

#: What each rule says about an answer, in words (the page shows the same words).
RULES = {
    "exact": "exact",
    "rounded": "rounded",
    "truncated": "truncated, accepted (rounding is better)",
    "too imprecise": "too imprecise: at least {sig_figs} significant figures needed",
    "old value": "the old value, never right for the new one",
    "zero": "0 is never right for a non-zero value",
    "not close": "",
    "no finite value": "the exact value is not a finite number: no answer can be right",
    "not a number": "not a number",
}

_WRITTEN = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?", re.ASCII)


@dataclass(frozen=True)
class Written:
    """An answer as written: its value, significant figures and the unit of its last digit.

    >>> written("0.0708")
    Written(text='0.0708', value=0.0708, sig_figs=3, unit_exponent=-4)
    """

    text: str
    value: float
    sig_figs: int
    unit_exponent: int     # the last written digit is in the place of 10**unit_exponent

    @property
    def unit(self) -> float:
        return float(f"1e{self.unit_exponent}")


def written(answer) -> Written | None:
    """Read an answer (text, or a number as the shortest text giving it); None if not a number.

    A number read from a file has lost its trailing zeros (0.300 arrives as 0.3):
    ``judge`` lets trailing zeros go unwritten.
    """
    text = answer if isinstance(answer, str) else number_text(answer)
    text = text.strip().replace("−", "-")
    match = _WRITTEN.fullmatch(text)
    if not match or not (match[2] or match[3]):
        return None
    value = float(text)
    if not math.isfinite(value):
        return None
    digits = (match[2] + (match[3] or "")).lstrip("0")
    unit_exponent = int(match[4] or 0) - len(match[3] or "")
    return Written(text, value, len(digits), unit_exponent)


def number_text(value: float) -> str:
    """The shortest text of a float, without the ``.0`` of a whole number: 1.0 → "1"."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def judge(answer: Written, value: float, sig_figs: int = SIG_FIGS,
          old: float | None = None) -> tuple[str, str]:
    """The verdict on ``answer`` against ``value``, and the name of the rule that gave it.

    ``old`` is the value an updated weight had before: given as the new one it is wrong.

    >>> judge(written("0.657"), 0.6570104626)
    ('right', 'rounded')
    >>> judge(written("0.66"), 0.6570104626)
    ('imprecise', 'too imprecise')
    """
    if not math.isfinite(value):
        return "wrong", "no finite value"
    difference, slack = abs(answer.value - value), 1e-9 * abs(value)
    if difference <= slack:
        return "right", "exact"
    if old is not None and answer.value == old:
        return "wrong", "old value"
    if answer.value == 0:
        return "wrong", "zero"
    if difference <= 0.5 * answer.unit + slack:
        rule = "rounded"
    elif (difference < answer.unit + slack and abs(answer.value) < abs(value)
          and (answer.value > 0) == (value > 0)):
        rule = "truncated"
    else:
        return "wrong", "not close"
    if answer.sig_figs < sig_figs:
        # Trailing zeros go unwritten (and a file's numbers lose them): 0.65 for 0.65004 is
        # the value to 3 figures, 0.650; 0.66 for 0.65701 could be 0.66 or 0.660 and is neither.
        padded = float(f"1e{answer.unit_exponent - (sig_figs - answer.sig_figs)}")
        if rule == "rounded" and difference <= 0.5 * padded + slack:
            return "right", rule
        return "imprecise", "too imprecise"
    return "right", rule


@dataclass(frozen=True)
class Line:
    """A worksheet step as the marker reads it: formula, the names it reads, its slips."""

    name: str
    section: str
    formula: str
    depends: tuple[str, ...]
    old: str | None            # the parameter an update replaces
    slips: tuple[Slip, ...]


def lines(network: Network) -> list[Line]:
    """The marker's view of ``network``'s worksheet, in worksheet order."""
    found = slips(network)
    return [Line(s.name, s.section, s.formula, names_read(s.formula), old_value_name(s),
                 tuple(found[s.name])) for s in steps(network)]


def value_of(formula: str, values: dict) -> float:
    """``formula`` evaluated on floats; inf or nan where the arithmetic overflows."""
    try:
        return float(evaluate(formula, values))
    except OverflowError:
        return math.inf
    except ZeroDivisionError:
        return math.nan


def exact_values(marked: list[Line], given: dict) -> dict[str, float]:
    """Every quantity's exact value (inf where it overflows)."""
    values = dict(given)
    for line in marked:
        values[line.name] = value_of(line.formula, values)
    return {line.name: values[line.name] for line in marked}


def round_half_up(value: float, decimals: int) -> float:
    """``value`` rounded to ``decimals``, ties away from zero (JavaScript's toFixed does the same)."""
    if not math.isfinite(value) or abs(value) >= 1e21:
        return value    # toFixed leaves these alone; at this size a float has no hundredths
    return float(Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Mark:
    """One checked answer."""

    name: str
    formula: str
    answer: float | None
    expected: float   # from the student's own earlier answers
    exact: float      # from the exact values
    right: bool
    hint: str = ""
    verdict: str = "wrong"             # right | wrong | imprecise
    rule: str = ""                     # exact | rounded | truncated | too imprecise | ...
    follows_from: list[str] = field(default_factory=list)   # wrong answers it was worked from
    slips: list[str] = field(default_factory=list)          # keys of SLIPS that explain it


def mark_lines(marked: list[Line], given: dict, exact: dict, answers: dict,
               sig_figs: int = SIG_FIGS) -> list[Mark]:
    """Mark ``answers`` (name → text or number) line by line, with follow-through."""
    own, marks = dict(given), []
    roots: dict[str, list[str]] = {}   # the wrong answers each value was worked from
    computed = {line.name for line in marked}
    for line in marked:
        expected = value_of(line.formula, own)
        own[line.name] = expected
        worked_from = list(dict.fromkeys(r for d in line.depends for r in roots.get(d, [])))
        roots[line.name] = worked_from
        if line.name not in answers:
            continue
        answer = written(answers[line.name])
        if answer is None:
            marks.append(Mark(line.name, line.formula, None, expected, exact[line.name], False,
                              verdict="wrong", rule="not a number"))
            continue
        old = given[line.old] if line.old else None
        by_own = judge(answer, expected, sig_figs, old)
        by_exact = judge(answer, exact[line.name], sig_figs, old)
        if by_exact[0] == "right" or by_exact[1] == "zero":
            # 0 for a non-zero quantity is never right, even when it follows from a wrong 0.
            verdict, rule = by_exact
        else:
            verdict, rule = max(by_own, by_exact, key=lambda v: VERDICTS.index(v[0]))
        follows = worked_from if verdict == "right" and by_exact[0] != "right" else []
        # A slip explains an answer that departs from the student's own numbers; one that
        # follows from them (a 0 worked from a wrong 0) needs no slip.
        found = (list(_slips_giving(answer, line, own, computed, sig_figs))
                 if verdict == "wrong" and by_own[0] != "right" and rule != "no finite value"
                 else [])
        keys = list(dict.fromkeys(slip.key for slip in found))
        hints = list(dict.fromkeys(slip.hint for slip in found))
        marks.append(Mark(line.name, line.formula, answer.value, expected, exact[line.name],
                          verdict == "right", either(hints), verdict, rule, follows, keys))
        roots[line.name] = [line.name] if verdict != "right" else follows
        own[line.name] = answer.value
    return marks


def _slips_giving(answer: Written, line: Line, own: dict, computed: set, sig_figs: int):
    """The slips of ``line`` whose value, from the student's own numbers, the answer matches."""
    for slip in line.slips:
        values = own if slip.round_to is None else {
            **own, **{d: round_half_up(own[d], slip.round_to) for d in line.depends if d in computed}}
        if judge(answer, value_of(slip.formula, values), sig_figs)[0] == "right":
            yield slip


def either(hints: list[str]) -> str:
    """One hint, or "either A, or B" when several slips give the number."""
    if len(hints) < 2:
        return "".join(hints)
    return f"either {', or '.join(hints[:-1])}, or {hints[-1]}"


def check_answers(network: Network, answers: dict, source="answers",
                  sig_figs: int = SIG_FIGS) -> list[Mark]:
    """Mark every answered quantity of ``network``, in worksheet order, with follow-through.

    ``answers`` maps names to numbers (or to the text the student typed).
    Raises AnswerFileError for a name that is not a quantity of this network.
    """
    marked = lines(network)
    known = [line.name for line in marked]
    for name in answers:
        if name not in known:
            raise AnswerFileError(source, _shown(name), "not a quantity of this network "
                                  f"(names like {', '.join(_similar(name, known))}, ...)")
    given = given_values(network)
    return mark_lines(marked, given, exact_values(marked, given), answers, sig_figs)


def _shown(name: str) -> str:
    # A long or multi-line key is shortened: the error stays one short line.
    name = name.encode("unicode_escape").decode("ascii")
    return name if len(name) <= 40 else name[:37] + "..."


def _similar(name: str, known: list[str]) -> list[str]:
    """Up to four known names close to ``name``, else the first four: the same every run."""
    return difflib.get_close_matches(name, known, n=4, cutoff=0.6) or known[:4]


def slip_summary(marks: list[Mark]) -> dict | None:
    """The slip that explains most of the wrong answers (first in SLIPS order on a tie)."""
    wrong = [m for m in marks if m.verdict == "wrong"]
    counts = {key: sum(key in m.slips for m in wrong) for key in SLIPS}
    key = max(counts, key=counts.get)
    if not counts[key]:
        return None
    return {"slip": key, "description": SLIPS[key], "explains": counts[key], "wrong": len(wrong)}


def counts(marks: list[Mark]) -> dict[str, int]:
    """How many answers got each verdict."""
    return {verdict: sum(m.verdict == verdict for m in marks) for verdict in VERDICTS}
