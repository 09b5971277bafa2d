"""Benchmark: the class kit for 100 students (target: at most 30 s wall on 2 cores).

Times, in one run: generating 100 variants (rejection sampling), and writing
the whole kit: per variant a figure, sheet-ID.pdf, key-ID.pdf and
networks/ID.toml; for the class sheets.pdf, keys.pdf, the Markdown, keys.csv,
index.csv and moodle.xml. Prints wall time and this process's CPU time with
its workers' (the machine is shared: CPU time shows the work, wall time what
a lecturer waits).

Run: .venv/bin/python benchmarks/variants.py
"""

import os
import tempfile
import time
from pathlib import Path

from backprop_tutor.output.classkit import build_class_kit
from backprop_tutor.teaching.variants import generate_variants

N = 100


def cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    wall, used = time.perf_counter(), cpu()
    variants = generate_variants(n=N, seed=2026)
    generated = time.perf_counter() - wall
    with tempfile.TemporaryDirectory() as folder:
        kit = build_class_kit(variants, Path(folder) / "kit")
        total = time.perf_counter() - wall
        files = len(kit.files)
    print(f"{N} variants: generated in {generated:.1f} s; the whole kit ({files} files, "
          f"every PDF, CSV and XML) in {total:.1f} s wall (target <= 30 s), "
          f"{cpu() - used:.1f} s CPU on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
