"""Figures: valid files, written whole and reproducibly, showing numbers computed independently."""

import itertools
import math
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import matplotlib.text
import pytest
from PIL import Image

from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.core.worksheet import solve
from backprop_tutor.output import figures as plots
from backprop_tutor.teaching import experiments

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- helpers

def check_png(path, fig):
    """A PNG that decodes, of the figure's size at the module's resolution."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(path) as image:
        image.load()
        width, height = image.size
    expected = fig.get_size_inches() * plots.DPI
    assert abs(width - expected[0]) <= 1 and abs(height - expected[1]) <= 1
    assert width > 800 and height > 400   # big enough for a slide


def check_svg(path):
    root = ElementTree.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"<dc:date>" not in path.read_bytes()


def texts(fig) -> str:
    """Every text of a figure, one per line."""
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


HAND = {  # f and f' of each hidden activation, with the math module
    "sigmoid": (sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x))),
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "relu": (lambda x: max(0.0, x), lambda x: 1.0 if x > 0 else 0.0),
}


def hand_training(activation: str, learning_rate: float, updates: int) -> float:
    """E after ``updates`` SGD updates of the default 2-2-1 network, written out in scalars.

    The numbers are those of examples/tutorial.toml; the output unit is a sigmoid
    and E = 1/2 (t - out)^2.
    """
    f, df = HAND[activation]
    i1, i2, t = 0.5, 1.0, 0.9
    w1, w2, w3, w4, w5, w6 = 0.3, 0.4, -0.6, 0.1, 0.7, -0.5
    b1, b2, bo = 0.1, 0.1, 0.2

    def forward():
        net1, net2 = w1 * i1 + w2 * i2 + b1, w3 * i1 + w4 * i2 + b2
        out = sigmoid(w5 * f(net1) + w6 * f(net2) + bo)
        return net1, net2, out

    eta = learning_rate
    for _ in range(updates):
        net1, net2, out = forward()
        d_out = (out - t) * out * (1 - out)
        d1, d2 = w5 * d_out * df(net1), w6 * d_out * df(net2)   # with the old w5, w6
        w5, w6, bo = w5 - eta * d_out * f(net1), w6 - eta * d_out * f(net2), bo - eta * d_out
        w1, w2, b1 = w1 - eta * d1 * i1, w2 - eta * d1 * i2, b1 - eta * d1
        w3, w4, b2 = w3 - eta * d2 * i1, w4 - eta * d2 * i2, b2 - eta * d2
    return 0.5 * (t - forward()[2]) ** 2


@pytest.fixture(scope="module")
def default():
    return load_network(DEFAULT_NETWORK)


# ---------------------------------------------------------------- files

def test_network_figure_files(default, tmp_path):
    fig = plots.plot_network(solve(default), tmp_path / "network")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network.png", "network.svg"]
    check_png(tmp_path / "network.png", fig)
    check_svg(tmp_path / "network.svg")


def test_every_figure_is_a_valid_png_and_svg(default, tmp_path):
    figures = {
        "activations": plots.plot_activations(tmp_path / "activations"),
        "curves": plots.plot_learning_curves(experiments.learning_curves(default, updates=5),
                                             tmp_path / "curves"),
    }
    for name, fig in figures.items():
        check_png(tmp_path / f"{name}.png", fig)
        check_svg(tmp_path / f"{name}.svg")


def test_same_inputs_give_identical_files(default, tmp_path):
    sheet = solve(default.with_options(hidden_activation="tanh"))
    for folder in ("first", "second"):
        plots.plot_network(sheet, tmp_path / folder / "network")
        plots.plot_activations(tmp_path / folder / "activations")
    for name in ("network.png", "network.svg", "activations.png", "activations.svg"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()


def test_a_suffix_on_the_path_is_replaced(tmp_path):
    written = plots.save(plots.plot_activations(), tmp_path / "figure.png")
    assert written == [tmp_path / "figure.png", tmp_path / "figure.svg"]


def test_without_a_path_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fig = plots.plot_activations()
    assert len(fig.axes) == 2 and list(tmp_path.iterdir()) == []


def test_a_figure_that_cannot_be_drawn_leaves_the_old_files(tmp_path):
    (tmp_path / "figure.png").write_bytes(b"old")
    fig = plots.plot_activations()
    fig.text(0.5, 0.5, r"$\frac{$")   # mathtext that cannot be parsed: fails while drawing
    with pytest.raises(ValueError):
        plots.save(fig, tmp_path / "figure")
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]
    assert (tmp_path / "figure.png").read_bytes() == b"old"


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    (tmp_path / "figure.png").write_bytes(b"old")

    def full_disk(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(plots.os, "replace", full_disk)
    with pytest.raises(OSError):
        plots.save(plots.plot_activations(), tmp_path / "figure")
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]
    assert (tmp_path / "figure.png").read_bytes() == b"old"


def test_importing_the_command_line_does_not_import_matplotlib():
    code = ("import sys, backprop_tutor.cli, backprop_tutor.output.figures, "
            "backprop_tutor.teaching.activation_cost; print('matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------- the network figure

def test_default_network_shows_forward_and_backward_numbers(default):
    text = texts(plots.plot_network(solve(default)))
    for label in ["w1 = 0.3", "w2 = 0.4", "w3 = -0.6", "w4 = 0.1", "w5 = 0.7", "w6 = -0.5",
                  "i1 = 0.5", "i2 = 1", "t1 = 0.9", "b = 0.1", "b = 0.2",
                  "net = 0.65",                 # net_h1 = 0.3·0.5 + 0.4·1 + 0.1
                  "out = 0.657",                # sigmoid(0.65) = 0.657010
                  "net = -0.1",                 # net_h2 = -0.6·0.5 + 0.1·1 + 0.1
                  "δ = -0.0708",                # delta_o1, by mpmath (test_cli_solve_train.py)
                  "hidden sigmoid, output sigmoid", "E = 0.0438"]:
        assert label in text, label


def test_relu_network_shows_the_inactive_unit(default):
    text = texts(plots.plot_network(solve(default.with_options(hidden_activation="relu"))))
    assert "hidden relu" in text
    assert "net = -0.1\nout = 0" in text and "δ = 0\n" in text   # h2 is off: its δ is 0


def test_mazur_network_shows_his_published_numbers():
    text = texts(plots.plot_network(solve(load_network(EXAMPLES / "mazur.toml"))))
    for label in ["out = 0.5933", "out = 0.7514", "out = 0.7729", "E = 0.2984",
                  "b = 0.35 (fixed)", "t2 = 0.99", "E_o1 = 0.2748"]:
        assert label in text, label


def test_deep_network_names_every_unit_and_weight():
    text = texts(plots.plot_network(solve(load_network(EXAMPLES / "deep.toml"))))
    for name in [f"w{k} = " for k in range(1, 15)] + ["h1", "h5", "o1"]:
        assert name in text, name


# ---------------------------------------------------------------- learning

@pytest.mark.parametrize("updates", [-1, 2.5, True])
def test_bad_training_settings_name_the_parameter(default, updates):
    with pytest.raises(ValueError, match=r"^updates must be"):
        experiments.learning_curves(default, updates=updates)


def test_learning_curves_follow_a_hand_written_training_loop(default):
    curves = experiments.learning_curves(default, updates=20)
    assert list(curves) == ["sigmoid", "tanh", "relu"]
    for activation, losses in curves.items():
        assert len(losses) == 21
        for updates in (0, 1, 20):
            assert losses[updates] == pytest.approx(hand_training(activation, 0.5, updates),
                                                    rel=1e-12), (activation, updates)


def test_relu_derivative_jumps_at_zero_without_a_vertical_segment():
    # relu'(0) = 0 by convention: a filled dot at (0, 0), an open circle at (0, 1), and no
    # line drawn from one to the other.
    fig = plots.plot_activations()
    right = fig.axes[1]
    colour = plots.COLORS["relu"]
    relu_lines = [line for line in right.get_lines() if line.get_color() == colour]
    for line in relu_lines:
        y = line.get_ydata()
        assert all(abs(b - a) <= 0.5 for a, b in itertools.pairwise(y))
    dots = {(float(line.get_xdata()[0]), float(line.get_ydata()[0]), line.get_markerfacecolor())
            for line in relu_lines if line.get_marker() == "o"}
    assert dots == {(0.0, 0.0, colour), (0.0, 1.0, "white")}


def test_log_axes_label_their_ticks_in_numbers_not_in_maths(tmp_path):
    # matplotlib labels a log axis in maths ($\mathdefault{10^{-2}}$), which the figures' style
    # (text.parse_math off, so that a title is drawn as written) would print as written.
    fig = plots.plot_learning_curves({"sigmoid": [1.0, 0.1, 0.01, 1e-5]}, tmp_path / "curves")
    shown = {label.get_text() for label in fig.axes[0].yaxis.get_ticklabels()}
    # as a student writes them; in powers of ten only below 0.0001
    assert {"1e\N{MINUS SIGN}05", "0.0001", "0.001", "0.01", "0.1", "1"} <= shown
    assert "$" not in texts(fig)


@pytest.fixture(scope="module")
def laid_out_by_hand(default):
    """The figures placed by fixed margins (figures.Margins), drawn from small runs of the lab."""
    from backprop_tutor.output import lab_figures
    from backprop_tutor.output.pack_lab import DEPTH
    from backprop_tutor.teaching.activation_cost import END_TO_END, measure
    from backprop_tutor.teaching.lab import depth, learning_rate

    digits = learning_rate.run(learning_rate.settings(learning_rate.BASE.with_(**END_TO_END),
                                                      seeds=(0,)))
    deepest = depth.run(depth.settings(depth.BASE.with_(**DEPTH[0]), depths=(6,), seeds=(0,)))
    return {"activations": plots.plot_activations(),
            "learning curves": plots.plot_learning_curves(
                experiments.learning_curves(default, updates=1000)),
            "learning rate": lab_figures.plot_learning_rate(learning_rate.summarise(digits)),
            "depth": lab_figures.plot_depth(depth.summarise(deepest)),
            "cost": lab_figures.plot_cost(measure(size=10_000, repeats=3, calls=1, runs=digits))}


@pytest.mark.parametrize("name", ["activations", "learning curves", "learning rate", "depth",
                                  "cost"])
def test_fixed_margins_leave_room_for_every_label(laid_out_by_hand, name):
    # Every text and legend inside the figure, and each panel's labels clear of the panel
    # on its left: the margins given by hand are wide enough for what the figure writes.
    # At the SVG's 72 dots per inch (where hinted text is widest) and at the PNG's.
    fig = laid_out_by_hand[name]
    width, height = fig.get_size_inches()
    for dpi in (72, plots.DPI):
        fig.set_dpi(dpi)
        renderer = fig.canvas.get_renderer()
        drawn = fig.get_tightbbox(renderer)   # in inches: everything drawn, legends included
        assert drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= width and drawn.y1 <= height, dpi
        for left, right in itertools.pairwise(fig.axes):
            assert right.get_tightbbox(renderer).x0 > left.bbox.x1, dpi
