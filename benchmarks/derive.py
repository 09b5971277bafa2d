"""Benchmark of Problem 1: `derive` time and peak memory against the size of the network.

Prints figures, asserts nothing (the machines are shared and noisy).

    python benchmarks/derive.py [--timeout SECONDS] [--largest SHAPE]

For each shape, from 2-2-1 up to 50-50-10, a network with sigmoid units and
seeded random weights is written to a file, and `backprop-tutor derive FILE
--format json` runs in a fresh process (cold: SymPy's import included). The
table gives its wall time, its CPU time (user + system: on a shared machine
the wall time also counts the waiting), its peak resident memory (the
child's own ``ru_maxrss`` from ``os.wait4``), the CPU time each 100 weights
and biases add to that of the 2-2-1 network (about constant when the growth
is linear), and whether every gradient was proven.
A run that exceeds the timeout is killed and shown as ``> timeout``.

The last line times `python -c "import sympy"`: the floor no derivation goes below.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import command, network_file

SHAPES = ["2-2-1", "2-4-1", "4-6-1", "10-10-2", "6-6-6-2", "2-4-4-4-4-4-1", "20-20-5", "50-50-10"]


def measured(arguments: list[str], timeout: float, folder: Path) -> tuple[float, float, float, str | None]:
    """Wall seconds, CPU seconds and peak resident MB of the child, and its stdout (None if killed)."""
    out = folder / "stdout"
    with out.open("w") as stdout:
        start = time.perf_counter()
        child = subprocess.Popen(arguments, stdout=stdout, stderr=subprocess.DEVNULL)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                child.returncode = -9
                return (time.perf_counter() - start, usage.ru_utime + usage.ru_stime,
                        usage.ru_maxrss / 1024, None)
            time.sleep(0.02)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run is killed")
    parser.add_argument("--largest", default=SHAPES[-1], choices=SHAPES, help="the last shape run")
    options = parser.parse_args()
    shapes = SHAPES[:SHAPES.index(options.largest) + 1]
    print("backprop-tutor derive FILE --format json, cold, sigmoid units, one run each:")
    print(f"  {'network':<15}{'parameters':>11}{'wall s':>9}{'CPU s':>8}{'peak MB':>9}"
          f"{'+CPU s per 100':>16}  proven")
    first = None  # (parameters, CPU seconds) of the smallest network
    with tempfile.TemporaryDirectory() as folder:
        for shape in shapes:
            path, parameters = network_file(shape, Path(folder))
            seconds, cpu, megabytes, output = measured(command("derive", str(path), "--format", "json"),
                                                       options.timeout, Path(folder))
            if output is None:
                print(f"  {shape:<15}{parameters:>11}{'> ' + format(options.timeout, 'g'):>9}"
                      f"{cpu:>8.2f}{megabytes:>9.0f}{'':>16}  killed")
                continue
            proven = "yes" if output and json.loads(output)["proof"]["proven"] else "NO"
            first = first or (parameters, cpu)
            added = (f"{100 * (cpu - first[1]) / (parameters - first[0]):>16.3f}"
                     if parameters > first[0] else f"{'':>16}")
            print(f"  {shape:<15}{parameters:>11}{seconds:>9.2f}{cpu:>8.2f}{megabytes:>9.0f}"
                  f"{added}  {proven}")
        floor, cpu, megabytes, _ = measured([sys.executable, "-c", "import sympy"], options.timeout,
                                            Path(folder))
    print(f"  {'import sympy':<15}{'':>11}{floor:>9.2f}{cpu:>8.2f}{megabytes:>9.0f}   (the floor)")


if __name__ == "__main__":
    main()
