"""Marking a student's own numbers: follow-through, one rounding rule, slip diagnosis.

Each answer is judged (``precision.py``) against three values of its line:

* the exact value (every quantity at full precision);
* its value from the student's own earlier answers, the values they did not
  write kept at full precision (follow-through: a slip early on is marked once);
* its value worked by hand from the same answers, the values they did not write
  rounded by the sheet's rule as they were used (``rounding.py``), or this
  line's own inputs left unrounded (w⁺ = w − η·δ·x in one step is right too):
  right when the answer is that decimal rounded, a tie away from zero
  (``rounded as you go``).

The best verdict wins, and among right ones the best rule: a correctly rounded
answer is never called truncated. The old weight given as the new one (``old
value``) is never right against a value that differs from it, 0 for a
quantity the rule does not round to 0 (``zero``) never, even when it follows
from a wrong 0 earlier. A line worked correctly from a wrong answer is right
and says it "follows through" from it; one worked from an imprecise answer
follows from nothing wrong.

A wrong answer is compared with what each slip of ``slips.py`` gives from the
same numbers, at the precision the answer is written to (0.0085 is matched
like 0.00853); every slip it matches is named ("either … or …").

The browser page (``output/page_assets/marking.js``) implements this very
rule on the same formulas; a test holds the two to identical verdicts.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections import ChainMap
from collections.abc import Sequence
from dataclasses import dataclass, field

from backprop_tutor.core.activations import FORMULA_FUNCTIONS
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import Shape, definitions, evaluate, given_values
from backprop_tutor.errors import AnswerFileError
from backprop_tutor.teaching.precision import (
    SLIP_FIGURES,
    Written,
    judge,
    matches,
    rounds_to,
    written,
)
from backprop_tutor.teaching.rounding import (
    DEFAULT_ROUNDING,
    Rounding,
    decimal_of,
    exact_value,
    round_half_away,
    rounding_rule,
)
from backprop_tutor.teaching.slips import SLIPS, Slip, names_read, old_value_name, slips

#: Verdicts in order of merit.
VERDICTS = ("wrong", "imprecise", "right")

#: What each rule says about an answer, in words (the page shows the same words);
#: ``{precision}`` is the rule's, e.g. "4 decimals" (``rule_words``).
RULES = {
    "exact": "exact",
    "rounded": "rounded",
    "rounded as you go": "rounded as you go",
    "truncated": "truncated, accepted (rounding is better)",
    "too imprecise": "too imprecise: {precision} needed",
    "old value": "the old value, never right for the new one",
    "zero": "0 is never right for a value that does not round to 0",
    "not close": "",
    "no finite value": "the exact value is not a finite number: no answer can be right",
    "not a number": "not a number",
}

# Among right answers, the rule named is the best one that holds: a correctly rounded
# answer is never called truncated.
_RULE_MERIT = {"truncated": 1, "rounded as you go": 2, "rounded": 3, "exact": 4}


def rule_words(rounding: Rounding = DEFAULT_ROUNDING) -> dict[str, str]:
    """RULES with the rule's precision filled in."""
    precision = (rounding.words if rounding.kind == "decimals"
                 else f"at least {rounding.words}")
    return {key: text.format(precision=precision) for key, text in RULES.items()}


@dataclass(frozen=True)
class Line:
    """A worksheet step as the marker reads it: formula, the names it reads, its slips."""

    name: str
    section: str
    formula: str
    depends: tuple[str, ...]
    old: str | None            # the parameter an update replaces
    slips: tuple[Slip, ...]


def marking_lines(network: Network) -> tuple[Line, ...]:
    """The marker's view of ``network``'s worksheet, in worksheet order.

    Lines, like formulas, depend on the network's shape only (a class's
    variants share one): they are made once per shape and kept.
    """
    shape = Shape.of(network)
    if shape not in _LINES:
        if len(_LINES) >= _SHAPES_KEPT:
            _LINES.clear()
        found = slips(network)
        _LINES[shape] = tuple(Line(s.name, s.section, s.formula, names_read(s.formula),
                                   old_value_name(s), tuple(found[s.name]))
                              for s in definitions(network))
    return _LINES[shape]


_SHAPES_KEPT = 64
_LINES: dict[Shape, tuple[Line, ...]] = {}


_FLOATS = {"__builtins__": {}, **FORMULA_FUNCTIONS}


@functools.lru_cache(maxsize=8192)
def _float_code(formula: str):
    return compile(formula, "<formula>", "eval")


def value_of(formula: str, values) -> float:
    """``formula`` evaluated on floats; inf or nan where the arithmetic overflows.

    ``values`` is read where it is, not copied: a line costs the same in a
    network of 1,000 units as in one of 5.
    """
    try:
        return float(eval(_float_code(formula), _FLOATS, values))  # noqa: S307 (our formulas)
    except OverflowError:
        try:    # a square too large for a float: the worksheet makes it inf, as a product does
            return float(evaluate(formula, dict(values)))
        except OverflowError:
            return math.inf
    except ZeroDivisionError:
        return math.nan


def exact_values(marked: Sequence[Line], given: dict) -> dict[str, float]:
    """Every quantity's exact value (inf where it overflows)."""
    values = dict(given)
    for line in marked:
        values[line.name] = value_of(line.formula, values)
    return {line.name: values[line.name] for line in marked}


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
    note: str = ""                     # how the answer was read, when it was not as written


def mark_lines(marked: Sequence[Line], given: dict, exact: dict, answers: dict,
               rounding: Rounding = DEFAULT_ROUNDING) -> list[Mark]:
    """Mark ``answers`` (name → text or number) line by line, with follow-through."""
    own, marks = dict(given), []
    hand = {name: decimal_of(value) for name, value in given.items()}   # worked as by hand
    unrounded = {}                     # lines not written, before they were rounded
    roots: dict[str, list[str]] = {}   # the wrong answers each value was worked from
    computed = {line.name for line in marked}
    for line in marked:
        expected = value_of(line.formula, own)
        own[line.name] = expected
        unrounded[line.name] = exact_value(line.formula, hand)
        hand[line.name] = rounding.round(unrounded[line.name])
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
        by_own = judge(answer, expected, rounding, old)
        by_exact = judge(answer, exact[line.name], rounding, old)
        found = [by_own, by_exact]
        if _worked_by_hand(answer, line, hand, unrounded, rounding):
            found.append(("right", "rounded as you go"))
        if by_exact[1] == "zero":
            # 0 for a non-zero quantity is never right, even when it follows from a wrong 0.
            verdict, rule = by_exact
        else:
            verdict, rule = max(found, key=lambda v: (VERDICTS.index(v[0]), _RULE_MERIT.get(v[1], 0)))
        follows = worked_from if verdict == "right" and by_exact[0] != "right" else []
        # A slip explains an answer that departs from the student's own numbers; one that
        # follows from them (a 0 worked from a wrong 0) needs no slip.
        explaining = (list(_slips_giving(answer, line, own, hand, computed))
                      if verdict == "wrong" and by_own[0] != "right" and rule != "no finite value"
                      else [])
        keys = list(dict.fromkeys(slip.key for slip in explaining))
        hints = list(dict.fromkeys(slip.hint for slip in explaining))
        note = f"read as {answer.text}: write a decimal point, not a comma" if answer.comma else ""
        marks.append(Mark(line.name, line.formula, answer.value, expected, exact[line.name],
                          verdict == "right", joined_hints(hints), verdict, rule, follows, keys, note))
        # An imprecise answer is not a wrong one: what is worked from it follows from nothing.
        roots[line.name] = [line.name] if verdict == "wrong" else follows
        own[line.name], hand[line.name] = answer.value, answer.decimal
        del unrounded[line.name]
    return marks


def _worked_by_hand(answer: Written, line: Line, hand: dict, unrounded: dict,
                    rounding: Rounding) -> bool:
    """Is ``answer`` the line worked by hand: from the rounded values, or with its own inputs
    that were not written down left unrounded (w⁺ = w − η·δ·x in one step)?"""
    if rounds_to(answer, unrounded[line.name], rounding):
        return True
    kept = {d: unrounded[d] for d in line.depends if d in unrounded}
    return bool(kept) and rounds_to(answer, exact_value(line.formula, ChainMap(kept, hand)),
                                    rounding)


def _slips_giving(answer: Written, line: Line, own: dict, hand: dict, computed: set):
    """The slips of ``line`` whose value, from the student's own numbers, the answer matches
    at the precision it is written to; from the values worked by hand too."""
    for slip in line.slips:
        if slip.round_to is None:
            value, by_hand = value_of(slip.formula, own), exact_value(slip.formula, hand)
        else:
            reads = [d for d in line.depends if d in computed]
            if not all(math.isfinite(own[d]) for d in reads):
                continue
            early = {d: float(round_half_away(decimal_of(own[d]), -slip.round_to)) for d in reads}
            value, by_hand = value_of(slip.formula, ChainMap(early, own)), None
        if matches(answer, value) or (
                by_hand is not None and answer.sig_figs >= SLIP_FIGURES
                and round_half_away(by_hand, answer.unit_exponent) == answer.decimal):
            yield slip


def joined_hints(hints: list[str]) -> str:
    """One hint, or "either A, or B" when several slips give the number."""
    if len(hints) < 2:
        return "".join(hints)
    return f"either {', or '.join(hints[:-1])}, or {hints[-1]}"


def check_answers(network: Network, answers: dict, decimals: int | None = None,
                  sig_figs: int | None = None, source="answers") -> list[Mark]:
    """Mark every answered quantity of ``network``, in worksheet order, with follow-through.

    ``answers`` maps names to numbers (or to the text the student typed). The
    rule the student rounded by: ``decimals`` places as they went, or else
    ``sig_figs`` significant figures; neither: 4 decimals, as the sheets ask.
    Raises AnswerFileError for a name that is not a quantity of this network.

    >>> from backprop_tutor.core.network import load_network, DEFAULT_NETWORK
    >>> net_h1, out_h1 = check_answers(load_network(DEFAULT_NETWORK),
    ...                                {"net_h1": 0.65, "out_h1": "0,6570"})
    >>> out_h1.verdict, out_h1.rule, out_h1.note
    ('right', 'rounded', 'read as 0.6570: write a decimal point, not a comma')
    """
    rounding = rounding_rule(decimals, sig_figs)
    marked = marking_lines(network)
    known = {line.name for line in marked}
    for name in answers:
        if name not in known:
            order = [line.name for line in marked]
            raise AnswerFileError(source, _short_key(name), "not a quantity of this network "
                                  f"(names like {', '.join(_similar(name, order))}, ...)")
    given = given_values(network)
    return mark_lines(marked, given, exact_values(marked, given), answers, rounding)


def _short_key(name: str) -> str:
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
    key = max(counts, key=lambda k: counts[k])
    if not counts[key]:
        return None
    return {"slip": key, "description": SLIPS[key], "explains": counts[key], "wrong": len(wrong)}


def slip_sentence(summary: dict) -> str:
    """The summary in words: "most" only for more than half of the wrong answers.

    >>> slip_sentence({"description": "η left out", "explains": 1, "wrong": 6})
    'The slip behind 1 of your 6 wrong answers: η left out.'
    """
    explains, wrong, what = summary["explains"], summary["wrong"], summary["description"]
    if wrong == 1:
        return f"The slip behind your wrong answer: {what}."
    if explains == wrong:
        return f"The slip behind all {wrong} of your wrong answers: {what}."
    if 2 * explains > wrong:
        return f"The slip behind most of your wrong answers ({explains} of {wrong}): {what}."
    return f"The slip behind {explains} of your {wrong} wrong answers: {what}."


def counts(marks: list[Mark]) -> dict[str, int]:
    """How many answers got each verdict."""
    return {verdict: sum(m.verdict == verdict for m in marks) for verdict in VERDICTS}
