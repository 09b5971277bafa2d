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

import functools
import json
import shutil
from pathlib import Path

from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import SECTIONS, given_values
from backprop_tutor.document import notation
from backprop_tutor.errors import NetworkFileError
from backprop_tutor.output.drawing import network_svg
from backprop_tutor.output.reports.worksheet import describe, given_kinds
from backprop_tutor.teaching.marking import exact_values, marking_lines, rule_words
from backprop_tutor.teaching.rounding import rounding_rule
from backprop_tutor.teaching.slips import SLIPS

ASSETS = Path(__file__).parent / "page_assets"
ASSET_FILES = ("formulas.js", "marking.js", "page.js", "page.css")

#: The largest page written, in bytes. A phone's browser parses the whole JSON
#: before it shows anything: past a few megabytes it stalls, or the tab is killed.
MAX_PAGE_BYTES = 5_000_000

#: Inside <script>, "<" could start "</script>" or "<!--", and U+2028/U+2029 end a line in
#: older JavaScript: all are written as JSON's \u escapes ("&" too, for any HTML parser).
_SCRIPT_ESCAPES = {c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"}


def case_data(network: Network, reveal: bool = True) -> dict:
    """One network with one set of activations: the lines to mark (and, with ``reveal``, to show)."""
    marked = marking_lines(network)
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
    # One replace per character: str.translate looks up every character of a page's 50 KB.
    for character, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return text


def render_page(networks: dict[str, Network], sig_figs: int | None = None,
                decimals: int | None = None, reveal: bool = True,
                source: str = "page") -> str:
    """The page's HTML for ``networks`` (ID → network).

    Raises ``NetworkFileError`` (naming ``source``) for a page larger than ``MAX_PAGE_BYTES``.
    """
    from markupsafe import Markup

    data = script_json(page_data(networks, sig_figs, decimals, reveal))
    size = len(data.encode("utf-8"))
    if size > MAX_PAGE_BYTES:
        raise NetworkFileError(source, None, f"the practice page would be {size / 1e6:.1f} MB, "
                               f"more than the {MAX_PAGE_BYTES / 1e6:g} MB a phone's browser "
                               "opens: take a network with fewer units")
    title = next(iter(networks.values())).title if len(networks) == 1 else ""
    return _template().render(title=title or "Backpropagation", data=Markup(data))


@functools.lru_cache(maxsize=1)
def _template():
    """The page's template, read and compiled once per process (a class kit renders hundreds)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(loader=FileSystemLoader(ASSETS), autoescape=True,
                              undefined=StrictUndefined, keep_trailing_newline=True)
    return environment.get_template("index.html")


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
