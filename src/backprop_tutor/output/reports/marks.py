"""A student's marks as a document: a verdict per answer, the rule that gave it, hints, a summary."""

from __future__ import annotations

from backprop_tutor.core.network import Network
from backprop_tutor.document import notation
from backprop_tutor.document.blocks import Block, Item, Items, Paragraph
from backprop_tutor.output.reports.worksheet import describe
from backprop_tutor.output.writers import to_text
from backprop_tutor.teaching.answers import unanswered
from backprop_tutor.teaching.marking import Mark, counts, rule_words, slip_sentence, slip_summary
from backprop_tutor.teaching.rounding import DEFAULT_ROUNDING, Rounding

SYMBOLS = {"right": "✓", "wrong": "✗", "imprecise": "~"}


def rule_note(mark: Mark, rounding: Rounding = DEFAULT_ROUNDING) -> str:
    """What the rule that marked ``mark`` says, in words (the same words as the page)."""
    if mark.verdict == "right" and mark.follows_from:
        return f"{mark.rule}, follows through from your wrong {', '.join(mark.follows_from)}"
    return rule_words(rounding)[mark.rule]


def render_marks(marks: list[Mark], network: Network, rounding: Rounding = DEFAULT_ROUNDING,
                 fits: dict[str, int] | None = None) -> str:
    """The marks for a terminal."""
    return to_text(marks_blocks(marks, network, rounding, fits))


def marks_blocks(marks: list[Mark], network: Network, rounding: Rounding = DEFAULT_ROUNDING,
                 fits: dict[str, int] | None = None) -> list[Block]:
    """A verdict per answer with the rule that gave it, what was expected, hints, a summary.

    ``fits`` (right answers per hidden activation) says the activation was
    chosen as the one the answers fit best.
    """
    blocks: list[Block] = [Paragraph(f"{network.title or 'Network'}, {describe(network)}.")]
    if fits and network.hidden_activation is not None:   # fits: the activation was chosen
        blocks.append(Paragraph(_fit(network.hidden_activation, fits)))
    blocks.append(Paragraph("Each answer is compared with the exact value and with what its "
                            "formula gives from your own earlier answers, worked with every digit "
                            f"or rounded to {rounding.words} as you go (a tie away from zero)."))
    blocks.append(Items(tuple(_item(m, rounding) for m in marks)))
    tally = counts(marks)
    summary = [f"{tally['right']} of {len(marks)} answers right, {tally['wrong']} wrong, "
               f"{tally['imprecise']} too imprecise."]
    slip = slip_summary(marks)
    if slip:
        summary.append(slip_sentence(slip))
    blocks.append(Paragraph(" ".join(summary)))
    missing = unanswered(marks, network)
    if missing:
        blocks.append(Paragraph("Not answered: " + ", ".join(missing) + "."))
    return blocks


def _fit(chosen: str, fits: dict[str, int]) -> str:
    tied = [a for a, n in fits.items() if n == fits[chosen]]
    if len(tied) > 1:
        return (f"No hidden activation given: your answers fit {', '.join(tied[:-1])} and "
                f"{tied[-1]} equally ({fits[chosen]} right each); marked for {chosen} (set "
                "hidden_activation in the file or the option to choose).")
    tried = ", ".join(f"{a} {n}" for a, n in fits.items())
    return f"No hidden activation given: your answers fit {chosen} best (right answers: {tried})."


def _item(m: Mark, rounding: Rounding) -> Item:
    """One answer: its verdict and rule, then how it was read, what was expected and the hint."""
    answer = "?" if m.answer is None else notation.format_number(m.answer, 10)
    notes = [m.note] if m.note else []
    if m.rule == "zero" and m.expected == 0:
        notes.append(f"your own numbers give 0 too, but the exact value is "
                     f"{notation.format_number(m.exact)}: an earlier answer is wrong")
    elif m.verdict != "right" and m.rule != "not a number":
        notes.append(f"but {notation.text(m.formula)} = {notation.format_number(m.expected)} "
                     "from your own numbers")
    if m.hint:
        notes.append(f"hint: {m.hint}")
    return Item(f"{SYMBOLS[m.verdict]} {m.name} = {answer}: {rule_note(m, rounding)}", tuple(notes))
