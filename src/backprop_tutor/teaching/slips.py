"""The usual slips of Problem 2, each as a formula: what a line gives when worked with that slip.

For every worksheet step the slip formulas are derived from the step's own
formula string (``core/worksheet.py``, the single source of truth) by
rewriting one part of it, e.g. for ``delta_o1 = (out_o1 - t1) * out_o1 * (1 - out_o1)``::

    sign of (out − t)        (t1 - out_o1) * out_o1 * (1 - out_o1)
    f′ missing at the output (out_o1 - t1)
    σ′ as net(1 − net)       (out_o1 - t1) * net_o1 * (1 - net_o1)

The marker evaluates these formulas from the student's own earlier numbers,
exactly as it evaluates the right one, so a slip is recognised when the
student's number is what the slipped line gives. Slips are data: the page
gets the same formulas as JSON and needs no knowledge of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backprop_tutor.core import names
from backprop_tutor.core.activations import ACTIVATIONS, FORMULA_FUNCTIONS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import Definition, definitions, given_values, sent_by

#: Every slip the marker recognises, by key, in the order hints are given.
SLIPS = {
    "sign": "the sign of (out − t) flipped",
    "loss_factor": "the factor 2/K between ½Σ(t − out)² and mean((t − out)²)",
    "updated_weights": "updated weights used in the backward pass",
    "no_output_derivative": "f′ missing at the output",
    "no_hidden_derivative": "f′ missing at a hidden unit",
    "sigmoid_derivative_of_net": "σ′ taken as net(1 − net) instead of out(1 − out)",
    "tanh_derivative_of_net": "tanh′ taken as 1 − net² instead of 1 − out²",
    "relu_derivative_of_negative": "relu′ of a negative net taken as 1",
    "sigmoid_derivative_elsewhere": "σ′ = out(1 − out) used for a tanh or relu unit",
    "sigmoid_plus": "σ computed with e^(+x)",
    "step_added": "the step added instead of subtracted (w + η·g)",
    "no_learning_rate": "η left out (w − g)",
    "not_updated": "the old value given as the new one",
    "wrong_source": "the wrong source in a gradient (i2 for i1, out_h2 for out_h1)",
    "wrong_weight": "the wrong weight in a hidden δ (w6 for w5)",
    "rounded_early": "rounding too early (intermediates rounded to 2 decimals)",
}

#: The wrong derivatives a student writes, by activation: (slip, formula, hint) over a unit's
#: ``{net}`` and ``{out}``.
WRONG_DERIVATIVES = {
    "sigmoid": [("sigmoid_derivative_of_net", "{net} * (1 - {net})",
                 "σ′ taken as net(1 − net): {net} where {out} belongs")],
    "tanh": [("tanh_derivative_of_net", "(1 - {net}**2)",
              "tanh′ taken as 1 − {net}² instead of 1 − {out}²"),
             ("sigmoid_derivative_elsewhere", "{out} * (1 - {out})",
              "σ′ = {out}(1 − {out}) used for a tanh unit: tanh′ is 1 − {out}²")],
    "relu": [("relu_derivative_of_negative", "1",
              "relu′({net}) taken as 1 for a negative net (relu′ is 0 there)"),
             ("sigmoid_derivative_elsewhere", "{out} * (1 - {out})",
              "σ′ = {out}(1 − {out}) used for a relu unit: relu′ is 1 where net > 0, else 0")],
}

#: A wrong weight or source is looked for among this many units on either side of the right
#: one (w6 for w5, i2 for i1): the slips of a step grow with the network, not with its square.
NEIGHBOURS = 2

#: Slips of rounding: intermediate values rounded to this many decimals.
EARLY_DECIMALS = 2

_NAME = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True)
class Slip:
    """A line worked with one slip: its key in SLIPS, a hint naming it here, its formula.

    With ``round_to`` the formula is the right one, evaluated from the
    computed quantities it reads rounded to that many decimals.
    """

    key: str
    hint: str
    formula: str
    round_to: int | None = None


@dataclass(frozen=True)
class _Shape:
    """A network's unit and weight names, and where each unit is: made once per network."""

    units: list[list[str]]
    weights: list
    place: dict[str, tuple[int, int]]       # unit → (layer, position in it)

    @classmethod
    def of(cls, network: Network) -> _Shape:
        units = names.unit_names(network.sizes)
        place = {u: (k, c) for k, layer in enumerate(units) for c, u in enumerate(layer)}
        return cls(units, names.weight_names(network.sizes), place)


def slips(network: Network) -> dict[str, list[Slip]]:
    """The slips that can happen on each step of ``network``'s worksheet, by step name."""
    shape = _Shape.of(network)
    units = shape.units
    activation = {u: layer.activation for layer, layer_units in zip(network.layers, units[1:], strict=True)
                  for u in layer_units}
    given, found = given_values(network), {}
    # Each source's layer, as the gradients name them (i1, out_h1): one look-up per gradient.
    sources = [[sent_by(u) for u in layer] for layer in units[:-1]]
    layers = {src: layer for layer in sources for src in layer}
    for step in definitions(network):
        kind, _, rest = step.name.partition("_")
        if step.section == "forward" and kind == "out":
            candidates = _output_slips(rest, activation[rest])
        elif step.section == "loss" and kind == "E":
            candidates = _loss_share_slips(network, rest)
        elif kind == "delta":
            candidates = _delta_slips(network, shape, rest, activation[rest])
        elif step.section == "gradients" and rest.startswith("dw"):
            candidates = _source_slips(layers, step.formula)
        elif step.section == "update":
            candidates = _update_slips(step.formula)
        else:
            candidates = []
        rewritten = [(key, hint, rewrite(step.formula)) for key, hint, rewrite in candidates]
        result = [Slip(key, hint, f) for key, hint, f in rewritten if f and f != step.formula]
        if any(name not in given for name in names_read(step.formula)):   # a value worked out
            result.append(Slip("rounded_early", f"rounded too early: this is what your own "
                               f"numbers give rounded to {EARLY_DECIMALS} decimals",
                               step.formula, EARLY_DECIMALS))
        found[step.name] = result
    return found


def _replace(old: str, new: str):
    """A rewrite replacing the text ``old`` (None when the formula does not contain it)."""
    return lambda formula: formula.replace(old, new) if old in formula else None


def _rename(mapping: dict[str, str]):
    """A rewrite replacing whole names, all at once (w5 → w6 leaves w55 alone)."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, mapping)) + r")\b")
    return lambda formula: pattern.sub(lambda m: mapping[m[1]], formula)


def _output_slips(unit: str, activation: str) -> list:
    if activation != "sigmoid":
        return []
    return [("sigmoid_plus", "σ computed with e^(+x): 1/(1 + e^net) instead of 1/(1 + e^(−net))",
             _replace(f"sigmoid(net_{unit})", f"sigmoid(-net_{unit})"))]


def _other_loss(network: Network):
    return LOSSES["mse" if network.loss == "half_sse" else "half_sse"]


def _loss_share_slips(network: Network, output: str) -> list:
    k = len(network.targets)
    t = f"t{output[1:]}"
    this, other = LOSSES[network.loss], _other_loss(network)
    return [("loss_factor", f"the other loss convention: {other.description}",
             _replace(this.share_formula(f"out_{output}", t, k),
                      other.share_formula(f"out_{output}", t, k)))]


def _delta_slips(network: Network, shape: _Shape, unit: str, activation: str) -> list:
    derivative = ACTIVATIONS[activation].derivative_of(unit)
    found = []
    if unit.startswith("o"):
        k = len(network.targets)
        out, t = f"out_{unit}", f"t{unit[1:]}"
        gradient = LOSSES[network.loss].gradient_formula(out, t, k)
        found += [
            ("sign", f"the sign of (out − t) flipped: ({t} − {out}) instead of ({out} − {t})",
             _replace(gradient, LOSSES[network.loss].gradient_formula(t, out, k))),
            ("loss_factor", "off by the factor 2/K between ½Σ(t − out)² and mean((t − out)²): "
                            f"{_other_loss(network).description}",
             _replace(gradient, _other_loss(network).gradient_formula(out, t, k))),
            ("no_output_derivative", f"f′(net_{unit}) missing at the output",
             _replace(f" * {derivative}", "")),
        ]
    else:
        found.append(("no_hidden_derivative", f"f′(net_{unit}) missing at the hidden unit",
                      _replace(f" * {derivative}", "")))
        found += _hidden_weight_slips(shape, unit)
    for key, template, hint in WRONG_DERIVATIVES.get(activation, []):
        names = {"net": f"net_{unit}", "out": f"out_{unit}"}
        found.append((key, hint.format(**names), _replace(derivative, template.format(**names))))
    return found


def _hidden_weight_slips(shape: _Shape, unit: str) -> list:
    """Updated weights, or a nearby unit's weights, on the paths from ``unit`` to the next layer."""
    layer, column = shape.place[unit]
    downstream, w_next = shape.units[layer + 1], shape.weights[layer]
    own = {w_next[r][column]: u for r, u in enumerate(downstream)}
    found = [("updated_weights", "the backward pass must use the weights from before the update",
              _rename({w: f"({w} - eta * delta_{u} * {sent_by(unit)})" for w, u in own.items()}))]
    row = shape.units[layer]
    for other in range(max(0, column - NEIGHBOURS), min(len(row), column + NEIGHBOURS + 1)):
        if other != column:
            mapping = {w_next[r][column]: w_next[r][other] for r in range(len(downstream))}
            found.append(("wrong_weight", "the wrong weight in the hidden δ: "
                          f"{', '.join(mapping.values())} (from {row[other]}) instead of "
                          f"{', '.join(mapping)}", _rename(mapping)))
    return found


def _source_slips(layers: dict[str, list[str]], formula: str) -> list:
    """A unit near the right one in the same layer as the source of a weight's gradient."""
    delta, _, src = formula.partition(" * ")
    layer = layers[src]
    at = layer.index(src)
    return [("wrong_source", f"the wrong source in the gradient: {other} instead of {src}",
             lambda f, new=other: f"{delta} * {new}")
            for other in layer[max(0, at - NEIGHBOURS):at + NEIGHBOURS + 1] if other != src]


def _update_slips(formula: str) -> list:
    if " - eta * " not in formula:
        return []     # a frozen bias keeps its value: nothing to slip on
    old, _, gradient = formula.partition(" - eta * ")
    return [("step_added", "the step added instead of subtracted: "
                           f"{old} + η·{gradient} instead of {old} − η·{gradient}",
             lambda f: f"{old} + eta * {gradient}"),
            ("no_learning_rate", f"η left out: {old} − {gradient} instead of {old} − η·{gradient}",
             lambda f: f"{old} - {gradient}"),
            ("not_updated", f"no update: the old {old} given as {old}_new", lambda f: old)]


def names_read(formula: str) -> tuple[str, ...]:
    """The names a formula reads, in order of first appearance (functions left out)."""
    found = (n for n in _NAME.findall(formula) if n not in FORMULA_FUNCTIONS)
    return tuple(dict.fromkeys(found))


def old_value_name(step: Definition) -> str | None:
    """The parameter an update step replaces (``w5`` for ``w5_new``), None for other steps."""
    return step.name.removesuffix("_new") if step.section == "update" else None
