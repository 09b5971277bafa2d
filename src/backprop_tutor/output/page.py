"""The practice page: one SGD step to walk through and to mark, in a browser, offline.

``write_page`` writes ``index.html`` and its assets (``formulas.js``, ``marking.js``,
``page.js``, ``page.css``) into a folder: a static page that works opened from the disk or
from any static host, with nothing fetched from the network. Everything the
page knows is JSON made here from the worksheet: per network (keyed by an ID,
so a class kit can put every variant in one page) and per hidden activation,
each line's formula, the names it reads, its slip formulas, the formula
written for people with and without numbers, and its exact value. The
browser only evaluates those formula strings (``formulas.js``, shared with the
playground) and marks with the same precision rule as ``check`` (``marking.js``).
"""

from __future__ import annotations

import html
import json
import math
import shutil
from pathlib import Path

from backprop_tutor.core import names
from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import SECTIONS, given_values
from backprop_tutor.document import notation
from backprop_tutor.output.reports.worksheet import describe
from backprop_tutor.teaching.marking import RULES, SIG_FIGS, exact_values, lines
from backprop_tutor.teaching.slips import SLIPS

ASSETS = Path(__file__).parent / "page_assets"
ASSET_FILES = ("formulas.js", "marking.js", "page.js", "page.css")


def _finite(value: float) -> float | None:
    # JSON has no inf or nan: the page reads null as "no finite value".
    return value if math.isfinite(value) else None


def case_data(network: Network) -> dict:
    """One network with one set of activations: the lines to mark and to reveal."""
    marked = lines(network)
    given = given_values(network)
    exact = exact_values(marked, given)
    shown = {**given, **exact}
    return {
        "describe": describe(network),
        "given": given,
        "lines": [{
            "name": line.name, "section": line.section, "formula": line.formula,
            "depends": list(line.depends), "old": line.old,
            "slips": [{"key": s.key, "hint": s.hint, "formula": s.formula, "round_to": s.round_to}
                      for s in line.slips],
            "text": notation.text(line.formula),
            "numbers": notation.text(line.formula, shown),
            "value": _finite(exact[line.name]),
            "shown": notation.format_number(exact[line.name]),
        } for line in marked],
    }


def network_data(network: Network) -> dict:
    """A network's cases, one per hidden activation (its own first), and its drawing."""
    if network.hidden_activation is None:
        activations = [network.output_activation]
        cases = {network.output_activation: case_data(network)}
    else:
        activations = list(dict.fromkeys([network.hidden_activation, *TUTORIAL_ACTIVATIONS]))
        cases = {a: case_data(network.with_options(hidden_activation=a)) for a in activations}
    return {"title": network.title or "Network", "hidden": network.hidden_activation is not None,
            "activations": activations, "cases": cases, "svg": network_svg(network)}


def page_data(networks: dict[str, Network], sig_figs: int = SIG_FIGS,
              decimals: int | None = None) -> dict:
    """Everything the page shows and marks, as JSON-ready data.

    ``decimals``: the sheets ask to round to that many decimals as you go (the class kit).
    """
    return {"sig_figs": sig_figs, "decimals": decimals, "sections": SECTIONS, "rules": RULES, "slips": SLIPS,
            "networks": {key: network_data(net) for key, net in networks.items()}}


def write_page(networks: dict[str, Network], folder, sig_figs: int = SIG_FIGS,
               decimals: int | None = None) -> list[str]:
    """Write the page for ``networks`` (ID → network) into the existing ``folder``.

    Returns the names of the files written. The caller makes the folder
    atomic (``output_folder``); the files are the same for the same networks.
    """
    folder = Path(folder)
    data = json.dumps(page_data(networks, sig_figs, decimals), ensure_ascii=False,
                      separators=(",", ":"), allow_nan=False)
    # Inside <script> a "</" could end the element: JSON allows writing it "<\/".
    data = data.replace("</", "<\\/")
    title = next(iter(networks.values())).title if len(networks) == 1 else "Backpropagation"
    page = (ASSETS / "index.html").read_text(encoding="utf-8")
    page = page.replace("{title}", html.escape(title or "Backpropagation")).replace("{data}", data)
    (folder / "index.html").write_text(page, encoding="utf-8")
    for name in ASSET_FILES:
        shutil.copyfile(ASSETS / name, folder / name)
    return ["index.html", *ASSET_FILES]


def network_svg(network: Network) -> str:
    """The network drawn as SVG: units in columns, each edge with its weight, biases, targets."""
    units = names.unit_names(network.sizes)
    weights = names.weight_names(network.sizes)
    values = given_values(network)
    column, row, top = 170, 100, 0
    height = top + row * max(network.sizes)
    width = column * (len(units) - 1) + 190     # room for the targets on the right
    place = {}
    for c, layer in enumerate(units):
        offset = (height - top - row * len(layer)) / 2 + top + row / 2
        for r, unit in enumerate(layer):
            place[unit] = (75 + c * column, offset + r * row)
    label_weights = sum(network.sizes[k] * network.sizes[k + 1]
                        for k in range(len(network.sizes) - 1)) <= 40
    parts, labels = [], []
    for layer_weights, previous, current in zip(weights, units, units[1:]):
        for r, unit in enumerate(current):
            for c, src in enumerate(previous):
                (x1, y1), (x2, y2) = place[src], place[unit]
                parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="edge"/>')
                if label_weights:
                    name = layer_weights[r][c]
                    # Labels along the edges into the first unit near the sources, into
                    # the last unit near it: edges that cross keep their labels apart.
                    t = 0.3 + 0.32 * r / (len(current) - 1) if len(current) > 1 else 0.5
                    lx, ly = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
                    labels.append(_text(lx, ly - 4, f"{name} = {_number(values[name])}", "weight"))
    targets = dict(zip(units[-1], names.target_names(len(units[-1]))))
    for unit, (x, y) in place.items():
        parts.append(f'<circle cx="{x}" cy="{y}" r="24" class="unit"/>')
        parts.append(_text(x, y + 5, unit, "name"))
        if unit.startswith("i"):
            parts.append(_text(x, y + 42, f"{unit} = {_number(values[unit])}", "value"))
        if f"b_{unit}" in values:
            parts.append(_text(x, y + 42, f"b_{unit} = {_number(values[f'b_{unit}'])}", "value"))
        if unit in targets:
            parts.append(_text(x + 34, y + 5, f"{targets[unit]} = {_number(values[targets[unit]])}",
                               "value", anchor="start"))
    caption = html.escape(f"{network.title or 'Network'}: inputs, weights, biases and targets; "
                          f"η = {_number(network.learning_rate)}")
    return (f'<svg viewBox="0 0 {width:g} {height + 24:g}" role="img" aria-label="{caption}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(parts + labels)}</svg>')


def _number(value: float) -> str:
    return notation.format_number(value)


def _text(x: float, y: float, text: str, kind: str, anchor: str = "middle") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{kind}">'
            f"{html.escape(text)}</text>")
