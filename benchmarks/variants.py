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

The kit is bound by CPU time, most of it Typst's typesetting: the last row
times it alone, in this process, as the kit's workers do it (groups of 50
students' keys and sheets in turn, distinct students in every group), and
gives the wall time it alone sets on 2 cores for 1,000 students.
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


def typesetting(groups: int = 3) -> float:
    """CPU seconds per student that Typst takes to typeset a key and a sheet, as the kit does:
    ``groups`` groups of ``CLASS_DOCUMENT`` distinct students, keys and sheets in turn, after
    one group that loads the fonts."""
    import time

    from backprop_tutor.output.classkit import CLASS_DOCUMENT, _compile_parts, _write_variants
    from backprop_tutor.output.writers.typst import document_of_parts
    from backprop_tutor.teaching.variants import ANSWER_DECIMALS, generate_variants

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name in ("networks", "figures"):
            (work / name).mkdir()
        variants = generate_variants(n=(groups + 1) * CLASS_DOCUMENT, seed=2026)
        written = _write_variants(variants, "default", ANSWER_DECIMALS, work)
        seconds = 0.0
        for group in range(groups + 1):
            share = written[group * CLASS_DOCUMENT:(group + 1) * CLASS_DOCUMENT]
            start = time.process_time()
            for name in ("key", "sheet"):
                _compile_parts(document_of_parts([getattr(w, name) for w in share], "", "a4"),
                               work, name)
            seconds += (time.process_time() - start) if group else 0.0
    return seconds / (groups * CLASS_DOCUMENT)


def rows(runs: int = 2) -> list[dict]:
    """This script's figures as rows of the benchmark table (see report.py)."""
    figures = measure(runs)
    per_student = typesetting()
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
        _row("Typst alone: CPU time to typeset one student's key and sheet, as the kit's "
             "workers do (groups of 50), and the wall time it sets for 1,000 students on 2 cores",
             f"{per_student * 1000:.0f} ms (1,000 students: {per_student * 500:.0f} s)", "", None),
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
