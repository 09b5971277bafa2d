"""Benchmark of the main job: `backprop-tutor tutorial --out DIR` beside `import tensorflow`.

Prints figures and ratios measured side by side in one run, with the load
average; asserts nothing (the machines are shared and noisy).

    python benchmarks/tutorial.py [--runs N]

Each run of the whole command is a fresh process writing a new pack; between
two of them `python -c "import tensorflow"` runs alone, cold, as the yardstick:
the pack imports TensorFlow for Problem 4 and can hardly take less. Targets
(issue 21): the pack's wall time ≤ 1.5 × TensorFlow's import, its CPU time
(every process it starts included) ≤ 8 s, and the peak memory of its whole
process tree ≤ 900 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from timing import command, load, measured, print_rows, row

SCRIPT = "benchmarks/tutorial.py"
IMPORT_TENSORFLOW = [sys.executable, "-c", "import tensorflow"]


def measure(runs: int) -> dict:
    """Medians of ``runs`` packs and TensorFlow imports, run alternately after one warm-up each."""
    with tempfile.TemporaryDirectory() as folder:
        def pack(n: int) -> dict:
            return measured(command("tutorial", "--out", str(Path(folder) / f"pack{n}")))
        pack(0), measured(IMPORT_TENSORFLOW)     # the file cache warmed
        packs, imports = [], []
        for n in range(1, runs + 1):
            packs.append(pack(n))
            imports.append(measured(IMPORT_TENSORFLOW))
    return {"pack": {key: statistics.median(run[key] for run in packs) for key in packs[0]}
            | {"peak": max(run["peak"] for run in packs)},
            "tensorflow": {key: statistics.median(run[key] for run in imports)
                           for key in imports[0]}, "runs": runs}


def rows(runs: int = 3, figures: dict | None = None) -> list[dict]:
    """This script's figures as rows of the benchmark table (see report.py)."""
    figures = figures or measure(runs)
    pack, tensorflow = figures["pack"], figures["tensorflow"]
    ratio = pack["wall"] / tensorflow["wall"]
    return [
        _row(f"`tutorial --out DIR` ÷ `python -c \"import tensorflow\"`, wall, median of "
             f"{figures['runs']} each, alternately",
             f"{ratio:.2f} ({pack['wall']:.1f} s ÷ {tensorflow['wall']:.1f} s)", "≤ 1.5",
             ratio <= 1.5),
        _row("`tutorial --out DIR`, CPU time of every process it starts (TensorFlow's import "
             f"alone: {tensorflow['cpu']:.1f} s)", f"{pack['cpu']:.1f} s", "≤ 8 s",
             pack["cpu"] <= 8),
        _row("`tutorial --out DIR`, peak memory of its process tree (TensorFlow's import "
             f"alone: {tensorflow['peak'] / 1e6:,.0f} MB)", f"{pack['peak'] / 1e6:,.0f} MB",
             "≤ 900 MB", pack["peak"] <= 900e6),
    ]


def _row(measures: str, figure: str, target: str, met: bool | None) -> dict:
    return row(SCRIPT, measures, figure, target, met)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each command")
    runs = parser.parse_args().runs
    before = load()
    print_rows(rows(runs), before)


if __name__ == "__main__":
    main()
