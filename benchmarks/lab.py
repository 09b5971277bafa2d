"""The lab's speed: `lab learning-rate` with its default settings, cold, on every core.

Goal (issue 11): 3 hidden activations × 13 learning rates × 5 seeds × 300
epochs of full-batch gradient descent on moons (1,000 samples) in ≤ 10 s of
wall time on 2 cores. Measured as a user runs it: the command in a fresh
process (start-up, worker processes, training, table, figures and result
files). Beside it, in the same run: the same command with one worker process
(the speed-up of the pool), and the sum of the runs' own training time.

    python benchmarks/lab.py [--runs 3]

The machine's load average is printed too: on a shared machine other work
takes cores away, and the wall time with it.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import tempfile
from pathlib import Path

from timing import command, wall_time


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def lab_wall_time(jobs: int, runs: int) -> tuple[float, float, float]:
    """Median wall time of the command, its CPU time (all its processes) and the training
    seconds the runs report."""
    times, cpu, training = [], [], 0.0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "lr"
            before = children_cpu()
            seconds, _ = wall_time(command("lab", "learning-rate", "--jobs", str(jobs),
                                           "--out", str(out)))
            cpu.append(children_cpu() - before)
            times.append(seconds)
            with open(out / "seconds.csv", newline="") as file:
                training = sum(float(row["seconds"]) for row in csv.DictReader(file))
    return statistics.median(times), statistics.median(cpu), training


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per setting; the median is shown")
    runs = parser.parse_args().runs
    cores = len(os.sched_getaffinity(0))
    print(f"lab learning-rate (3 × 13 × 5 runs × 300 epochs, moons 1,000), cold, median of {runs}; "
          f"{cores} cores, load average {os.getloadavg()[0]:.1f}")
    both, cpu, training = lab_wall_time(cores, runs)
    one, _, _ = lab_wall_time(1, runs)
    print(f"  --jobs {cores}: {both:6.2f} s wall   (goal ≤ 10 s){'  ✓' if both <= 10 else '  ✗'}")
    print(f"  --jobs 1: {one:6.2f} s wall   (the pool is {one / both:.2f} × faster)")
    print(f"  CPU time of all the command's processes: {cpu:.2f} s "
          f"(on {cores} idle cores at best {cpu / cores:.2f} s of wall time)")
    print(f"  training time the 195 runs report, summed: {training:.2f} s")


if __name__ == "__main__":
    main()
