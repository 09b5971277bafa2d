"""Checking a student's own numbers, line by line, with follow-through.

A student's answer file names the quantities they worked out (TOML or JSON)::

    net_h1 = 0.65
    out_h1 = 0.657
    delta_o1 = -0.0708

Each answer is compared with the value its formula gives *from the student's
own earlier answers* (follow-through): one slip early on is marked once, and
every later line that was worked correctly from it is marked right (so is a
line that has the exact value). An answer is right when it is what the
student's own inputs give, rounded to the decimals the student wrote::

    |answer - expected| <= 0.5 * 10**(-decimals written) + 1e-9 * |expected|

For a wrong answer the checker looks for the usual slips: a sign, a missing
factor 2/K of the loss convention, the updated weights used in the backward
pass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from backprop_tutor.core import files
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import evaluate, given_values, solve, steps
from backprop_tutor.errors import AnswerFileError


@dataclass(frozen=True)
class Mark:
    """One checked answer."""

    name: str
    formula: str
    answer: float
    expected: float   # from the student's own earlier answers
    exact: float      # from the exact values
    right: bool
    hint: str = ""


def load_answers(path) -> dict[str, float]:
    """Read a student's answers (TOML, or JSON if the file ends in .json): ``{name: number}``.

    A JSON file may also be the output of ``solve --format json``: its ``values`` are used.
    """
    text = files.read_text(path, AnswerFileError, "answer file")
    path = Path(path)
    document = (files.parse_json(text, path, AnswerFileError) if path.suffix == ".json"
                else files.parse_toml(text, path, AnswerFileError))
    if isinstance(document, dict) and isinstance(document.get("values"), dict):
        document = document["values"]
    if not isinstance(document, dict) or not document:
        raise AnswerFileError(path, None, "expected name = number lines, e.g. net_h1 = 0.65")
    answers = {}
    for name, value in document.items():
        try:
            answers[name] = files.finite_number(value)
        except ValueError as why:
            raise AnswerFileError(path, name, str(why)) from None
    return answers


def decimals_written(value: float) -> int:
    """Decimals of the shortest way to write ``value``: 0.657 → 3, 0.65 → 2, 12.0 → 0."""
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return max(0, len(mantissa.partition(".")[2].rstrip("0")) - int(exponent))
    return len(text.partition(".")[2].rstrip("0"))


def is_right(answer: float, expected: float) -> bool:
    """Whether ``answer`` is ``expected`` rounded to the decimals the answer has."""
    return abs(answer - expected) <= 0.5 * 10.0 ** -decimals_written(answer) + 1e-9 * abs(expected)


def check_answers(network: Network, answers: dict[str, float], source="answers") -> list[Mark]:
    """Mark every answered quantity, in worksheet order, with follow-through.

    Raises AnswerFileError for a name that is not a quantity of this network.
    """
    exact = solve(network)
    known = set(exact.values)
    for name in answers:
        if name not in known:
            raise AnswerFileError(source, name, "not a quantity of this network "
                                   f"(names like {', '.join(list(known)[:4])}, ...)")
    own = given_values(network)       # the student's values where given, exact ones elsewhere
    marks = []
    for step in steps(network):
        expected = float(evaluate(step.formula, own))
        if step.name in answers:
            answer = answers[step.name]
            right = is_right(answer, expected) or is_right(answer, exact[step.name])
            hint = "" if right else _hint(step, answer, expected, own, exact, network)
            marks.append(Mark(step.name, step.formula, answer, expected, exact[step.name], right, hint))
            own[step.name] = answer
        else:
            own[step.name] = expected
    return marks


def _hint(step, answer: float, expected: float, own: dict, exact, network: Network) -> str:
    """The usual slip that explains a wrong answer, if one does."""
    n_outputs = len(network.targets)
    candidates = {
        "the sign is wrong": -expected,
        "off by the factor 2/K between ½Σ(t − out)² and mean((t − out)²)": expected * 2 / n_outputs,
        "off by the factor K/2 between mean((t − out)²) and ½Σ(t − out)²": expected * n_outputs / 2,
    }
    if step.name.startswith("delta_h"):
        updated = {name: exact[f"{name}_new"] for name in own if f"{name}_new" in exact.values}
        candidates["the backward pass must use the weights from before the update"] = float(
            evaluate(step.formula, {**own, **updated}))
    for hint, value in candidates.items():
        if value != expected and is_right(answer, value):
            return hint
    return ""


def unanswered(marks: list[Mark], network: Network) -> list[str]:
    """The quantities of the network that were not answered, in worksheet order."""
    answered = {m.name for m in marks}
    return [step.name for step in steps(network) if step.name not in answered]


def marks_json(marks: list[Mark], network: Network) -> dict:
    """The marks as JSON-ready data."""
    right = sum(m.right for m in marks)
    return {"marks": [asdict(m) for m in marks], "right": right, "wrong": len(marks) - right,
            "unanswered": unanswered(marks, network)}
