"""A student's formula marks (Problem 1) for a terminal or a notebook: ✓, ✗ or · per formula."""

from __future__ import annotations

from backprop_tutor.teaching.formulas import FormulaMark


def render_formula_marks(marks: list[FormulaMark]) -> str:
    """One line per formula; for a wrong one, where and how it differs from the worked solution."""
    lines = []
    for m in marks:
        if m.right is None:
            lines.append(f"  · {m.name}: not written yet")
            continue
        lines.append(f"  {'✓' if m.right else '✗'} {m.name} = {m.formula}")
        if m.right:
            continue
        where = "at the file's numbers" if m.point == 0 else f"at random numbers (set {m.point})"
        if m.error:
            lines.append(f"      cannot be evaluated {where}: {m.error}")
        else:
            lines.append(f"      gives {m.value:.6g} {where}, where {m.name} = {m.expected:.6g}")
        if m.point > 0:
            lines.append("      (it is right at the file's numbers only by coincidence)")
    return "\n".join(lines) + "\n"
