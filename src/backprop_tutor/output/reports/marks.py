"""A student's marks for a terminal: a verdict per answer, the rule that gave it, hints, a summary."""

from __future__ import annotations

import textwrap

from backprop_tutor.core.network import Network
from backprop_tutor.output import notation
from backprop_tutor.output.reports.worksheet import describe
from backprop_tutor.teaching.answers import unanswered
from backprop_tutor.teaching.marking import RULES, SIG_FIGS, Mark, counts, slip_summary

SYMBOLS = {"right": "✓", "wrong": "✗", "imprecise": "~"}


def rule_note(mark: Mark, sig_figs: int = SIG_FIGS) -> str:
    """What the rule that marked ``mark`` says, in words (the same words as the page)."""
    if mark.verdict == "right" and mark.follows_from:
        return f"{mark.rule}, follows through from your wrong {', '.join(mark.follows_from)}"
    return RULES[mark.rule].format(sig_figs=sig_figs)


def render_marks(marks: list[Mark], network: Network, sig_figs: int = SIG_FIGS,
                 fits: dict[str, int] | None = None) -> str:
    """The marks for a terminal: a verdict per answer, what was expected, hints, a summary.

    ``fits`` (right answers per hidden activation) says the activation was
    chosen as the one the answers fit best.
    """
    lines = [f"{network.title or 'Network'}, {describe(network)}"]
    if fits:
        chosen = network.hidden_activation
        tied = [a for a, n in fits.items() if n == fits[chosen]]
        if len(tied) > 1:
            lines.append(f"No hidden activation given: your answers fit {', '.join(tied[:-1])} and {tied[-1]} "
                         f"equally ({fits[chosen]} right each); marked for {chosen} "
                         "(set hidden_activation in the file or the option to choose).")
        else:
            tried = ", ".join(f"{a} {n}" for a, n in fits.items())
            lines.append(f"No hidden activation given: your answers fit {chosen} "
                         f"best (right answers: {tried}).")
    lines.append("Each answer is compared with what its formula gives from your own earlier "
                 f"answers, and needs at least {sig_figs} significant figures.")
    width = max(len(m.name) for m in marks)
    shown = {m.name: "?" if m.answer is None else notation.format_number(m.answer, 10)
             for m in marks}
    value_width = max(len(v) for v in shown.values())
    for m in marks:
        note = rule_note(m, sig_figs)
        lines.append(f"  {SYMBOLS[m.verdict]} {m.name:<{width}} = "
                     f"{shown[m.name]:<{value_width}}  {note}".rstrip())
        if m.verdict != "right" and m.rule != "not a number":
            lines.append(f"      but {notation.text(m.formula)} = "
                         f"{notation.format_number(m.expected)} from your own numbers")
        if m.hint:
            lines.append(f"      hint: {m.hint}")
    tally = counts(marks)
    lines.append(f"{tally['right']} of {len(marks)} answers right, {tally['wrong']} wrong, "
                 f"{tally['imprecise']} too imprecise.")
    summary = slip_summary(marks)
    if summary:
        lines.append(f"The slip behind most of your wrong answers ({summary['explains']} of "
                     f"{summary['wrong']}): {summary['description']}.")
    missing = unanswered(marks, network)
    if missing:
        lines += textwrap.wrap("Not answered: " + ", ".join(missing), 80)
    return "\n".join(lines) + "\n"
