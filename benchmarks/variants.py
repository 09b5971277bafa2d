"""Benchmark of the class kit: `variants --n N --out DIR` beside the tutorial pack, in one run.

Prints figures and ratios measured side by side, with the load average;
asserts nothing (the machines are shared and noisy).

    python benchmarks/variants.py [--runs N]

Each command runs in a fresh process, as a lecturer runs it: the kit of 300
variants and the pack (`tutorial --out DIR`) alternately, then the kit of
1,000 variants. A kit is every variant's drawing, sheet and key PDF, network
file and practice page, and the class's sheets.pdf, keys.pdf, Markdown,
keys.csv, index.csv and moodle.xml. Targets (issue 21): 300 variants ≤ 1.0 ×
the pack's wall time; 1,000 variants ≤ 30 s.

The kit is bound by CPU time, two thirds of it Typst's typesetting (about
60 ms a student, sheet and key) and a tenth more its cache being freed
between documents: its wall time is at best half its CPU time on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from timing import command, load, measured, print_rows, row

SCRIPT = "benchmarks/variants.py"


def kit(folder: Path, n: int, name: str) -> dict:
    return measured(command("variants", "--n", str(n), "--seed", "2026",
                            "--out", str(folder / name)))


def measure(runs: int) -> dict:
    """Medians of ``runs`` kits of 300 and packs, alternately; then one kit of 1,000."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        kit(folder, 20, "warm-up")
        kits, packs = [], []
        for n in range(runs):
            kits.append(kit(folder, 300, f"kit{n}"))
            packs.append(measured(command("tutorial", "--out", str(folder / f"pack{n}"))))
        large = kit(folder, 1000, "kit1000")
    return {"kit": {key: statistics.median(run[key] for run in kits) for key in kits[0]},
            "pack": {key: statistics.median(run[key] for run in packs) for key in packs[0]},
            "large": large, "runs": runs}


def rows(runs: int = 2) -> list[dict]:
    """This script's figures as rows of the benchmark table (see report.py)."""
    figures = measure(runs)
    kit300, pack, large = figures["kit"], figures["pack"], figures["large"]
    ratio = kit300["wall"] / pack["wall"]
    return [
        _row(f"`variants --n 300` ÷ `tutorial --out DIR`, wall, median of {figures['runs']} "
             "each, alternately",
             f"{ratio:.2f} ({kit300['wall']:.1f} s ÷ {pack['wall']:.1f} s; CPU "
             f"{kit300['cpu']:.0f} s and {pack['cpu']:.0f} s)", "≤ 1.0",
             ratio <= 1.0),
        _row(f"`variants --n 1000`, wall (CPU {large['cpu']:.0f} s, peak memory "
             f"{large['peak'] / 1e6:,.0f} MB; load {large['load']:.1f} when it ended)",
             f"{large['wall']:.1f} s", "≤ 30 s", large["wall"] <= 30),
    ]


def _row(measures: str, figure: str, target: str, met: bool | None) -> dict:
    return row(SCRIPT, measures, figure, target, met)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="runs of the kit of 300 and the pack")
    runs = parser.parse_args().runs
    before = load()
    print_rows(rows(runs), before)


if __name__ == "__main__":
    main()
