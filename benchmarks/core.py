"""Benchmark of the core: cold start of `solve` and the NumPy network's SGD step.

Prints figures, asserts nothing (the machines are shared and noisy: the two
cold starts are measured interleaved, in one run, and compared as a ratio).

    python benchmarks/core.py [--runs N]

* cold start: wall time of `backprop-tutor solve --format json` in a fresh
  process, as a ratio to `python -c "import numpy"` (target <= 1.5);
* microseconds per SGD step of the NumPy network on the default network, and
  the time for 10,000 updates of a 2-2-2 network (examples/mazur.toml).
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import sys
import time
from pathlib import Path

from timing import command, wall_time

import backprop_tutor
from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.networks.numpy_network import NumpyNetwork


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="cold starts of each command")
    runs = parser.parse_args().runs

    solve, numpy = cold_start(runs)
    print(f"cold start, median of {runs} runs each, interleaved:")
    print(f"  backprop-tutor solve --format json   {solve * 1000:7.1f} ms")
    print(f"  python -c 'import numpy'             {numpy * 1000:7.1f} ms")
    print(f"  ratio                                {solve / numpy:7.2f}   (target <= 1.5)")

    step = seconds_per_step(DEFAULT_NETWORK, 10_000)
    print(f"NumPy network, default network (2-2-1): {step * 1e6:.1f} µs per SGD step")
    step_222 = seconds_per_step(EXAMPLES / "mazur.toml", 10_000)
    print(f"NumPy network, 2-2-2 (mazur.toml): 10,000 updates in {step_222 * 10_000:.3f} s "
          f"(target: well under 1 s)")


if __name__ == "__main__":
    main()
