"""The network drawn as SVG with its given numbers: the practice page's drawing and the sheet's.

One function lays the drawing out (``network_svg``): units in columns, each
connection with its weight, each unit's bias (an input's value) under it, the
targets on the right. The practice page styles it with ``page.css``; the
question sheets (``classkit``) take the same drawing as a file that carries
its own style (``standalone=True``), printed across the text width by Typst.
It is written from a few lines of text, not plotted: a class of a thousand
sheets draws its networks in well under a second.
"""

from __future__ import annotations

import itertools

from backprop_tutor.core import names
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import given_values
from backprop_tutor.document import notation

#: Vertical distance between units, and the smallest horizontal one, in SVG units (px).
ROW, MIN_COLUMN = 100, 170
#: Unit radius; the width of a character of a weight label (13 px) and of a value label (14 px),
#: a little generous.
RADIUS, CHAR, VALUE_CHAR = 24, 7.8, 8.4
#: Weight labels of one layer are at least this many rows apart vertically (a label is 18 px high).
LABEL_GAP = 0.2
#: Room left of the inputs, and right of the longest target label.
LEFT, RIGHT = 75, 12
#: A target's label starts this far right of its unit's centre.
TARGET_GAP = 34

#: The drawing's own style when it stands alone (a sheet's figure file). The practice page
#: styles the same classes in page.css, which its Content-Security-Policy allows.
STANDALONE_STYLE = (".edge{stroke:#6b7580;stroke-width:1.4}"
                    ".unit{fill:#fff;stroke:#3d5a80;stroke-width:2}"
                    "text{font-family:'Libertinus Serif',serif;font-size:14px;fill:#1d1f22}"
                    ".weight{font-size:13px;fill:#3d5a80}.halo{fill:#fff}.name{font-weight:600}")


def network_svg(network: Network, standalone: bool = False) -> str:
    """The network drawn as SVG: units in columns, each edge with its weight, biases, targets.

    A weight's label sits on its edge at fraction ``t`` of the way from the
    source: ``t = min(0.35, (1 − LABEL_GAP) / n)`` for a layer of ``n`` > 1
    units, ``t = ½`` into a single unit. The label of the edge from source s
    to unit r is then at height (1 − t)·s + t·r rows (plus the layers'
    offsets), so labels from one source are t rows apart and those of the next
    source start LABEL_GAP rows below them, even where edges cross (into one
    unit, labels of neighbouring sources are 1 − t ≥ ½ row apart). The column
    is wide enough to put every label clear of the circles at both ends and of
    the values written under them.

    The SVG holds names and numbers only; its <title> and <desc> say what it
    shows. ``standalone``: a file of its own, with its style and XML declaration.
    """
    units = names.unit_names(network.sizes)
    weights = names.weight_names(network.sizes)
    values = given_values(network)
    notes = _unit_notes(units, values)
    height = ROW * max(network.sizes)
    label_weights = sum(a * b for a, b in itertools.pairwise(network.sizes)) <= 40
    fractions = [0.5 if len(layer) == 1 else max(LABEL_GAP, min(0.35, (1 - LABEL_GAP) / len(layer)))
                 for layer in units[1:]]
    columns = []
    for source, target, into, t in zip(units[:-1], units[1:], weights, fractions, strict=True):
        half_label = max(len(_label(name, values)) for row in into for name in row) * CHAR / 2
        half_note = max(len(notes.get(unit, "")) for unit in source + target) * VALUE_CHAR / 2
        clear = (max(RADIUS, half_note) + 6 + half_label) / min(t, 1 - t) if label_weights else 0
        columns.append(max(MIN_COLUMN, clear))
    x = [float(LEFT)]
    for column in columns:
        x.append(x[-1] + column)
    place: dict[str, tuple[float, float]] = {}
    for c, column_units in enumerate(units):
        offset = (height - ROW * len(column_units)) / 2 + ROW / 2
        for r, unit in enumerate(column_units):
            place[unit] = (x[c], offset + r * ROW)
    parts, labels = [], []
    for layer_weights, previous, current, t in zip(weights, units[:-1], units[1:], fractions,
                                                   strict=True):
        for r, unit in enumerate(current):
            for c, src in enumerate(previous):
                (x1, y1), (x2, y2) = place[src], place[unit]
                parts.append(f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" class="edge"/>')
                if label_weights:
                    name = layer_weights[r][c]
                    label = _label(name, values)
                    lx, ly = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
                    # A white box behind the label hides the edges that pass under it.
                    labels.append(f'<rect x="{lx - CHAR * len(label) / 2:.1f}" y="{ly - 9:.1f}" '
                                  f'width="{CHAR * len(label):.1f}" height="18" rx="3" class="halo"/>')
                    labels.append(_text(lx, ly + 5, label, "weight"))
    targets = dict(zip(units[-1], names.target_names(len(units[-1])), strict=True))
    for unit, (ux, uy) in place.items():
        parts.append(f'<circle cx="{ux:g}" cy="{uy:g}" r="{RADIUS}" class="unit"/>')
        parts.append(_text(ux, uy + 5, unit, "name"))
        if unit in notes:
            parts.append(_text(ux, uy + 42, notes[unit], "value"))
        if unit in targets:
            parts.append(_text(ux + TARGET_GAP, uy + 5, _label(targets[unit], values),
                               "value", anchor="start"))
    # Room for the targets' labels on the right.
    width = x[-1] + TARGET_GAP + max(len(_label(t, values)) for t in targets.values()) \
        * VALUE_CHAR + RIGHT
    shape = "-".join(str(size) for size in network.sizes)
    size = f'width="{width:g}" height="{height + 24:g}" ' if standalone else ""
    style = f"<style>{STANDALONE_STYLE}</style>" if standalone else ""
    svg = (f'<svg viewBox="0 0 {width:g} {height + 24:g}" {size}role="img" '
           f'aria-labelledby="drawing-title" aria-describedby="drawing-desc" '
           f'xmlns="http://www.w3.org/2000/svg">'
           f'<title id="drawing-title">The {shape} network with its given numbers</title>'
           f'<desc id="drawing-desc">{_escape(drawing_description(network))}</desc>{style}'
           f'{"".join(parts + labels)}</svg>')
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{svg}\n' if standalone else svg


def drawing_description(network: Network) -> str:
    """The drawing in words: every unit, every connection with its weight, biases, targets, η.

    >>> from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
    >>> print(drawing_description(load_network(DEFAULT_NETWORK)))
    Inputs i1 = 0.5, i2 = 1. Into h1 (bias b_h1 = 0.1): w1 = 0.3 from i1, w2 = 0.4 from i2. \
Into h2 (bias b_h2 = 0.1): w3 = -0.6 from i1, w4 = 0.1 from i2. \
Into o1 (bias b_o1 = 0.2): w5 = 0.7 from h1, w6 = -0.5 from h2. Target t1 = 0.9. \
Learning rate η = 0.5.
    """
    units = names.unit_names(network.sizes)
    values = given_values(network)
    inputs = ", ".join(f"{unit} = {_number(values[unit])}" for unit in units[0])
    sentences = [f"Inputs {inputs}."]
    for layer_weights, previous, current in zip(names.weight_names(network.sizes), units[:-1], units[1:],
                                               strict=True):
        for unit, row in zip(current, layer_weights, strict=True):
            bias = f" (bias b_{unit} = {_number(values[f'b_{unit}'])})" if f"b_{unit}" in values else ""
            edges = ", ".join(f"{w} = {_number(values[w])} from {src}"
                              for w, src in zip(row, previous, strict=True))
            sentences.append(f"Into {unit}{bias}: {edges}.")
    targets = ", ".join(f"{t} = {_number(values[t])}" for t in names.target_names(len(units[-1])))
    sentences += [f"Target{'s' if len(units[-1]) > 1 else ''} {targets}.",
                  f"Learning rate η = {_number(network.learning_rate)}."]
    return " ".join(sentences)


def _unit_notes(units: list[list[str]], values: dict) -> dict[str, str]:
    """What is written under a unit: an input's value, a unit's bias."""
    notes = {unit: f"{unit} = {_number(values[unit])}" for unit in units[0]}
    notes.update({unit: f"b_{unit} = {_number(values[f'b_{unit}'])}" for layer in units[1:]
                  for unit in layer if f"b_{unit}" in values})
    return notes


def _label(name: str, values: dict) -> str:
    """A weight's or a target's label: its name and its value."""
    return f"{name} = {_number(values[name])}"


def _number(value: float) -> str:
    return notation.format_number(value)


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _text(x: float, y: float, text: str, kind: str, anchor: str = "middle") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{kind}">'
            f"{_escape(text)}</text>")
