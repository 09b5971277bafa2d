"""Reading a student's answer file, and choosing the network the answers are for.

A student's answer file names the quantities they worked out (TOML or JSON),
and may say what they answer::

    hidden_activation = "tanh"     # optional: hidden_activation, output_activation,
    decimals = 4                   # loss, learning_rate, variant, and the rounding rule:
    net_h1 = 0.65                  # decimals = N or sig_figs = N (4 decimals if neither)
    out_h1 = "0.5717"              # a number may be a string: it keeps its trailing zeros
    delta_o1 = -0.0548

The command line's options override these settings. Without either, the
answers are marked for each of the three hidden activations and the one
they fit best is taken (``check_file``). The marking itself is in
``marking.py``, the slips it recognises in ``slips.py``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from backprop_tutor.core.activations import ACTIVATIONS, TUTORIAL_ACTIVATIONS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import definitions
from backprop_tutor.errors import AnswerFileError, shown
from backprop_tutor.io import files
from backprop_tutor.teaching.marking import (
    Mark,
    check_answers,
    counts,
    slip_summary,
)
from backprop_tutor.teaching.precision import written
from backprop_tutor.teaching.rounding import DEFAULT_ROUNDING, Rounding, rounding_rule

#: Keys of an answer file that say what it answers, not a quantity.
SETTINGS = ("hidden_activation", "output_activation", "loss", "learning_rate", "variant",
            "decimals", "sig_figs")

#: The most digits a rounding rule keeps (``decimals``, ``sig_figs``, and the options).
MAX_DIGITS = 15

#: The longest number written as a string in an answer file.
MAX_TEXT = 100


@dataclass(frozen=True)
class AnswerFile:
    """A student's answers ``{name: number or number text}`` and the settings the file gives."""

    answers: dict[str, float | str]
    settings: dict


def load_answers(path, hidden_activation: str | None = None) -> AnswerFile:
    """Read a student's answers (TOML, or JSON if the file ends in .json) and their settings.

    A JSON file may also be the output of ``solve --format json``: its ``values``
    are used, with its settings; of several cases the one for ``hidden_activation``.
    """
    text = files.read_text(path, AnswerFileError, "answer file")
    path = Path(path)
    document = (files.parse_json(text, path, AnswerFileError) if path.suffix == ".json"
                else files.parse_toml(text, path, AnswerFileError))
    return split_answers(document, path, hidden_activation)


def split_answers(document, path, hidden_activation: str | None = None) -> AnswerFile:
    """Split a parsed answer file into answers and settings, and check both."""
    settings = {}
    if isinstance(document, dict) and isinstance(document.get("cases"), list):
        document = _pick_case(document["cases"], path, hidden_activation)
    if isinstance(document, dict) and isinstance(document.get("values"), dict):
        settings = {k: document[k] for k in SETTINGS if document.get(k) is not None}
        document = document["values"]
    elif isinstance(document, dict):
        settings = {k: document[k] for k in SETTINGS if k in document}
        document = {k: v for k, v in document.items() if k not in SETTINGS}
    if not isinstance(document, dict) or not document:
        raise AnswerFileError(path, None, "expected name = number lines, e.g. net_h1 = 0.65")
    answers = {name: _answer(value, path, name) for name, value in document.items()}
    _check_settings(settings, path)
    return AnswerFile(answers, settings)


def _answer(value, path, name: str) -> float | str:
    """A number, or a number written as a string (with a decimal comma too: "0,475")."""
    if isinstance(value, str):
        if len(value) <= MAX_TEXT and written(value) is not None:
            return value
        raise AnswerFileError(path, name, f"expected a number, got {shown(value)}")
    try:
        return files.finite_number(value)
    except ValueError as why:
        raise AnswerFileError(path, name, str(why)) from None


def _pick_case(cases: list, path, hidden_activation: str | None) -> dict:
    """The case of ``solve``'s several-case JSON for the chosen hidden activation."""
    found = [c.get("hidden_activation") for c in cases if isinstance(c, dict)]
    for case in cases:
        if (isinstance(case, dict) and hidden_activation
                and case.get("hidden_activation") == hidden_activation):
            return case
    raise AnswerFileError(path, "cases", f"{len(cases)} cases ({', '.join(map(str, found))}): "
                          "pick one with --hidden-activation")


def _check_settings(settings: dict, path) -> None:
    for key, allowed in (("hidden_activation", ACTIVATIONS), ("output_activation", ACTIVATIONS),
                         ("loss", LOSSES)):
        # A list or table is no name (and cannot even be looked up in a dict).
        if key in settings and not (isinstance(settings[key], str) and settings[key] in allowed):
            raise AnswerFileError(path, key, f"expected one of {', '.join(allowed)}, "
                                  f"got {shown(settings[key])}")
    rate = settings.get("learning_rate")
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, (int, float))
                             or not math.isfinite(rate) or rate <= 0):
        raise AnswerFileError(path, "learning_rate", f"expected a positive number, got {shown(rate)}")
    for key, low in (("decimals", 0), ("sig_figs", 1)):
        digits = settings.get(key)
        if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int)
                                   or not low <= digits <= MAX_DIGITS):
            raise AnswerFileError(path, key, f"expected a whole number from {low} to "
                                  f"{MAX_DIGITS}, got {shown(digits)}")
    if "decimals" in settings and "sig_figs" in settings:
        raise AnswerFileError(path, "sig_figs", "give decimals or sig_figs, not both")


def resolve_network(network: Network, settings: dict, options: dict, source="answers") -> Network:
    """The network the answers are for: ``options`` (not None) override the file's ``settings``.

    A variant ID (``variant`` in either, e.g. ``007-03R``) makes that student's network
    again from ``network``, the template it was drawn from (``variants.variant_network``).
    """
    if options.get("variant") is not None or "variant" in settings:
        from backprop_tutor.teaching.variants import variant_network

        given = options.get("variant") is not None
        variant = options["variant"] if given else settings["variant"]
        if not isinstance(variant, str):
            raise AnswerFileError(source, "variant", f"expected a variant ID such as \"007-03R\", "
                                  f"got {str(variant)[:40]!r}")
        network = variant_network(variant, network, source="--variant" if given else f"{source}: variant")
    chosen = {key: options[key] if options.get(key) is not None else settings.get(key)
              for key in ("hidden_activation", "output_activation", "loss", "learning_rate")}
    return network.with_options(**chosen)


@dataclass(frozen=True)
class Checked:
    """Marks for one answer file, on the network they were marked for.

    ``fits`` (right answers per hidden activation) is set when the activation
    was not given and was chosen as the one the answers fit best.
    """

    network: Network
    marks: list[Mark]
    fits: dict[str, int] | None = None
    rounding: Rounding = field(default=DEFAULT_ROUNDING)


def rule_of(answer_file: AnswerFile, decimals: int | None = None,
            sig_figs: int | None = None) -> Rounding:
    """The rounding rule: from the options if given, else from the file, else 4 decimals."""
    if decimals is not None or sig_figs is not None:
        return rounding_rule(decimals, sig_figs)
    return rounding_rule(answer_file.settings.get("decimals"), answer_file.settings.get("sig_figs"))


def check_file(network: Network, answer_file: AnswerFile, options: dict, source="answers",
               rounding: Rounding | None = None) -> Checked:
    """Mark an answer file; without a hidden activation try each and keep the best fit.

    On a tie the network's own activation wins, then the tutorial's order.
    ``rounding``: the rule the student rounded by (default: the file's, else 4 decimals).
    """
    rounding = rounding or rule_of(answer_file)
    rule = {rounding.kind: rounding.digits}
    network = resolve_network(network, answer_file.settings, options, source)
    answers = answer_file.answers
    given = options.get("hidden_activation") or answer_file.settings.get("hidden_activation")
    if given or network.hidden_activation is None:
        return Checked(network, check_answers(network, answers, source=source, **rule),
                       rounding=rounding)
    tried = {a: network.with_options(hidden_activation=a)
             for a in dict.fromkeys([network.hidden_activation, *TUTORIAL_ACTIVATIONS])}
    marks = {a: check_answers(net, answers, source=source, **rule) for a, net in tried.items()}
    fits = {a: sum(m.right for m in found) for a, found in marks.items()}
    best = max(fits, key=lambda a: fits[a])
    return Checked(tried[best], marks[best], fits, rounding)


def unanswered(marks: list[Mark], network: Network) -> list[str]:
    """The quantities of the network that were not answered, in worksheet order."""
    answered = {m.name for m in marks}
    return [step.name for step in definitions(network) if step.name not in answered]


def marks_json(checked: Checked) -> dict:
    """The marks as JSON-ready data: each mark with its verdict and the rule that gave it."""
    tally = counts(checked.marks)
    # Non-finite numbers become null where the JSON is written (io.json_data).
    return {"marks": [asdict(m) for m in checked.marks], "right": tally["right"],
            "wrong": tally["wrong"], "imprecise": tally["imprecise"],
            "unanswered": unanswered(checked.marks, checked.network),
            "hidden_activation": checked.network.hidden_activation, "fits": checked.fits,
            "slip_summary": slip_summary(checked.marks),
            "rounding": {"decimals": checked.rounding.decimals,
                         "sig_figs": checked.rounding.sig_figs, "rule": checked.rounding.sentence}}
