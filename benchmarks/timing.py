"""Helpers shared by the benchmark scripts: time whole commands in fresh processes, write networks."""

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
