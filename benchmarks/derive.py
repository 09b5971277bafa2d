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
import sys

from timing import command, median_time, wall_time

from backprop_tutor.core.network import EXAMPLES

TARGET = 3.0


def proven_time(arguments: list[str], runs: int) -> float:
    """Median wall time; every run's JSON must say that every gradient was proven."""
    seconds, output = wall_time(arguments)
    if not json.loads(output)["proof"]["proven"]:
        raise SystemExit(f"not proven: {' '.join(arguments)}")
    return median_time(arguments, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold runs of each command")
    runs = parser.parse_args().runs
    derive = command("derive", "--format", "json")
    mazur, deep = str(EXAMPLES / "mazur.toml"), str(EXAMPLES / "deep.toml")

    seconds = proven_time([*derive, mazur], runs)
    print(f"backprop-tutor derive examples/mazur.toml --format json (2-2-2, sigmoid), "
          f"cold, median of {runs} runs:")
    print(f"  {seconds:5.2f} s   (target <= {TARGET:g} s: {'met' if seconds <= TARGET else 'MISSED'})")
    print("for comparison, each cold, median of the same number of runs:")
    for label, arguments in [("2-2-2, tanh hidden, tanh output", [mazur, "--hidden-activation", "tanh",
                                                                  "--output-activation", "tanh"]),
                             ("2-2-2, relu hidden", [mazur, "--hidden-activation", "relu"]),
                             ("2-3-2-1, relu hidden (deep.toml)", [deep]),
                             ("2-3-2-1, sigmoid hidden", [deep, "--hidden-activation", "sigmoid"])]:
        print(f"  {proven_time([*derive, *arguments], runs):5.2f} s   {label}")
    floor = median_time([sys.executable, "-c", "import sympy"], runs)
    print(f"  {floor:5.2f} s   python -c 'import sympy' (the floor)")


if __name__ == "__main__":
    main()
