"""Benchmark of the core: `solve`'s start, the worked step beside plain Python, its growth.

Prints figures and ratios measured side by side in one run, with the load
average; asserts nothing (the machines are shared and noisy).

    python benchmarks/core.py [--runs N]

* cold start: `backprop-tutor solve --format json` in a fresh process ÷
  `python -c "import numpy"`, measured alternately (target ≤ 1.5);
* `solve` on 2-2-2 (examples/mazur.toml) ÷ the same step written by hand in
  plain Python floats (target ≤ 5);
* growth: `solve` on 100-100-10 ÷ on 50-50-10, divided by the ratio of their
  weights and biases (target ≤ 1.3: time in proportion to the parameters),
  cold (the first network of its shape: the worksheet is written and compiled)
  and warm (the next one); the same for the whole `solve --check --format
  json` command in a process; the finite differences of `solve --check`
  (warm, repeated) per unit of the arithmetic they must do, which grows per
  parameter with the width of the layers above each one (2.2x from 50-50-10
  to 100-100-10);
* the NumPy network: µs per SGD step on the default network, 10,000 updates
  of 2-2-2.
"""

from __future__ import annotations

import argparse
import compileall
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import backprop_tutor
from backprop_tutor.core import worksheet
from backprop_tutor.core.activations import sigmoid
from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.networks.gradcheck import finite_difference_gradients
from backprop_tutor.networks.numpy_network import NumpyNetwork
from timing import command, network_file, row, wall_time

SCRIPT = "benchmarks/core.py"
GROWTH = ("50-50-10", "100-100-10")


def cold_start(runs: int) -> tuple[float, float]:
    """Median wall times (solve, import numpy), measured alternately.

    The package is byte-compiled first, as `pip install` does: where
    PYTHONDONTWRITEBYTECODE is set, an editable install would otherwise
    recompile every module at every start.
    """
    compileall.compile_dir(Path(backprop_tutor.__file__).parent, quiet=1)
    solve = command("solve", "--format", "json")
    numpy = [sys.executable, "-c", "import numpy"]
    wall_time(solve), wall_time(numpy)  # warm the file cache
    solve_times, numpy_times = [], []
    for _ in range(runs):
        solve_times.append(wall_time(solve)[0])
        numpy_times.append(wall_time(numpy)[0])
    return statistics.median(solve_times), statistics.median(numpy_times)


def plain_step(network):
    """One SGD step of a 2-2-2 sigmoid network with half_sse, by hand in plain floats.

    Written out as a student would: no names but these, no worksheet.
    Returns E and every new weight and bias.
    """
    (i1, i2), (t1, t2) = network.inputs, network.targets
    hidden, output = network.layers
    ((w1, w2), (w3, w4)), (b1, b2) = hidden.weights, hidden.biases
    ((w5, w6), (w7, w8)), (b3, b4) = output.weights, output.biases
    eta = network.learning_rate
    h1, h2 = sigmoid(w1 * i1 + w2 * i2 + b1), sigmoid(w3 * i1 + w4 * i2 + b2)
    o1, o2 = sigmoid(w5 * h1 + w6 * h2 + b3), sigmoid(w7 * h1 + w8 * h2 + b4)
    E = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2
    d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
    g1, g2 = (w5 * d1 + w7 * d2) * h1 * (1 - h1), (w6 * d1 + w8 * d2) * h2 * (1 - h2)
    return (E, w1 - eta * g1 * i1, w2 - eta * g1 * i2, w3 - eta * g2 * i1, w4 - eta * g2 * i2,
            w5 - eta * d1 * h1, w6 - eta * d1 * h2, w7 - eta * d2 * h1, w8 - eta * d2 * h2,
            b1 - eta * g1, b2 - eta * g2, b3 - eta * d1, b4 - eta * d2)


def per_call(call, seconds: float = 0.2) -> float:
    """Seconds per call, over at least ``seconds`` of calls."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            call()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / calls
        calls *= 2


def solve_beside_plain(runs: int) -> tuple[float, float]:
    """Median seconds per call of (solve, the plain step) on Mazur's 2-2-2, interleaved."""
    network = load_network(EXAMPLES / "mazur.toml")
    assert math.isclose(worksheet.solve(network)["w5_new"], plain_step(network)[5], rel_tol=1e-15)
    solve_times, plain_times = [], []
    for _ in range(runs):
        solve_times.append(per_call(lambda: worksheet.solve(network)))
        plain_times.append(per_call(lambda: plain_step(network)))
    return statistics.median(solve_times), statistics.median(plain_times)


def growth(runs: int) -> dict:
    """Seconds of solve (cold, warm), of the finite differences and of `solve --check` per shape."""
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for shape in GROWTH:
            path, parameters = network_file(shape, Path(folder))
            network = load_network(path)
            cold, warm, check, cli = [], [], [], []
            for _ in range(runs):
                worksheet._compiled_step.cache_clear()   # a shape not seen before
                worksheet._definitions.cache_clear()
                # B023: each lambda is timed at once, with this iteration's network.
                cold.append(_seconds(lambda: worksheet.solve(network)))  # noqa: B023
                warm.append(per_call(lambda: worksheet.solve(network)))  # noqa: B023
                check.append(per_call(lambda: finite_difference_gradients(network)))  # noqa: B023
                cli.append(wall_time(command("solve", str(path), "--check", "--format", "json"))[0])
            figures[shape] = {"parameters": parameters, **{
                name: statistics.median(values) for name, values in
                (("cold", cold), ("warm", warm), ("check", check), ("cli", cli))}}
    return figures


def finite_difference_work(shape: str) -> int:
    """Multiply-adds and activations of the finite differences of a network of this shape.

    Each weight or bias of layer l, moved by +h and by -h, is carried from its
    layer's weighted sums up through every layer above (see gradcheck): per
    move, the activations of layer l and above and the products above it. So
    their cost per parameter grows with the width of the layers above, as
    finite differences do, and not with the parameters alone.

    >>> finite_difference_work("2-2-1")   # layer 1: 6 parameters x 2 x (2 + 1 + 2 x 1); layer 2: 3 x 2 x 1
    66
    """
    sizes = [int(n) for n in shape.split("-")]
    work = 0
    for layer in range(len(sizes) - 1):
        parameters = (sizes[layer] + 1) * sizes[layer + 1]
        above = sum(sizes[k + 1] for k in range(layer, len(sizes) - 1)) + sum(
            sizes[k] * sizes[k + 1] for k in range(layer + 1, len(sizes) - 1))
        work += 2 * parameters * above
    return work


def _seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def seconds_per_step(path: Path, steps: int, repeats: int = 5) -> float:
    """Median over ``repeats`` of the time per SGD step, ``steps`` steps a run."""
    network = load_network(path)
    times = []
    for _ in range(repeats):
        model = NumpyNetwork.from_network(network)
        start = time.perf_counter()
        model.fit([network.inputs], [network.targets], learning_rate=network.learning_rate,
                  epochs=steps)
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def rows(runs: int = 15) -> list[dict]:
    """Every figure of this script as a row of the benchmark table (see report.py)."""
    solve, numpy = cold_start(runs)
    solved, plain = solve_beside_plain(min(runs, 7))
    grown = growth(min(runs, 3))
    small, large = (grown[shape] for shape in GROWTH)
    parameters = large["parameters"] / small["parameters"]
    result = [
        _row("cold start: `solve --format json` ÷ `python -c \"import numpy\"`",
             f"{solve / numpy:.2f} ({solve * 1e3:.0f} ms ÷ {numpy * 1e3:.0f} ms)", "≤ 1.5",
             solve / numpy <= 1.5),
        _row("`solve` on 2-2-2 ÷ the same step by hand in plain Python floats",
             f"{solved / plain:.1f} ({solved * 1e6:.1f} µs ÷ {plain * 1e6:.2f} µs)", "≤ 5",
             solved / plain <= 5)]
    work = [finite_difference_work(shape) for shape in GROWTH]
    for name, what in (("cold", "`solve`, first network of its shape (compiled)"),
                       ("warm", "`solve`, next network of the shape"),
                       ("check", "finite differences of `solve --check`"),
                       ("cli", "`solve --check --format json`, whole command")):
        per = (f"per parameter ({large['parameters']:,} and {small['parameters']:,} parameters)"
               if name != "check" else
               "per unit of their arithmetic (each moved parameter carried through the layers "
               f"above it: {work[1] / large['parameters']:,.0f} and "
               f"{work[0] / small['parameters']:,.0f} multiply-adds and activations per parameter)")
        ratio = large[name] / small[name] / (parameters if name != "check" else work[1] / work[0])
        result.append(_row(f"{what}: {GROWTH[1]} ÷ {GROWTH[0]}, {per}",
                           f"{ratio:.2f} ({large[name]:.3g} s ÷ {small[name]:.3g} s)", "≤ 1.3",
                           ratio <= 1.3))
    step = seconds_per_step(DEFAULT_NETWORK, 10_000)
    step_222 = seconds_per_step(EXAMPLES / "mazur.toml", 10_000)
    result += [_row("NumPy network, one SGD step on the default network (2-2-1)",
                    f"{step * 1e6:.1f} µs", "", None),
               _row("NumPy network, 10,000 updates of 2-2-2 (mazur.toml)",
                    f"{step_222 * 10_000:.3f} s", "well under 1 s", step_222 * 10_000 < 1)]
    return result


def _row(measures: str, figure: str, target: str, met: bool | None) -> dict:
    return row(SCRIPT, measures, figure, target, met)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="cold starts of each command")
    runs = parser.parse_args().runs
    before = os.getloadavg()[0]
    table = rows(runs)
    print(f"load average {before:.1f} before, {os.getloadavg()[0]:.1f} after")
    for line in table:
        verdict = "" if line["met"] is None else ("  met" if line["met"] else "  NOT met")
        target = f"  (target {line['target']})" if line["target"] else ""
        print(f"{line['measures']}\n    {line['figure']}{target}{verdict}")


if __name__ == "__main__":
    main()
