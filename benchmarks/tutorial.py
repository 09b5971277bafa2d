"""Benchmark of the main job: wall time of `backprop-tutor tutorial`, and what it is made of.

Prints figures, asserts nothing (the machines are shared and noisy).

    python benchmarks/tutorial.py [--runs N]

The whole command runs in a fresh process, writing a new pack each run. For
comparison, the import of each heavy library it uses is timed alone, cold:
TensorFlow's is expected to dominate.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from timing import command, median_time, wall_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold runs of each command")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        times = [wall_time(command("tutorial", "--out", str(Path(folder) / f"pack{n}")))[0]
                 for n in range(runs)]
    print(f"backprop-tutor tutorial --out DIR, cold, median of {runs} runs: "
          f"{statistics.median(times):.1f} s")
    print("imports alone, cold, median of the same number of runs:")
    for library in ("tensorflow", "sympy", "matplotlib.pyplot", "typst", "numpy"):
        seconds = median_time([sys.executable, "-c", f"import {library}"], runs)
        print(f"  {seconds:5.2f} s   import {library}")


if __name__ == "__main__":
    main()
