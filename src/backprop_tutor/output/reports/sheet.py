"""A student's question sheet and answer key as document blocks (the class kit's pages).

``Exercise(network, ask, decimals)`` is what a sheet asks of one network: per
hidden activation the asked quantities, the step worked by hand (rounding as
you go) and the answers. ``sheet_blocks`` makes the question sheet from it:
Problem 1 with room to derive, Problem 2 with the network drawn, its given
numbers, room to work and a box per asked quantity; ``key_blocks`` the answer
key: each asked quantity worked out with the rounded numbers, the unrounded
value beside.
"""

from __future__ import annotations

import functools

from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import definitions, given_values, solve
from backprop_tutor.document import notation
from backprop_tutor.document.blocks import (
    Block,
    Figure,
    Heading,
    Inline,
    PageBreak,
    Paragraph,
    Space,
    Table,
)
from backprop_tutor.document.formulas import formula as _formula
from backprop_tutor.output.reports.worksheet import NOTE, given_table
from backprop_tutor.teaching.exercise import Answer, answers, asked_quantities, key_lines
from backprop_tutor.teaching.rounding import Rounding, rounding_rule, worked_by_hand
from backprop_tutor.teaching.variants import by_hidden_activation

#: Digits shown of a given number: enough for any grid of ``Settings.decimals``.
DIGITS = 6

#: Significant digits of a key's unrounded values.
FULL_DIGITS = 12

#: An empty box is as wide as this many em spaces.
BOX_WIDTH = 10

PROBLEM_1 = ("Take a network whose hidden and output units are sigmoids, with the loss "
             "E = ½·Σ (t − out)². Derive, with the chain rule, the gradient ∂E/∂w of a weight "
             "into an output unit and of a weight into a hidden unit. Write both with "
             "δ = ∂E/∂net, and show how the δ of a hidden unit is made from the δs of the "
             "units it feeds. Write your derivation in the box below.")

#: A formula or name as the sheets and keys show it. Every student's sheet and key show the
#: same formulas (only the numbers differ): each is written once per process.
formula = functools.lru_cache(maxsize=4096)(_formula)

#: Answer boxes are this high on paper, in mm: room for a handwritten number.
BOX_HEIGHT = 9

#: The sheet's drawing is printed across the text width: its labels print at 9 pt or more
#: (a weight's 13 px label, in a drawing of the tutorial's network about 600 px wide, at 10 pt).
DRAWING_WIDTH = 1.0


class Exercise:
    """What a sheet asks of one network: per hidden activation the asked names, the step
    worked by hand (rounding as you go, worked once for the answers and the key) and the answers."""

    def __init__(self, network: Network, ask, decimals: int):
        self.decimals = decimals
        self.cases = by_hidden_activation(network)
        self.asked = asked_quantities(network, ask, tuple(self.cases))
        rule = Rounding("decimals", decimals)
        self.by_hand = {a: worked_by_hand(case, rule) for a, case in self.cases.items()}
        self.answers = answers(self.cases, self.asked, decimals, self.by_hand)


# ---------------------------------------------------------------- the sheet

def sheet_blocks(network: Network, exercise: Exercise, figure: str, label: str,
                 student: str, note: str = "") -> list[Block]:
    """The question sheet: Problem 1 and room to derive (page 1); Problem 2, the network and its
    given numbers (page 2); per hidden activation room to work and a box per asked quantity
    (the first activation a page, the others two to a page)."""
    blocks: list[Block]
    blocks = [Heading(1, f"Backpropagation by hand{f': variant {label}' if label else ''}"),
              Paragraph(f"Name: ______________________   Student: {student or '______________'}"
                        + (f"   Variant: {label}" if label else ""))]
    if note:
        blocks.append(Paragraph(note))
    blocks += [Heading(2, "Problem 1: derive backpropagation"), Paragraph(PROBLEM_1),
               Space("Your derivation"), PageBreak(),
               Heading(2, "Problem 2: one SGD update by hand"),
               Paragraph(_problem_2(network, exercise)),
               Figure(figure, "Your network: its inputs, target, weights and biases "
                              "(the same numbers as in the table).", DRAWING_WIDTH),
               given_table(given_values(network), DIGITS)]
    if len(exercise.asked) > 1 and len(network.layers) > 1:
        blocks.append(Space("Your working: the weighted sums (net) into the first hidden layer "
                            "are the same with every hidden activation"))
    for k, (activation, names) in enumerate(exercise.asked.items()):
        if k == 0 or k % 2 == 1:   # the first case on its own page, then two to a page
            blocks.append(PageBreak())
        blocks += [Heading(3, _case_heading(network, activation)),
                   Space(f"Your working: {_case_heading(network, activation)}"), _boxes(names)]
    return blocks


def _problem_2(network: Network, exercise: Exercise) -> str:
    activations = list(exercise.cases)
    hidden = (f"Work it {_times(len(activations))}, with {_listed(activations)} hidden units "
              f"(relu′(0) = 0); the output unit is {network.output_activation}. "
              if len(network.layers) > 1 else "")
    return (f"Do one step of stochastic gradient descent on the network below, for its one "
            f"training sample, with learning rate η = {notation.format_number(network.learning_rate)} "
            f"and the loss {LOSSES[network.loss].description}. {hidden}The backward pass uses "
            f"the weights from before the update. {rounding_rule(exercise.decimals).sentence} Write "
            f"the values asked for in their boxes.")


def _boxes(names: list[str]) -> Table:
    """Two quantities and their empty boxes to a row."""
    box = "\u2003" * BOX_WIDTH
    rows = []
    for k in range(0, len(names), 2):
        pair = names[k:k + 2]
        rows.append((formula(pair[0]), box, formula(pair[1]) if len(pair) > 1 else "", box))
    # The boxes share the rest of the line: room to write (and Typst typesets the sheet faster).
    return Table(("quantity", "your answer", "quantity", "your answer"), tuple(rows), align="llll",
                 row_height=BOX_HEIGHT, stretch=(1, 3))


# ---------------------------------------------------------------- the key

def key_blocks(network: Network, exercise: Exercise, label: str, student: str) -> list[Block]:
    """The answer key: each asked quantity worked out, rounded as you go, unrounded beside."""
    who = f" (student {student})" if student else ""
    blocks: list[Block]
    blocks = [Heading(1, f"Answer key: variant {label}{who}"),
              Paragraph(f"Every value is rounded to {exercise.decimals} decimals as it is "
                        f"worked out, as the sheet asks ({rounding_rule(exercise.decimals).sentence}), "
                        f"and used rounded in the lines after it; the unrounded value is beside "
                        f"it. {NOTE} Quantities in brackets are not asked: they are worked out "
                        f"on the way."),
              given_table(given_values(network), DIGITS)]
    by_case: dict[str, dict[str, Answer]] = {}
    for answer in exercise.answers:
        by_case.setdefault(answer.activation, {})[answer.quantity] = answer
    for activation, case in exercise.cases.items():
        blocks += [Heading(3, _case_heading(network, activation)),
                   _worked(case, exercise.asked[activation], by_case.get(activation, {}),
                           exercise.decimals, exercise.by_hand[activation])]
    return blocks


def _worked(network: Network, asked: list[str], boxes: dict[str, Answer], decimals: int,
            by_hand: dict) -> Table:
    """A row per line of the key: the quantity, its formula with the rounded numbers, the values.

    ``by_hand``: the step worked by hand, rounding to ``decimals`` as you go
    (``rounding.worked_by_hand``); each value is shown as the float nearest to it,
    as ``rounding.rounded_sheet`` gives it.
    """
    exact = solve(network)
    given = given_values(network)
    formulas = {line.name: line.formula for line in definitions(network)}
    values = {**given, **{name: float(by_hand[name]) for name in formulas}}
    rows = []
    for name in key_lines(network, asked):
        worked: Inline = formula(formulas[name])
        if len(notation.tokens(formulas[name])) > 1:
            # The numbers as plain text: typeset as math, each line would cost a conversion
            # to Typst (about 4 ms), more than the rest of the key.
            worked = (worked, " = " + notation.text(formulas[name], values, decimals))
        quantity = formula(name) if name in boxes else ("(", formula(name), ")")
        rows.append((quantity, worked, f"{values[name] + 0.0:.{decimals}f}",
                     f"{exact[name] + 0.0:.{FULL_DIGITS}g}"))
    # The formulas' column takes the rest of the line (Typst then typesets the key faster).
    return Table(("quantity", "worked out with the rounded numbers", f"{decimals} decimals",
                  f"unrounded ({FULL_DIGITS} digits)"), tuple(rows), align="llrr", stretch=(1,))


# ---------------------------------------------------------------- shared pieces

def _case_heading(network: Network, activation: str) -> str:
    if len(network.layers) == 1:
        return f"Problem 2 ({activation} output)"
    return f"Problem 2 with {activation} hidden units"


def _times(n: int) -> str:
    return {1: "once", 2: "twice", 3: "three times"}.get(n, f"{n} times")


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
