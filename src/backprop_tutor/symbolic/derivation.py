"""Problem 1: backpropagation derived step by step with SymPy, and proven.

The derivation goes as a lecture at the board does:

1. the network's formulas and its loss;
2. each activation's derivative, derived from its definition;
3. the delta notation::

       delta_u = dE/dnet_u        dE/dw_us = delta_u * out_s        dE/db_u = delta_u

4. the output layer, for a weight w from unit s into output unit o::

       dE/dw = dE/dout_o * dout_o/dnet_o * dnet_o/dw = delta_o * out_s

5. each hidden layer, where E depends on a unit h along one path through
   each unit u that h feeds::

       delta_h = f'(net_h) * sum_u w_uh * delta_u

6. the proof (``proof.py``): the chain rule unit by unit, each step a small
   identity shown by SymPy; the whole gradient at random points against
   mpmath's derivative of E; and at the file's numbers the exact value
   against the worksheet's float, within the float's own rounding.

Networks with at most ``FULL_LIMIT`` weights and biases are written in full:
every unit's formulas, every weight's gradient, and E and every gradient
written out in the inputs, targets, weights and biases (that expression grows
with the product of the layer sizes). Larger networks show one representative
unit and weight per layer, and say so.

Every formula on the board is the worksheet's own (``worksheet.definitions``), read
by SymPy instead of evaluated on floats, so that the derivation, the worked
solution and the answer checker cannot drift apart. Where the board derives a
step with SymPy, the result is checked against the worksheet's formula.

SymPy is imported inside the functions that use it: importing this module,
or starting the command line, does not import it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from backprop_tutor import extras
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import given_values
from backprop_tutor.io import json_data
from backprop_tutor.symbolic import sections
from backprop_tutor.symbolic.proof import (
    TOLERANCE,
    UNDERFLOW,
    PointCheck,
    Proof,
    how_proven,
    identities,
    prove,
    random_points,
    sentence_text,
)
from backprop_tutor.symbolic.reading import SymbolicWorksheet
from backprop_tutor.symbolic.sections import FULL_LIMIT, Section

HEADING = "Problem 1, backpropagation derived"


# ---------------------------------------------------------------- the derivation and its proof

@dataclass(frozen=True)
class Derivation:
    """The derivation of backpropagation for one network, with its proof.

    The expressions are strings that ``sympy.sympify`` reads back:

    * ``definitions`` (``net_u``, ``out_u``, ``E_o``, ``E``) and ``delta_form``
      (``delta_u``, ``dE_dw...``, ``dE_db_...``): each over the names it reads,
      as the worksheet writes it;
    * ``loss`` (E) and ``gradients``: written out in the primitive symbols
      only (inputs ``i1 ...``, targets ``t1 ...``, weights ``w1 ...``, biases
      ``b_h1 ..., b_o1 ...``); None above ``FULL_LIMIT`` weights and biases.

    ``every_weight``: whether every unit and weight is shown, or one per layer.
    """

    network: Network
    sections: tuple[Section, ...]
    loss: str | None
    definitions: dict[str, str]
    delta_form: dict[str, str]
    gradients: dict[str, str] | None
    proofs: tuple[Proof, ...]
    deltas: dict
    points: tuple[PointCheck, ...]
    every_weight: bool

    @property
    def proven(self) -> bool:
        return all(proof.holds for proof in self.proofs) and all(c.holds for c in self.points)


def derive(network: Network, every_weight: bool | None = None) -> Derivation:
    """Derive backpropagation for ``network`` with SymPy, and prove every gradient.

    ``every_weight``: show every unit's formulas and every weight's gradient
    (True), or one representative unit and weight per layer (False); None
    chooses True for networks with at most ``FULL_LIMIT`` weights and biases.
    Every gradient is proven either way.

    >>> from backprop_tutor.core.network import load_network, DEFAULT_NETWORK
    >>> derivation = derive(load_network(DEFAULT_NETWORK))
    >>> derivation.delta_form["delta_o1"], derivation.proven
    ('out_o1*(1 - out_o1)*(out_o1 - t1)', True)
    """
    extras.require("sympy")
    sheet = SymbolicWorksheet.of(network)
    small = len(sheet.names_of("dE_d")) <= FULL_LIMIT
    every_weight = small if every_weight is None else every_weight
    shown = identities(sheet)
    proofs, points = prove(sheet, shown), random_points(sheet)
    deltas = {name: step for name, step in shown.items() if name.startswith("delta_")}
    primitive = sheet.written_out() if small else None
    hidden = [sections.hidden_section(sheet, layer, every_weight)
              for layer in range(len(network.layers) - 2, -1, -1)]
    written = (sections.network_section(sheet, every_weight), sections.activation_section(sheet),
               sections.delta_section(), sections.output_section(sheet, every_weight), *hidden,
               sections.written_out_section(sheet, primitive),
               sections.proof_section(sheet, proofs, points, every_weight))
    defined = sheet.names_of("net_", "out_", "E")
    worked_back = sheet.names_of("delta_", "dE_d")
    return Derivation(network, written,
                      loss=str(primitive["E"]) if primitive is not None else None,
                      definitions={n: str(sheet.symbolic[n]) for n in defined},
                      delta_form={n: str(sheet.symbolic[n]) for n in worked_back},
                      gradients=({n: str(primitive[n]) for n in sheet.names_of("dE_d")}
                                 if primitive is not None else None),
                      proofs=proofs, deltas=deltas, points=points, every_weight=every_weight)


# ---------------------------------------------------------------- JSON

def _json_number(value: float) -> float | None:
    """JSON has no NaN or infinity: such a value is written as null."""
    return value if math.isfinite(value) else None


def derivation_json(derivation: Derivation) -> dict:
    """The derivation's results as a JSON-ready dict (see ``Derivation`` for the expressions)."""
    network = derivation.network
    given = given_values(network)
    proofs = derivation.proofs
    return {
        "title": network.title,
        "activations": [layer.activation for layer in network.layers],
        "loss": network.loss,
        "symbols": {kind: [n for n in given if re.fullmatch(pattern, n)]
                    for kind, pattern in (("inputs", r"i\d+"), ("targets", r"t\d+"),
                                          ("weights", r"w\d+"), ("biases", r"b_\w+"))},
        "written_out": derivation.gradients is not None,
        "written_out_limit": FULL_LIMIT,
        "every_weight": derivation.every_weight,
        "E": derivation.loss,
        "gradients": derivation.gradients,
        "delta_form": derivation.delta_form,
        "definitions": derivation.definitions,
        "proof": {
            "proven": derivation.proven,
            "how": [sentence_text(sentence) for sentence in how_proven(len(proofs), proofs[0].digits)],
            "tolerance": TOLERANCE,
            "underflow": UNDERFLOW,
            "digits": proofs[0].digits,
            "deltas": {name: {"identity": f"{name} = {step.claim}", "difference": step.difference,
                              "method": step.method, "relies_on": list(step.relies_on)}
                       for name, step in derivation.deltas.items()},
            "gradients": {p.gradient: {"identity": f"{p.gradient} = {p.identity.claim}",
                                       "difference": p.difference, "method": p.method,
                                       "chain_rule": p.chain_rule, "exact": p.exact,
                                       "value": _json_number(p.value),
                                       "worksheet": _json_number(p.worksheet),
                                       "off": _json_number(p.off), "bound": _json_number(p.bound),
                                       "holds": p.holds}
                          for p in proofs},
            "random_points": [{"point": c.point, "chain_rule": _json_number(c.chain_rule),
                               "independent": _json_number(c.independent), "holds": c.holds}
                              for c in derivation.points],
        },
    }


def render_json(derivation: Derivation) -> str:
    return json_data.dumps(derivation_json(derivation))
