"""Benchmark of Problem 1: the whole `derive` command, cold, every gradient derived and proven.

Prints figures, asserts nothing (the machines are shared and noisy).

    python benchmarks/derive.py [--runs N]

* the target: wall time of `backprop-tutor derive examples/mazur.toml --format json`
  (a 2-2-2 network, sigmoid units) in a fresh process, median of N runs: <= 3 s;
* the same for other activations and for two hidden layers, for comparison;
* `python -c "import sympy"`, the floor that no derivation can go below.

Each run's JSON is read back to check that every gradient was proven.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from backprop_tutor.network import EXAMPLES

TARGET = 3.0


def wall_time(command: list[str]) -> float:
    """Seconds for one run of ``command``; its JSON output, if any, must say "proven"."""
    start = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.stdout and not json.loads(result.stdout)["proof"]["proven"]:
        raise SystemExit(f"not proven: {' '.join(command)}")
    return seconds


def median_time(command: list[str], runs: int) -> float:
    wall_time(command)  # warm the file cache
    return statistics.median(wall_time(command) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold runs of each command")
    runs = parser.parse_args().runs
    executable = shutil.which("backprop-tutor", path=str(Path(sys.executable).parent))
    derive = [executable, "derive", "--format", "json"]
    mazur, deep = str(EXAMPLES / "mazur.toml"), str(EXAMPLES / "deep.toml")

    seconds = median_time([*derive, mazur], runs)
    print(f"backprop-tutor derive examples/mazur.toml --format json (2-2-2, sigmoid), "
          f"cold, median of {runs} runs:")
    print(f"  {seconds:5.2f} s   (target <= {TARGET:g} s: {'met' if seconds <= TARGET else 'MISSED'})")
    print("for comparison, each cold, median of the same number of runs:")
    for label, arguments in [("2-2-2, tanh hidden, tanh output", [mazur, "--hidden-activation", "tanh",
                                                                  "--output-activation", "tanh"]),
                             ("2-2-2, relu hidden", [mazur, "--hidden-activation", "relu"]),
                             ("2-3-2-1, relu hidden (deep.toml)", [deep]),
                             ("2-3-2-1, sigmoid hidden", [deep, "--hidden-activation", "sigmoid"])]:
        print(f"  {median_time([*derive, *arguments], runs):5.2f} s   {label}")
    floor = median_time([sys.executable, "-c", "import sympy"], runs)
    print(f"  {floor:5.2f} s   python -c 'import sympy' (the floor)")


if __name__ == "__main__":
    main()
