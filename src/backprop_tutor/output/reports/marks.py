"""A student's marks for a terminal: ✓ or ✗ per answer, what was expected, hints, a summary."""

from __future__ import annotations

import textwrap

from backprop_tutor.core.network import Network
from backprop_tutor.output import notation
from backprop_tutor.output.reports.worksheet import describe
from backprop_tutor.teaching.answers import Mark, unanswered


def render_marks(marks: list[Mark], network: Network) -> str:
    """The marks for a terminal: ✓ or ✗ per answer, what was expected, hints, a summary."""
    lines = [f"{network.title or 'Network'}, {describe(network)}",
             "Each answer is compared with what its formula gives from your own earlier answers."]
    width = max(len(m.name) for m in marks)
    for m in marks:
        lines.append(f"  {'✓' if m.right else '✗'} {m.name:<{width}} = "
                     f"{notation.format_number(m.answer, 10)}")
        if not m.right:
            lines.append(f"      but {notation.text(m.formula)} = "
                         f"{notation.format_number(m.expected)} from your own numbers")
        if m.hint:
            lines.append(f"      hint: {m.hint}")
    lines.append(f"{sum(m.right for m in marks)} of {len(marks)} answers right.")
    missing = unanswered(marks, network)
    if missing:
        lines += textwrap.wrap("Not answered: " + ", ".join(missing), 80)
    return "\n".join(lines) + "\n"
