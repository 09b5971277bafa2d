"""Figures for slides and notebooks: the network, the activations, learning.

Every ``plot_*`` function builds a matplotlib Figure and returns it; given a
``path`` it also saves it there with ``save``: a PNG and an SVG, each written
whole or not at all, and byte-identical for the same inputs. matplotlib is
imported inside the functions that draw, so importing this module (and the
command line) stays fast. Figures are drawn with the Agg canvas directly,
without pyplot: nothing here changes the backend of a notebook, and figures
are not kept alive by pyplot's list of open figures.

The data of the learning figures comes from ``teaching.experiments``.
"""

from __future__ import annotations

import io
import math
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from backprop_tutor.core import activations as activation_registry
from backprop_tutor.core import names
from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import Layer, Network
from backprop_tutor.core.worksheet import Worksheet
from backprop_tutor.document import notation
from backprop_tutor.networks.numpy_network import ARRAY_ACTIVATIONS

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType


#: One colour per activation in every figure (Okabe–Ito palette, safe for colour blindness).
COLORS = {name: activation.colour for name, activation in activation_registry.ACTIVATIONS.items()}

DPI = 150

_STYLE: dict[RcKeyType, object] = {
    "font.size": 12,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "legend.fontsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    # SVG ids are hashes salted with a random value unless a salt is given.
    "svg.hashsalt": "backprop-tutor",
    # Text is text: a title or file name with `$…$` is not parsed as (possibly bad) maths.
    "text.parse_math": False,
}

# Without a date the SVG does not change from one run to the next; the PNG holds no date.
_METADATA = {"png": {}, "svg": {"Date": None}}


# ---------------------------------------------------------------- saving

def save(fig: Figure, path, formats=("png", "svg")) -> list[Path]:
    """Write ``fig`` as ``path`` with each suffix of ``formats``; return the files written.

    A suffix already on ``path`` is replaced: ``save(fig, "out/network.png")``
    writes ``out/network.png`` and ``out/network.svg``. Every format is
    rendered in memory before any file is touched, and each file is written
    with ``write_atomic``; the folder is made if needed.
    """
    path = Path(path)
    with _style():
        rendered = {path.with_suffix(f".{fmt}"): _render(fig, fmt) for fmt in formats}
    for target, data in rendered.items():
        write_atomic(target, data)
    return list(rendered)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all.

    The bytes go to a new hidden file in the same folder, which then replaces
    ``path`` in one step (``os.replace``); on any error the new file is
    removed and ``path`` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _render(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=DPI, metadata=_METADATA.get(fmt, {}))
    return buffer.getvalue()


def _style():
    import matplotlib

    return matplotlib.rc_context(_STYLE)


def _figure(width: float, height: float, layout="constrained", margins: Margins | None = None,
            **subplots):
    """A Figure on the Agg canvas, and its axes as ``Figure.subplots`` gives them.

    The axes are placed by ``layout`` (matplotlib's layout engine, or None), or,
    given ``margins``, once and for all by them.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout=None if margins else layout)
    FigureCanvasAgg(fig)
    if margins:
        subplots["gridspec_kw"] = margins.gridspec(width, height, subplots.get("ncols", 1))
    return fig, fig.subplots(**subplots)


@dataclass(frozen=True)
class Margins:
    """Room around a row of axes and between them, in inches, for their labels and titles.

    Constrained layout finds that room by measuring every label twice before the
    figure is drawn, which takes longer than drawing it. A figure whose labels
    have known lengths (a few words, numbers of a few digits) is given its room
    once, here.
    """

    left: float
    right: float
    bottom: float
    top: float
    between: float = 0.0

    def gridspec(self, width: float, height: float, columns: int) -> dict[str, float]:
        """``Figure.subplots``' gridspec_kw: these margins as fractions of the figure, and
        the room between columns as a fraction of a column's width."""
        column = (width - self.left - self.right - (columns - 1) * self.between) / columns
        return {"left": self.left / width, "right": 1 - self.right / width,
                "bottom": self.bottom / height, "top": 1 - self.top / height,
                "wspace": self.between / column}


def _log_scale(ax, which: str) -> None:
    """A log scale on the ``x`` or ``y`` axis of ``ax``, its ticks labelled as plain numbers.

    matplotlib's default labels are maths ($10^{-2}$), which the style's
    ``text.parse_math = False`` would print as written; its ``LogFormatter``
    picks the same ticks to label, here written as Python's ``g`` format does:
    0.01, 0.3, 10, and 1e−05 below 0.0001.
    """
    from matplotlib.ticker import LogFormatter

    class PlainNumbers(LogFormatter):
        def __call__(self, x, pos=None):
            return self.fix_minus(f"{x:g}") if super().__call__(x, pos) else ""

    getattr(ax, f"set_{which}scale")("log")
    axis = getattr(ax, f"{which}axis")
    axis.set_major_formatter(PlainNumbers())
    axis.set_minor_formatter(PlainNumbers())


def _finish(fig: Figure, path) -> Figure:
    if path is not None:
        save(fig, path)
    return fig


# ---------------------------------------------------------------- the network

# Layout of the network drawing, in data units, and the size of a data unit and
# of the title and footnote bands, in inches.
_LAYER_GAP = 4.6
_UNIT_GAP = 3.4
_RADIUS = 0.42
_INCH_PER_UNIT = 0.7
_TITLE_INCHES = 0.8
_FOOTNOTE_INCHES = 0.35


def plot_network(worksheet: Worksheet, path=None, decimals: int = 4) -> Figure:
    """The network of one worked SGD step, with every number of the forward and backward pass.

    Units are circles, inputs on the left, outputs on the right. Each
    connection carries its weight (before the update). Above each unit: its
    bias b, net = Σ w·out + b and out = f(net); below it, in red, its
    δ = ∂E/∂net from the backward pass. Each output shows its target and its
    share of the loss; the title names the activations and gives E.

    Args:
        worksheet: the solved step, from ``worksheet.solve(network)``.
        path: where to save the figure (PNG and SVG), or None to only return it.
        decimals: decimals shown for every number.

    The question sheets draw the network with only its given numbers: ``output.drawing``.
    """
    network = worksheet.network
    values = {**worksheet.given, **worksheet.values}

    def number(name: str) -> str:
        return notation.format_number(values[name], decimals)

    units = names.unit_names(network.sizes)
    position = _unit_positions(units)
    xs = [x for x, _ in position.values()]
    ys = [y for _, y in position.values()]
    left, right = min(xs) - 1.6, max(xs) + 3.0
    bottom, top = min(ys) - 1.15, max(ys) + 1.85
    scale = _INCH_PER_UNIT
    drawing = (top - bottom) * scale
    height = drawing + _TITLE_INCHES + _FOOTNOTE_INCHES

    with _style():
        # Placed by hand: the drawing keeps one scale, whatever the network's shape.
        fig, ax = _figure((right - left) * scale, height, layout=None)
        ax.set_position([0, _FOOTNOTE_INCHES / height, 1, drawing / height])
        ax.set_axis_off()
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)
        ax.set_aspect("equal")
        for layer_weights, sources, targets in zip(names.weight_names(network.sizes),
                                                  units[:-1], units[1:], strict=True):
            for row, target in zip(layer_weights, targets, strict=True):
                for c, (weight, source) in enumerate(zip(row, sources, strict=True)):
                    # Labels sit further along for later sources, so that the labels
                    # of crossing connections do not meet where the lines cross.
                    along = 0.5 if len(sources) == 1 else 0.3 + 0.4 * c / (len(sources) - 1)
                    _draw_connection(ax, position[source], position[target],
                                     f"{weight} = {number(weight)}", along)
        for layer, layer_units in zip((None, *network.layers), units, strict=True):
            for unit in layer_units:
                activation = None if layer is None else layer.activation
                _draw_unit(ax, position[unit], unit, activation, _unit_notes(unit, layer, number))
        for unit, target in zip(units[-1], names.target_names(len(units[-1])), strict=True):
            x, y = position[unit]
            ax.annotate(f"{target} = {number(target)}\nE_{unit} = {number(f'E_{unit}')}",
                        (x + _RADIUS, y), (x + 1.0, y), va="center", ha="left", fontsize=11,
                        arrowprops={"arrowstyle": "<-", "color": "0.4"})
        fig.suptitle(_network_title(network, number("E")), y=1 - 0.1 / height, va="top",
                     fontsize=14)
        has_biases = any(layer.biases is not None for layer in network.layers)
        forward = "bias b, net = Σ w·out + b" if has_biases else "net = Σ w·out"
        note = (f"Weights before the update. Above each unit: {forward}, "
                "out = f(net). Below, red: δ = ∂E/∂net.")
        fig.text(0.5, 0.1 / height, note, ha="center", fontsize=10, color="0.3")
    return _finish(fig, path)


def _unit_positions(units: list[list[str]]) -> dict[str, tuple[float, float]]:
    """Centre of each unit: a column per layer, centred on y = 0, its first unit on top."""
    return {unit: (layer * _LAYER_GAP, ((len(column) - 1) / 2 - j) * _UNIT_GAP)
            for layer, column in enumerate(units) for j, unit in enumerate(column)}


def _unit_notes(unit: str, layer: Layer | None, number) -> tuple[str, str | None]:
    """The text above a unit (its forward-pass numbers) and below it (its δ; None for an input).

    ``layer`` is the unit's layer, None for an input; ``number`` formats a value by name.
    """
    if layer is None:
        return f"{unit} = {number(unit)}", None
    above = [f"net = {number(f'net_{unit}')}", f"out = {number(f'out_{unit}')}"]
    if layer.biases is not None:
        fixed = "" if layer.train_biases else " (fixed)"
        above.insert(0, f"b = {number(f'b_{unit}')}{fixed}")
    return "\n".join(above), f"δ = {number(f'delta_{unit}')}"


def _draw_connection(ax, start, end, label: str, along: float) -> None:
    """A line between two units, labelled at fraction ``along`` of the way, parallel to the line."""
    (x0, y0), (x1, y1) = start, end
    ax.plot([x0, x1], [y0, y1], color="0.55", linewidth=1.4, zorder=1)
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    ax.text(x0 + along * (x1 - x0), y0 + along * (y1 - y0), label, rotation=angle,
            rotation_mode="anchor", transform_rotates_text=True, ha="center", va="center",
            fontsize=10, zorder=3,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})


def _draw_unit(ax, centre, name: str, activation: str | None,
               notes: tuple[str, str | None]) -> None:
    """A unit: a circle with its name, its forward-pass numbers above and its δ below."""
    from matplotlib.patches import Circle

    x, y = centre
    color = "0.6" if activation is None else COLORS.get(activation, "0.6")
    ax.add_patch(Circle(centre, _RADIUS, facecolor="white", edgecolor=color, linewidth=2.5,
                        zorder=4))
    ax.text(x, y, name, ha="center", va="center", fontsize=13, fontweight="bold", zorder=5)
    above, below = notes
    box = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": color, "alpha": 0.95}
    if above:
        ax.text(x, y + _RADIUS + 0.15, above, ha="center", va="bottom", fontsize=10.5, zorder=6,
                bbox=box)
    if below is not None:
        ax.text(x, y - _RADIUS - 0.15, below, ha="center", va="top", fontsize=10.5, zorder=6,
                color="#B2182B", bbox={**box, "edgecolor": "#B2182B"})


def _network_title(network: Network, loss: str) -> str:
    from backprop_tutor.output.reports.worksheet import describe

    return f"{network.title or 'Network'}\n{describe(network)}; E = {loss} before the update"


# ---------------------------------------------------------------- the activations

def plot_activations(path=None, activations=TUTORIAL_ACTIVATIONS) -> Figure:
    """The activations f (left) and their derivatives f' (right) for x in [-4, 4].

    Formula:
        sigmoid(x) = 1 / (1 + exp(-x))     sigmoid'(x) = sigmoid(x) * (1 - sigmoid(x))
        tanh(x)                            tanh'(x)    = 1 - tanh(x)**2
        relu(x)    = max(0, x)             relu'(x)    = 1 if x > 0 else 0   (relu'(0) = 0)
    """
    x = np.linspace(-4.0, 4.0, 801)
    with _style():
        fig, (left, right) = _figure(12, 4.8, margins=Margins(0.6, 0.15, 0.6, 0.35, 0.6),
                                     ncols=2)
        for name in activations:
            activation = ARRAY_ACTIVATIONS[name]
            left.plot(x, activation.function(x), color=COLORS[name], linewidth=2.5, label=name)
            _plot_with_jumps(right, x, activation.derivative(x), color=COLORS[name],
                             label=f"{name}′")
        for ax, title in ((left, "Activation f(x)"), (right, "Derivative f′(x)")):
            ax.set_title(title)
            ax.set_xlabel("x (the weighted sum net)")
            ax.axhline(0, color="0.3", linewidth=0.8)
            ax.axvline(0, color="0.3", linewidth=0.8)
            ax.set_xlim(-4, 4)
            ax.legend(loc="upper left")
        left.set_ylim(-1.25, 2.5)
        right.set_ylim(-0.1, 1.2)
    return _finish(fig, path)


def _plot_with_jumps(ax, x, y, color: str, label: str) -> None:
    """A curve that may jump (relu′ at 0): no vertical segment, a filled dot at the value
    the function takes at the jump, an open circle at the value it jumps to."""
    jumps = np.flatnonzero(np.abs(np.diff(y)) > 0.5)   # between x[j] and x[j + 1]
    pieces = np.split(np.arange(x.size), jumps + 1)
    for n, piece in enumerate(pieces):
        ax.plot(x[piece], y[piece], color=color, linewidth=2.5, label=label if n == 0 else None)
    for j in jumps:
        ax.plot(x[j], y[j], "o", color=color, markersize=7)
        ax.plot(x[j], y[j + 1], "o", color=color, markersize=7, markerfacecolor="white",
                markeredgewidth=2)


# ---------------------------------------------------------------- learning


def plot_learning_curves(curves: dict[str, list[float]], path=None,
                         title: str = "Memorising one sample: learning curves from the same start"
                         ) -> Figure:
    """Loss against the number of updates, one line per curve (log scale for E).

    Args:
        curves: a label (a hidden activation) → E after 0, 1, 2, ... updates.
        path: where to save the figure (PNG and SVG), or None to only return it.
        title: the figure's title.
    """
    with _style():
        fig, ax = _figure(9, 5.2, margins=Margins(1.0, 0.15, 0.6, 0.35))
        for label, losses in curves.items():
            ax.plot(range(len(losses)), losses, color=COLORS.get(label), linewidth=2.5,
                    label=f"hidden {label}")
        _log_scale(ax, "y")
        ax.set_xlabel("updates (SGD steps)")
        ax.set_ylabel("loss E")
        ax.set_title(title)
        ax.legend()
    return _finish(fig, path)
