"""The practice page: one SGD step to walk through and to mark, in a browser, offline.

``write_page`` writes ``index.html`` and its assets (``formulas.js``, ``marking.js``,
``page.js``, ``page.css``) into a folder: a static page that works opened from the disk or
from any static host, with nothing fetched from the network. Everything the
page knows is JSON made here from the worksheet: per network (keyed by an ID)
and per hidden activation, each line's formula, the names it reads and its
slip formulas; with ``reveal`` also the formula written for people with and
without numbers and the value, for the page's Show buttons. The browser only
evaluates those formula strings (``formulas.js``, shared with the playground)
and marks with the same precision rule as ``check`` (``marking.js``).

Text from a file (a title) is data: the page is a Jinja2 template with
autoescape, the JSON sits in ``<script type="application/json">`` with ``<``,
``>``, ``&`` and the line separators written as ``\\u`` escapes, and a
Content-Security-Policy lets the page run only its own script files (no inline
script, no inline event handler).
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

from backprop_tutor.core import names
from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import SECTIONS, given_values
from backprop_tutor.document import notation
from backprop_tutor.errors import NetworkFileError
from backprop_tutor.output.reports.worksheet import describe, given_kinds
from backprop_tutor.teaching.marking import exact_values, lines, rule_words
from backprop_tutor.teaching.rounding import rounding_rule
from backprop_tutor.teaching.slips import SLIPS

ASSETS = Path(__file__).parent / "page_assets"
ASSET_FILES = ("formulas.js", "marking.js", "page.js", "page.css")

#: The largest page written, in bytes. A phone's browser parses the whole JSON
#: before it shows anything: past a few megabytes it stalls, or the tab is killed.
MAX_PAGE_BYTES = 5_000_000

#: Inside <script>, "<" could start "</script>" or "<!--", and U+2028/U+2029 end a line in
#: older JavaScript: all are written as JSON's \u escapes ("&" too, for any HTML parser).
_SCRIPT_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"})


def case_data(network: Network, reveal: bool = True) -> dict:
    """One network with one set of activations: the lines to mark (and, with ``reveal``, to show)."""
    marked = lines(network)
    given = given_values(network)
    if reveal:
        exact = exact_values(marked, given)
        shown = {**given, **exact}
    data = []
    for line in marked:
        item = {"name": line.name, "section": line.section, "formula": line.formula,
                "depends": list(line.depends), "old": line.old,
                "slips": [{"key": s.key, "hint": s.hint, "formula": s.formula,
                           "round_to": s.round_to} for s in line.slips]}
        if reveal:
            item.update(text=notation.text(line.formula),
                        numbers=notation.text(line.formula, shown),
                        shown=notation.format_number(exact[line.name]))
        data.append(item)
    return {"describe": describe(network), "given": given, "lines": data}


def network_data(network: Network, reveal: bool = True) -> dict:
    """A network's cases, one per hidden activation (its own first), its givens and drawing."""
    if network.hidden_activation is None:
        activations = [network.output_activation]
        cases = {network.output_activation: case_data(network, reveal)}
    else:
        activations = list(dict.fromkeys([network.hidden_activation, *TUTORIAL_ACTIVATIONS]))
        cases = {a: case_data(network.with_options(hidden_activation=a), reveal)
                 for a in activations}
    given = given_values(network)
    givens = [[label, ", ".join(f"{notation.text(n)} = {notation.format_number(given[n])}" for n in found)]
              for label, found in given_kinds(given)]
    return {"title": network.title or "Network", "hidden": network.hidden_activation is not None,
            "activations": activations, "cases": cases, "givens": givens,
            "svg": network_svg(network)}


def page_data(networks: dict[str, Network], sig_figs: int | None = None,
              decimals: int | None = None, reveal: bool = True) -> dict:
    """Everything the page shows and marks, as JSON-ready data.

    The rounding rule: ``decimals`` places as you go, else ``sig_figs`` significant
    figures, else 4 decimals (``teaching.rounding``), as the sheets and ``check`` say.
    ``reveal``: the page has Show buttons (formula, numbers, value); without, it only marks.
    """
    rule = rounding_rule(decimals, None if decimals is not None else sig_figs)
    return {"sig_figs": rule.sig_figs, "decimals": rule.decimals, "reveal": reveal,
            "rule": rule.sentence, "sections": SECTIONS, "rules": rule_words(rule), "slips": SLIPS,
            "networks": {key: network_data(net, reveal) for key, net in networks.items()}}


def script_json(data) -> str:
    r"""``data`` as JSON safe inside ``<script type="application/json">``.

    >>> script_json({"title": "</script><!--\u2028&"})
    '{"title":"\\u003c/script\\u003e\\u003c!--\\u2028\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_SCRIPT_ESCAPES)


def render_page(networks: dict[str, Network], sig_figs: int | None = None,
                decimals: int | None = None, reveal: bool = True,
                source: str = "page") -> str:
    """The page's HTML for ``networks`` (ID → network).

    Raises ``NetworkFileError`` (naming ``source``) for a page larger than ``MAX_PAGE_BYTES``.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    data = script_json(page_data(networks, sig_figs, decimals, reveal))
    size = len(data.encode("utf-8"))
    if size > MAX_PAGE_BYTES:
        raise NetworkFileError(source, None, f"the practice page would be {size / 1e6:.1f} MB, "
                               f"more than the {MAX_PAGE_BYTES / 1e6:g} MB a phone's browser "
                               "opens: take a network with fewer units")
    environment = Environment(loader=FileSystemLoader(ASSETS), autoescape=True,
                              undefined=StrictUndefined, keep_trailing_newline=True)
    title = next(iter(networks.values())).title if len(networks) == 1 else ""
    return environment.get_template("index.html").render(
        title=title or "Backpropagation", data=Markup(data))


def write_page(networks: dict[str, Network], folder, sig_figs: int | None = None,
               decimals: int | None = None, reveal: bool = True, name: str = "index.html",
               source: str = "page") -> list[str]:
    """Write the page for ``networks`` (ID → network) as ``name`` into the existing ``folder``.

    Returns the names of the files written. The caller makes the folder
    atomic (``output_folder``); the files are the same for the same networks.
    """
    folder = Path(folder)
    page = render_page(networks, sig_figs, decimals, reveal, source)
    (folder / name).write_text(page, encoding="utf-8")
    return [name, *copy_assets(folder)]


def copy_assets(folder: Path, files=ASSET_FILES) -> list[str]:
    """Copy the page's script and style files into ``folder``; return their names."""
    for file in files:
        shutil.copyfile(ASSETS / file, Path(folder) / file)
    return list(files)


# ---------------------------------------------------------------- the drawing

#: Vertical distance between units, and the smallest horizontal one, in SVG units (px).
ROW, MIN_COLUMN = 100, 170
#: Unit radius; the width of a character of a weight label (13 px) and of a value label (14 px),
#: a little generous.
RADIUS, CHAR, VALUE_CHAR = 24, 7.8, 8.4
#: Weight labels of one layer are at least this many rows apart vertically (a label is 18 px high).
LABEL_GAP = 0.2


def network_svg(network: Network) -> str:
    """The network drawn as SVG: units in columns, each edge with its weight, biases, targets.

    A weight's label sits on its edge at fraction ``t`` of the way from the
    source, ``t = min(0.35, (1 − LABEL_GAP) / n)`` for a layer of ``n`` units:
    the label of the edge from source s to unit r is then at height
    (1 − t)·s + t·r rows (plus the layers' offsets), so labels from one source
    are t rows apart and those of the next source start LABEL_GAP rows below
    them, even where edges cross. The column is wide enough to put every label
    clear of its source's circle and of the value written under it.
    The SVG holds names and numbers only; its <title> and <desc> say what it shows.
    """
    units = names.unit_names(network.sizes)
    weights = names.weight_names(network.sizes)
    values = given_values(network)
    notes = _unit_notes(units, values)
    height = ROW * max(network.sizes)
    label_weights = sum(a * b for a, b in itertools.pairwise(network.sizes)) <= 40
    fractions = [max(LABEL_GAP, min(0.35, (1 - LABEL_GAP) / len(layer))) for layer in units[1:]]
    columns = []
    for source, matrix, t in zip(units[:-1], weights, fractions, strict=True):
        half_label = max(len(_weight_label(name, values)) for row in matrix for name in row) * CHAR / 2
        note = max(len(notes[unit]) if unit in notes else 0 for unit in source) * VALUE_CHAR / 2
        columns.append(max(MIN_COLUMN, (max(RADIUS, note) + 6 + half_label) / t if label_weights else 0))
    x = [75.0]
    for column in columns:
        x.append(x[-1] + column)
    place = {}
    for c, layer in enumerate(units):
        offset = (height - ROW * len(layer)) / 2 + ROW / 2
        for r, unit in enumerate(layer):
            place[unit] = (x[c], offset + r * ROW)
    parts, labels = [], []
    for layer_weights, previous, current, t in zip(weights, units[:-1], units[1:], fractions, strict=True):
        for r, unit in enumerate(current):
            for c, src in enumerate(previous):
                (x1, y1), (x2, y2) = place[src], place[unit]
                parts.append(f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" class="edge"/>')
                if label_weights:
                    name = layer_weights[r][c]
                    label = _weight_label(name, values)
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
            parts.append(_text(ux + 34, uy + 5, f"{targets[unit]} = {_number(values[targets[unit]])}",
                               "value", anchor="start"))
    width = x[-1] + 190     # room for the targets on the right
    shape = "-".join(str(size) for size in network.sizes)
    return (f'<svg viewBox="0 0 {width:g} {height + 24:g}" role="img" '
            f'aria-labelledby="drawing-title" aria-describedby="drawing-desc" '
            f'xmlns="http://www.w3.org/2000/svg">'
            f'<title id="drawing-title">The {shape} network with its given numbers</title>'
            f'<desc id="drawing-desc">{_escape(drawing_description(network))}</desc>'
            f'{"".join(parts + labels)}</svg>')


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


def _weight_label(name: str, values: dict) -> str:
    return f"{name} = {_number(values[name])}"


def _number(value: float) -> str:
    return notation.format_number(value)


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _text(x: float, y: float, text: str, kind: str, anchor: str = "middle") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{kind}">'
            f"{_escape(text)}</text>")
