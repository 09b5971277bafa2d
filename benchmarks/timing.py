"""Helpers shared by the benchmark scripts: time whole commands in fresh processes, write networks,
and make and print the rows of the benchmark table (report.py)."""

from __future__ import annotations

import itertools
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def command(*arguments: str) -> list[str]:
    """``backprop-tutor ARGUMENTS``, with the command installed beside this Python."""
    return [shutil.which("backprop-tutor", path=str(Path(sys.executable).parent)), *arguments]


def wall_time(arguments: list[str]) -> tuple[float, str]:
    """Seconds for one run of a command in a fresh process, and what it printed."""
    start = time.perf_counter()
    result = subprocess.run(arguments, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, result.stdout


def median_time(arguments: list[str], runs: int) -> float:
    """Median wall time of ``runs`` runs, after one run that warms the file cache."""
    wall_time(arguments)
    return statistics.median(wall_time(arguments)[0] for _ in range(runs))


def network_file(shape: str, folder: Path) -> tuple[Path, int]:
    """A network file of this shape (sigmoid units, seeded weights) and its number of parameters."""
    sizes = [int(n) for n in shape.split("-")]
    rng = random.Random(shape)
    lines = ['loss = "half_sse"', "learning_rate = 0.5",
             f"inputs = {[round(rng.uniform(-1, 1), 3) for _ in range(sizes[0])]}",
             f"targets = {[round(rng.uniform(0, 1), 3) for _ in range(sizes[-1])]}"]
    for n_in, n_out in itertools.pairwise(sizes):
        rows = [[round(rng.uniform(-1, 1), 3) for _ in range(n_in)] for _ in range(n_out)]
        lines += ["[[layers]]", 'activation = "sigmoid"', f"weights = {rows}",
                  f"biases = {[round(rng.uniform(-1, 1), 3) for _ in range(n_out)]}"]
    path = folder / f"{shape}.toml"
    path.write_text("\n".join(lines) + "\n")
    return path, sum(n_in * n_out + n_out for n_in, n_out in itertools.pairwise(sizes))


def measured(arguments: list[str]) -> dict:
    """One run of a command in a fresh process: wall seconds, CPU seconds and peak memory.

    CPU time is the process's and every process it waited for (user + system).
    Peak memory is the largest sum of the resident memory of the process and all
    its descendants at once, sampled every 20 ms (Linux ``/proc``): what the
    machine must hold while the command runs.
    """
    import os
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_memory(process.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(f"{' '.join(arguments)} failed: {process.stderr.read().decode()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak": peak, "load": os.getloadavg()[0]}


def tree_memory(pid: int) -> int:
    """Bytes resident in memory of the process ``pid`` and all its descendants, now."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:       # ended meanwhile
                continue
            # The command's name (2nd field) is in parentheses and may hold spaces.
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, todo = set(), [pid]
    while todo:
        current = todo.pop()
        tree.add(current)
        todo += [child for child, parent in parents.items() if parent == current]
    total = 0
    for member in tree:
        try:
            status = (Path("/proc") / str(member) / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def load() -> str:
    """The load average (1, 5, 15 min) as the tables print it."""
    import os

    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def row(script: str, measures: str, figure: str, target: str, met: bool | None) -> dict:
    """A row of the benchmark table: what ``script`` measures, its figure, the target, met or not
    (None: a figure without a target)."""
    return {"script": script, "measures": measures, "figure": figure, "target": target, "met": met}


def print_rows(rows: list[dict], before: str) -> None:
    """Each row as a line, then the load average ``before`` the measurements and now."""
    for one in rows:
        print(f"{one['measures']}: {one['figure']} (target {one['target']}: "
              f"{'met' if one['met'] else 'NOT met'})")
    print(f"load average (1/5/15 min) {before} before, {load()} after, on 2 shared cores")
