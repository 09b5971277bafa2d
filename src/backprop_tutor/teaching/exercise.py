"""What a question sheet asks, and what its answer key must show to work it out.

Problem 2 on a sheet is worked once per hidden activation (sigmoid, tanh,
relu). ``--ask`` chooses the quantities a student writes into boxes:

* ``default``, for the tutorial's 20 minutes: with the first activation the
  forward pass (every net and out), E, every delta and two updated weights
  (the first weight of the first layer and of the output layer); with each
  further activation only what its change teaches: the hidden outs, the
  deltas and the same two updated weights;
* ``all``: every quantity of the worked solution, for every activation;
* a list of names (``net_h1,delta_o1,w5_new``): those, for every activation.

The answer key works out each asked quantity and, in the order of the
worked solution, the quantities it needs on the way (``key_lines``).
"""

from __future__ import annotations

import math
from collections import ChainMap
from dataclasses import dataclass
from decimal import Decimal

from backprop_tutor.core import names
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import definitions, solve
from backprop_tutor.errors import VariantError
from backprop_tutor.teaching.rounding import Rounding, decimal_of, exact_value, worked_by_hand
from backprop_tutor.teaching.slips import names_read

ASK_PRESETS = ("default", "all")


def parse_ask(text: str, network: Network) -> str | tuple[str, ...]:
    """``default``, ``all`` or a tuple of quantity names checked against ``network``.

    >>> from backprop_tutor.core.network import load_network, DEFAULT_NETWORK
    >>> parse_ask("net_h1, delta_o1", load_network(DEFAULT_NETWORK))
    ('net_h1', 'delta_o1')
    """
    text = text.strip()
    if text in ASK_PRESETS:
        return text
    asked = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    known = [step.name for step in definitions(network)]
    unknown = [name for name in asked if name not in known]
    if unknown or not asked:
        named = ", ".join(unknown) if unknown else "nothing"
        raise VariantError("--ask", None, f"unknown quantity {named}: use default, all, or names "
                                          f"of this network's quantities, from {known[0]} to "
                                          f"{known[-1]} (as `solve` names them)")
    return asked


def asked_quantities(network: Network, ask, activations: tuple[str, ...]) -> dict[str, list[str]]:
    """The asked names per hidden activation, in the order of the worked solution."""
    order = [step.name for step in definitions(network)]
    if ask == "all":
        return {a: order for a in activations}
    if ask != "default":
        return {a: [name for name in order if name in ask] for a in activations}
    units = names.unit_names(network.sizes)
    weights = names.weight_names(network.sizes)
    updates = [f"{weights[0][0][0]}_new", f"{weights[-1][0][0]}_new"]
    deltas = [name for name in order if name.startswith("delta_")]
    first = [n for n in order if n.startswith(("net_", "out_"))] + ["E"] + deltas + updates
    hidden_outs = [f"out_{u}" for layer in units[1:-1] for u in layer]
    further = hidden_outs + deltas + updates
    return {a: _in_order(first if k == 0 else further, order)
            for k, a in enumerate(activations)}


def key_lines(network: Network, asked: list[str]) -> list[str]:
    """The asked quantities and every quantity they need on the way, in worksheet order."""
    formulas = {step.name: step.formula for step in definitions(network)}
    needed, todo = set(), list(asked)
    while todo:
        name = todo.pop()
        if name in formulas and name not in needed:
            needed.add(name)
            todo += names_read(formulas[name])
    return [name for name in formulas if name in needed]


def _in_order(chosen: list[str], order: list[str]) -> list[str]:
    wanted = set(chosen)
    return [name for name in order if name in wanted]


@dataclass(frozen=True)
class Answer:
    """One box of a sheet: the value a student should write, and how far from it is right.

    ``expected`` is worked by hand, rounding to ``decimals`` places as you go
    (``rounding.worked_by_hand``); ``exact`` at full precision. ``tolerance`` is
    the smallest multiple of 10^-decimals that is at least |expected − exact| +
    10^-decimals / 2 and at least |expected − the line worked in one step| (its
    inputs that are not asked left unrounded: w⁺ = w − η·δ·x), so a student who
    rounds as they go, one who works a line in one step and one who keeps every
    digit are all right.
    """

    activation: str
    quantity: str
    expected: float
    exact: float
    tolerance: float
    decimals: int

    @property
    def written(self) -> str:
        """``expected`` as the key writes it: exactly ``decimals`` places."""
        return f"{self.expected + 0.0:.{self.decimals}f}"   # + 0.0: no "-0.0000"

    @property
    def written_tolerance(self) -> str:
        return f"{self.tolerance:.{self.decimals}f}"


def answers(cases: dict[str, Network], asked: dict[str, list[str]], decimals: int,
            by_hand: dict[str, dict] | None = None) -> list[Answer]:
    """Every asked quantity of every case (hidden activation → network), in sheet order.

    ``by_hand``: each case's step worked by hand with this rule, if already worked
    (``rounding.worked_by_hand``); otherwise it is worked here.
    """
    rule = Rounding("decimals", decimals)
    unit = Decimal(1).scaleb(-decimals)
    found = []
    for activation, network in cases.items():
        hand = by_hand[activation] if by_hand else worked_by_hand(network, rule)
        exact = solve(network)
        formulas = {line.name: line.formula for line in definitions(network)}
        for name in asked[activation]:
            expected = hand[name]
            # The inputs of this line that are not asked may go unrounded (one step).
            kept = {d: exact_value(formulas[d], hand) for d in names_read(formulas[name])
                    if d in formulas and d not in asked[activation]}
            one_step = rule.round(exact_value(formulas[name], ChainMap(kept, hand)))
            drift = max(abs(decimal_of(exact[name]) - expected) + unit / 2,
                        abs(one_step - expected))
            found.append(Answer(activation, name, float(expected), exact[name],
                                float(math.ceil(drift / unit) * unit), decimals))
    return found
