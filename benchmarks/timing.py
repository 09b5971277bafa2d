"""Helpers shared by the benchmark scripts: time whole commands in fresh processes."""

from __future__ import annotations

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
