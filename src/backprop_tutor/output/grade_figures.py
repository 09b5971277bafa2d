"""Figures of a graded class: the score distribution, and the network coloured by what the class got right.

Like every figure of ``figures``: a matplotlib Figure on the Agg canvas,
byte-identical for the same data; given a ``path`` it is saved as SVG only,
the format the report uses (a PNG would double the time a class's report takes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backprop_tutor.core import names
from backprop_tutor.core.network import Network

# The drawing helpers of `figures`: the same canvas, style and saving as every figure.
from backprop_tutor.output.figures import COLORS, _figure, _style, save
from backprop_tutor.teaching.grading import ClassGrades

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Colour map of a share right, 0 to 1 (perceptually uniform, safe for colour blindness).
SHARE_COLOURS = "viridis"

_LAYER_GAP, _UNIT_GAP, _RADIUS = 4.4, 3.4, 0.45


def plot_scores(grades: ClassGrades, path=None) -> Figure:
    """How many students got each number of boxes right: with follow-through (bars) and by
    Moodle's all-or-nothing marking of the same answers (line)."""
    histogram = grades.histogram()
    moodle = {n: 0 for n in histogram}
    for grade in grades.students:
        moodle[grade.moodle_right] += 1
    with _style():
        fig, ax = _figure(9, 4.6)
        _draw_scores(ax, grades, histogram, moodle)
    return _finish(fig, path)


def _draw_scores(ax, grades: ClassGrades, histogram: dict, moodle: dict) -> None:
    ax.bar(list(histogram), list(histogram.values()), width=0.8, color=COLORS["sigmoid"],
           label="marked with follow-through")
    ax.step(list(moodle), list(moodle.values()), where="mid", color="0.25", linewidth=1.8,
            label="Moodle's all-or-nothing marking")
    ax.set_xlabel(f"boxes right (of {len(grades.columns)})")
    ax.set_ylabel("students")
    ax.set_title(f"Right boxes per student ({len(grades.students)} students)")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left")


def plot_class_network(network: Network, shares: dict[str, float], path=None) -> Figure:
    """The network once per case, each asked quantity coloured by the share of the class right.

    ``shares``: box column (``sigmoid.net_h1``) → share right. A quantity of a
    unit sits beside it (net, out above; δ and the bias's gradient and update
    below), a weight's gradient and update on its connection, E beside the output.
    """
    import matplotlib

    colour_map = matplotlib.colormaps[SHARE_COLOURS]
    by_case: dict[str, dict[str, float]] = {}
    for column, share in shares.items():
        case, _, quantity = column.partition(".")
        by_case.setdefault(case, {})[quantity] = share
    units = names.unit_names(network.sizes)
    position = {u: (layer * _LAYER_GAP, ((len(column) - 1) / 2 - j) * _UNIT_GAP)
                for layer, column in enumerate(units) for j, u in enumerate(column)}
    # Two panels to a row: a row of three would print too small to read on a page.
    columns = min(2, len(by_case))
    rows = -(-len(by_case) // columns)
    width = (len(units) - 1) * _LAYER_GAP + 3.6
    height = (max(len(column) for column in units) - 1) * _UNIT_GAP + 4.2
    with _style():
        fig, axes = _figure(columns * width * 0.5, rows * (height * 0.5 + 0.5) + 0.9, nrows=rows,
                            ncols=columns, squeeze=False)
        panels = axes.ravel()
        for ax, (case, case_shares) in zip(panels, by_case.items(), strict=False):  # spare panels: below
            _draw_case(ax, network, units, position, case_shares, colour_map)
            ax.set_title(f"{case} hidden units" if len(network.layers) > 1 else f"{case} output")
        for ax in panels[len(by_case):]:
            ax.set_axis_off()
        bar = fig.colorbar(matplotlib.cm.ScalarMappable(cmap=colour_map), ax=panels.tolist(),
                           orientation="horizontal", fraction=0.04, pad=0.02, aspect=40)
        bar.set_label("share of the class right")
        bar.ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    return _finish(fig, path)


def _draw_case(ax, network, units, position, shares, colour_map) -> None:
    from matplotlib.patches import Circle

    ax.set_axis_off()
    ax.set_aspect("equal")
    xs = [x for x, _ in position.values()]
    ys = [y for _, y in position.values()]
    ax.set_xlim(min(xs) - 0.9, max(xs) + 2.7)
    ax.set_ylim(min(ys) - 2.0, max(ys) + 2.2)

    def label(x, y, quantities, va, **where):
        shown = [q for q in quantities if q in shares]
        for k, quantity in enumerate(shown):
            offset = (k if va == "bottom" else -k) * 0.75
            share = shares[quantity]
            dark = share < 0.6   # viridis is dark below about 0.6: white text there
            ax.text(x, y + offset, f"{_short(quantity)} {share:.0%}", ha="center", va=va,
                    fontsize=11, color="white" if dark else "black", zorder=6,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": colour_map(share),
                          "edgecolor": "none"}, **where)

    for weights, sources, targets in zip(names.weight_names(network.sizes), units[:-1], units[1:],
                                         strict=True):
        for row, target in zip(weights, targets, strict=True):
            for c, (weight, source) in enumerate(zip(row, sources, strict=True)):
                (x0, y0), (x1, y1) = position[source], position[target]
                ax.plot([x0, x1], [y0, y1], color="0.75", linewidth=1.2, zorder=1)
                along = 0.5 if len(sources) == 1 else 0.4 + 0.2 * c / (len(sources) - 1)
                label(x0 + along * (x1 - x0), y0 + along * (y1 - y0),
                      [f"dE_d{weight}", f"{weight}_new"], "center")
    for layer_units in units:
        for unit in layer_units:
            x, y = position[unit]
            ax.add_patch(Circle((x, y), _RADIUS, facecolor="white", edgecolor="0.4",
                                linewidth=1.5, zorder=4))
            ax.text(x, y, unit, ha="center", va="center", fontsize=12, fontweight="bold",
                    zorder=5)
            label(x, y + _RADIUS + 0.1, [f"net_{unit}", f"out_{unit}"][::-1], "bottom")
            label(x, y - _RADIUS - 0.1, [f"delta_{unit}", f"dE_db_{unit}", f"b_{unit}_new"],
                  "top")
    for unit in units[-1]:
        x, y = position[unit]
        label(x + 1.7, y, [f"E_{unit}", "E"], "center")


def _short(quantity: str) -> str:
    """A quantity's name as a label beside its unit: net_h1 → net, delta_o1 → δ, w5_new → w5′."""
    if quantity.endswith("_new"):
        return quantity.removesuffix("_new") + "′"
    if quantity.startswith("dE_d"):
        return "∂E/∂" + quantity.removeprefix("dE_d")
    kind = quantity.split("_")[0]
    return "δ" if kind == "delta" else kind



def _finish(fig: Figure, path) -> Figure:
    if path is not None:
        save(fig, path, formats=("svg",))
    return fig
